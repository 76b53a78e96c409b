"""`receive_document` (DESIGN.md §5 contract) and `register_export`."""

import io
import json
from pathlib import Path

from django.core.management import call_command

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from backoffice.incoming.models import IncomingDocument, IncomingMail
from backoffice.incoming.register_book import register_columns

pytestmark = pytest.mark.django_db
KEYS = {
    "status",
    "incoming_number",
    "year",
    "received_at",
    "verdict",
    "duplicate_of",
    "reason",
}


def run(*args: str) -> tuple[int, dict | None, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("receive_document", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    text = out.getvalue()
    report = json.loads(text) if "--json" in args else None
    return code, report, err.getvalue()


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_auto_register_follows_the_contract(desk, pdfs, tmp_path) -> None:
    files = [
        write(tmp_path, f"{kind}.pdf", pdfs[kind])
        for kind in ("signed", "foreign", "unsigned", "tampered", "secret", "signed")
    ]
    code, report, _err = run(
        *files, "--agency", desk["agency"].code, "--auto-register", "--json"
    )
    assert code == 0
    documents = report["documents"]
    assert all(set(d) == KEYS for d in documents)
    assert [(d["status"], d["verdict"]) for d in documents] == [
        ("registered", "valid"),
        ("pending", "untrusted"),
        ("pending", "unsigned"),
        ("refused", "invalid"),
        ("refused", "unsigned"),
        ("registered", "valid"),
    ]
    assert [d["incoming_number"] for d in documents] == [1, None, None, None, None, 2]
    assert all(d["year"] == documents[0]["year"] for d in documents)
    assert documents[0]["received_at"].endswith("+07:00")
    assert documents[3]["reason"].startswith("Chữ ký số không hợp lệ")
    assert "độ mật" in documents[4]["reason"]
    assert documents[0]["reason"] is None
    # Page 1 says "Số: 15/UBND-VP": every later copy is flagged as a duplicate of
    # number 1 (the secret one carries another number-symbol).
    assert [d["duplicate_of"] for d in documents] == [None, 1, 1, 1, None, 1]


def test_without_auto_register_everything_waits_for_the_clerk(
    desk, pdfs, tmp_path
) -> None:
    code, report, _err = run(
        write(tmp_path, "a.pdf", pdfs["signed"]),
        "--agency",
        desk["agency"].code,
        "--json",
    )
    assert code == 0
    (document,) = report["documents"]
    assert document["status"] == "pending" and document["verdict"] == "valid"
    assert document["incoming_number"] is None


def test_a_mail_gives_one_document_per_pdf(desk, pdfs, tmp_path, mail_factory) -> None:
    raw = mail_factory(
        attachments=[
            ("a.pdf", pdfs["signed"], "application/pdf"),
            ("b.pdf", pdfs["signed"], "application/pdf"),
            ("c.txt", b"ghi chu", "text/plain"),
        ]
    )
    path = write(tmp_path, "thu.eml", raw)
    args = [path, "--agency", desk["agency"].code, "--via", "email", "--json"]
    code, report, err = run(*args, "--auto-register")
    assert code == 0 and "c.txt" in err
    assert [d["incoming_number"] for d in report["documents"]] == [1, 2]
    code, again, _err = run(*args)
    assert code == 0 and again == report | {"documents": again["documents"]}
    assert [d["incoming_number"] for d in again["documents"]] == [1, 2]
    assert IncomingMail.objects.count() == 1
    assert IncomingDocument.objects.count() == 2


def test_the_number_symbol_on_page_1_is_read_and_duplicates_named(
    desk, pdfs, tmp_path
) -> None:
    args = ["--agency", desk["agency"].code, "--json", "--auto-register"]
    _code, first, _err = run(write(tmp_path, "a.pdf", pdfs["signed"]), *args)
    _code, second, _err = run(write(tmp_path, "b.pdf", pdfs["signed"]), *args)
    assert IncomingDocument.objects.get(incoming_number=1).number_symbol == "15/UBND-VP"
    assert first["documents"][0]["duplicate_of"] is None
    assert second["documents"][0] == second["documents"][0] | {
        "status": "registered",
        "incoming_number": 2,
        "duplicate_of": 1,
    }


def test_an_unreadable_file_exits_2_and_stores_nothing_for_it(
    desk, pdfs, tmp_path
) -> None:
    good = write(tmp_path, "good.pdf", pdfs["signed"])
    bad = write(tmp_path, "bad.pdf", b"%PDF-1.4 \x00 truncated")
    code, report, err = run(good, bad, "--agency", desk["agency"].code, "--json")
    assert code == 2
    assert "bad.pdf" in err and "bị hỏng" in err
    assert len(report["documents"]) == 1
    assert IncomingDocument.objects.count() == 1
    code, _report, err = run(
        str(tmp_path / "missing.pdf"), "--agency", desk["agency"].code
    )
    assert code == 2 and "missing.pdf" in err
    code, _report, err = run(
        write(tmp_path, "x.eml", b"\x00\x01"),
        "--agency",
        desk["agency"].code,
        "--via",
        "email",
    )
    assert code == 2 and "thư điện tử" in err
    assert IncomingDocument.objects.count() == 1


def test_an_unknown_agency_exits_2(pdfs, tmp_path, db) -> None:
    code, _report, err = run(write(tmp_path, "a.pdf", pdfs["signed"]), "--agency", "X")
    assert code == 2 and "Không tìm thấy cơ quan" in err
    assert not IncomingDocument.objects.exists()


def export(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command("register_export", *args, stderr=err)
        return 0, err.getvalue()
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()


def test_register_exports_as_xlsx_and_pdf_with_the_art_10_columns(
    desk, pdfs, tmp_path
) -> None:
    paths = [write(tmp_path, f"{n}.pdf", pdfs["signed"]) for n in range(3)]
    run(*paths, "--agency", desk["agency"].code, "--auto-register")
    year = str(IncomingDocument.objects.first().year)
    xlsx, pdf = tmp_path / "so-den.xlsx", tmp_path / "so-den.pdf"
    common = ["--register", "incoming", "--agency", desk["agency"].code]
    assert export(*common, "--year", year, "--format", "xlsx", "-o", str(xlsx))[0] == 0
    sheet = load_workbook(xlsx).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[2])
    assert header == register_columns()
    assert header[:4] == ["Số đến", "Ngày đến", "Cơ quan ban hành", "Số, ký hiệu"]
    assert [r[0] for r in rows[3:]] == ["1", "2", "3"]
    assert rows[3][11] == "0.pdf"
    assert export(*common, "--year", year, "--format", "pdf", "-o", str(pdf))[0] == 0
    text = PdfReader(pdf).pages[0].extract_text()
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text and "Trích yếu" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--register": "nope"}, "Không có sổ"),
        ({"--agency": "000.00.99.H53"}, "Không tìm thấy cơ quan"),
        ({"--year": "26"}, "Năm"),
        ({"--format": "docx"}, "Định dạng"),
    ],
)
def test_register_export_bad_input_exits_2_without_a_file(
    desk, tmp_path, change, message
) -> None:
    output = tmp_path / "out.xlsx"
    options = {
        "--register": "incoming",
        "--agency": desk["agency"].code,
        "--year": "2026",
        "--format": "xlsx",
    } | change
    args = [item for pair in options.items() for item in pair]
    code, err = export(*args, "-o", str(output))
    assert code == 2 and message in err
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_long_register_repeats_its_header_on_every_pdf_page(desk, tmp_path) -> None:
    from backoffice.core import registers

    def exporter(*, agency, year, date_from=None, date_to=None):
        return registers.RegisterTable(
            title="SỔ THỬ",
            columns=["Số thứ tự", "Trích yếu nội dung"],
            rows=[[str(n), f"Văn bản thứ {n} của {agency.code}"] for n in range(150)],
        )

    registers.register_book_register("test-book", exporter)
    try:
        output = tmp_path / "so.pdf"
        code, _err = export(
            "--register",
            "test-book",
            "--agency",
            desk["agency"].code,
            "--year",
            "2026",
            "--format",
            "pdf",
            "-o",
            str(output),
        )
    finally:
        registers._BOOKS.pop("test-book")
    assert code == 0
    pages = PdfReader(output).pages
    assert len(pages) > 2
    assert all("Trích yếu nội dung" in page.extract_text() for page in pages)
    assert "Văn bản thứ 149" in pages[-1].extract_text()
