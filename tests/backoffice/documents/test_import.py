"""`documents_import`: a folder of PDFs + metadata, each row all-or-nothing."""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from backoffice.documents.bulk_import import documents_import
from backoffice.documents.imports import MetadataError
from backoffice.documents.models import DocumentFile, OfficialDocument
from tests.fixtures.documents import SECOND, row, write_csv, write_pdfs
from tests.fixtures.signatures import make_pdf

# No trust root or signing file leaks in from the environment.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "import"


def run(folder: Path) -> dict[str, Any]:
    return documents_import(actor=None, folder=folder).as_dict()


def test_csv_rows_are_published_with_their_links(library, library_index, folder):
    # The replaced document comes first: it is retried after its replacement.
    result = run(write_csv(folder, [row(**SECOND), row()]))
    assert result == {
        "imported": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": [],
    }
    old = OfficialDocument.objects.get(number_symbol="110/2004/NĐ-CP")
    new = OfficialDocument.objects.get(number_symbol="30/2020/NĐ-CP")
    assert old.replaced_by == new and old.legal_status == "replaced"
    assert new.document_type == "nghi-dinh" and new.effective_date.isoformat() == (
        "2020-03-05"
    )
    assert old.publication.live and new.publication.live


def test_import_is_idempotent(library, library_index, folder):
    write_csv(folder, [row(), row(**SECOND)])
    run(folder)
    again = run(folder)
    assert again["imported"] == 0 and again["unchanged"] == 2
    assert OfficialDocument.objects.count() == 2
    assert DocumentFile.objects.count() == 2


def test_a_changed_row_updates_its_document(library, library_index, folder):
    run(write_csv(folder, [row()]))
    result = run(write_csv(folder, [row(subject="Về công tác văn thư (bản sửa)")]))
    assert result["updated"] == 1 and result["created"] == 0
    assert OfficialDocument.objects.get().subject == "Về công tác văn thư (bản sửa)"


def test_json_metadata_with_a_list_of_files(library, library_index, folder):
    folder.mkdir()
    values = row(files="")
    values["files"] = ["qd.pdf", "phu-luc.pdf"]
    (folder / "metadata.json").write_text(
        json.dumps({"documents": [values]}, ensure_ascii=False), encoding="utf-8"
    )
    for name in values["files"]:
        (folder / name).write_bytes(make_pdf([name]))
    result = run(folder)
    assert result["created"] == 1
    assert list(
        OfficialDocument.objects.get().files.values_list("original_name", flat=True)
    ) == ["qd.pdf", "phu-luc.pdf"]


# --- every kind of bad row, each rejected with its reason, the others imported ----


def test_bad_rows_are_rejected_with_their_reason(
    library, library_index, folder, settings
):
    good = row()
    rows = [
        good,  # line 2
        row(
            number_symbol="01/2018/TT-VPCP",
            type="Thông tư",
            issuer="Văn phòng Chính phủ",
            issued_date="23/11/2018",
            effective_date="",
            files="khong-co.pdf",
        ),  # line 3: missing PDF
        row(
            number_symbol="02/2018/TT-VPCP",
            type="Thông tư",
            issued_date="2018-12-01",
            effective_date="",
            files="hong.pdf",
        ),  # line 4: broken PDF
        row(
            number_symbol="03/2018/TT-VPCP",
            type="Sắc lệnh",
            issued_date="2018-12-01",
            effective_date="",
            files="sac-lenh.pdf",
        ),  # line 5: unknown type
        row(files="trung.pdf"),  # line 6: duplicate number-symbol
        row(
            number_symbol="04/2018/QD-UBND",
            type="Quyết định",
            issued_date="2018-12-01",
            effective_date="",
            files="qd.pdf",
        ),  # line 7: D for Đ
        row(
            number_symbol="05/2018/NĐ-CP",
            issued_date="31/02/2018",
            effective_date="",
            files="ngay.pdf",
        ),  # line 8: no such date
        row(
            number_symbol="06/2018/NĐ-CP",
            issued_date="2018-05-01",
            effective_date="",
            status="replaced",
            replaced_by="99/2099/NĐ-CP",
            files="thay.pdf",
        ),  # line 9: unknown replacement
    ]
    write_csv(folder, rows)
    (folder / "khong-co.pdf").unlink()
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF-broken")
    result = run(folder)
    reasons = {item["row"]: item["reason"] for item in result["rejected"]}
    assert result["created"] == 1
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert "Không tìm thấy tệp PDF “khong-co.pdf”" in reasons[3]
    assert "hong.pdf" in reasons[4] and "bị hỏng" in reasons[4]
    assert "Sắc lệnh" in reasons[5] and "không có trong danh mục" in reasons[5]
    assert "Trùng số, ký hiệu 30/2020/NĐ-CP" in reasons[6] and "dòng 2" in reasons[6]
    assert "có phải 'QĐ'" in reasons[7]
    assert "31/02/2018" in reasons[8]
    assert "99/2099/NĐ-CP" in reasons[9]
    # All-or-nothing per row: only the good row left a document and a file.
    assert list(OfficialDocument.objects.values_list("number_symbol", flat=True)) == [
        "30/2020/NĐ-CP"
    ]
    stored = list((Path(settings.MEDIA_ROOT) / "documents").rglob("*.pdf"))
    assert len(stored) == 1


def test_a_row_is_all_or_nothing_when_its_second_file_is_broken(
    library, library_index, folder, settings
):
    write_csv(folder, [row(files="a.pdf;b.pdf")])
    (folder / "b.pdf").write_bytes(b"not a pdf at all")
    result = run(folder)
    assert result["rejected"][0]["row"] == 2
    assert "b.pdf" in result["rejected"][0]["reason"]
    assert OfficialDocument.objects.count() == 0
    assert not (Path(settings.MEDIA_ROOT) / "documents").exists() or not list(
        (Path(settings.MEDIA_ROOT) / "documents").rglob("*.pdf")
    )


def test_a_file_outside_the_folder_is_refused(library, library_index, folder, tmp_path):
    (tmp_path / "secret.pdf").write_bytes(make_pdf(["secret"]))
    write_csv(folder, [row(files="../secret.pdf")], pdfs=False)
    result = run(folder)
    assert "ngoài thư mục" in result["rejected"][0]["reason"]


# --- legacy encodings -------------------------------------------------------------


def tcvn3(text: str) -> bytes:
    """Unicode → TCVN3 (ABC) bytes, by glibc iconv as the legacy tools wrote them."""
    return subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"],  # noqa: S607
        input=text.encode(),
        capture_output=True,
        check=True,
    ).stdout


def test_a_tcvn3_metadata_file_is_converted_to_nfc(library, library_index, folder):
    write_csv(folder, [row()])
    text = (folder / "metadata.csv").read_text(encoding="utf-8")
    (folder / "metadata.csv").write_bytes(tcvn3(text))
    assert b"\xae" in (folder / "metadata.csv").read_bytes()  # đ in TCVN3
    result = run(folder)
    assert result["created"] == 1, result
    document = OfficialDocument.objects.get()
    assert document.subject == "Về công tác văn thư"
    assert document.number_symbol == "30/2020/NĐ-CP"
    assert document.field == "Văn thư, lưu trữ"


def test_vni_text_in_a_utf8_file_is_converted(library, library_index, folder):
    # VNI typed text, later read as Windows-1252 and saved as UTF-8.
    write_csv(
        folder,
        [row(subject="Veà coâng taùc vaên thö", signer_name="Nguyeãn Xuaân Phuùc")],
    )
    result = run(folder)
    assert result["created"] == 1, result
    document = OfficialDocument.objects.get()
    assert document.subject == "Về công tác văn thư"
    assert document.signer_name == "Nguyễn Xuân Phúc"


def test_a_wrong_legacy_encoding_is_rejected(library, library_index, folder):
    values = row(subject="Về công tác văn thư")
    values["encoding"] = "koi8"
    folder.mkdir()
    (folder / "metadata.json").write_text(json.dumps([values]), encoding="utf-8")
    write_pdfs(folder, [values])
    result = run(folder)
    assert result["rejected"][0]["row"] == 1
    assert "koi8" in result["rejected"][0]["reason"]
    assert OfficialDocument.objects.count() == 0


# --- an unreadable folder changes nothing ----------------------------------------


def test_a_folder_without_metadata_is_refused(library, library_index, folder):
    folder.mkdir()
    with pytest.raises(MetadataError, match="metadata.csv hoặc metadata.json"):
        run(folder)


def test_a_csv_without_required_columns_is_refused(library, library_index, folder):
    folder.mkdir()
    (folder / "metadata.csv").write_text("number_symbol,subject\n1/QĐ-UBND,x\n")
    with pytest.raises(MetadataError, match="thiếu cột: type, issuer"):
        run(folder)
    assert OfficialDocument.objects.count() == 0


def test_broken_json_is_refused(library, library_index, folder):
    folder.mkdir()
    (folder / "metadata.json").write_text('[{"number_symbol": ')
    with pytest.raises(MetadataError, match="không phải JSON hợp lệ"):
        run(folder)
