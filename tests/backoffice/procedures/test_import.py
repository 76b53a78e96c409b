import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.procedures.models import Field, Procedure
from backoffice.procedures.services import ProcedureImportError, procedures_import
from tests.fixtures.procedures import as_json, procedure

pytestmark = pytest.mark.django_db


def test_json_import_creates_procedures_with_ordered_components(agency_tree) -> None:
    result = procedures_import(actor=None, name="p.json", content=as_json(procedure()))
    assert result.created == ["1.001193"]
    p = Procedure.objects.get(code="1.001193")
    assert [c.name for c in p.components.all()] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]
    assert p.components.first().formats == ["pdf", "docx"]
    assert list(p.agencies.values_list("code", flat=True)) == ["000.01.31.H53"]
    assert AuditLogEntry.objects.filter(action="procedure.imported").count() == 1


def test_reimport_is_idempotent_and_update_is_detected(agency_tree) -> None:
    procedures_import(actor=None, name="p.json", content=as_json(procedure()))
    again = procedures_import(actor=None, name="p.json", content=as_json(procedure()))
    assert again.unchanged == ["1.001193"]
    changed = procedures_import(
        actor=None, name="p.json", content=as_json(procedure(processing_days=3))
    )
    assert changed.updated == ["1.001193"]
    assert Procedure.objects.get().processing_days == 3


def test_text_is_normalised_to_nfc(agency_tree) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Thủ tục đăng ký kết hôn")
    procedures_import(
        actor=None, name="p.json", content=as_json(procedure(name=decomposed))
    )
    assert Procedure.objects.get().name == unicodedata.normalize("NFC", decomposed)


CSV_HEADER = (
    "code,name,field_code,field_name,agencies,processing_days,fees,online_level,result,"
    "legal_basis,component_name,component_required,component_form,component_count,component_formats\n"
)


def test_csv_import_groups_component_rows(agency_tree) -> None:
    csv = CSV_HEADER + (
        "1.001193,Thủ tục đăng ký khai sinh,ho-tich,Hộ tịch,000.01.31.H53,1,Miễn,full,Giấy khai sinh,Luật Hộ tịch,Tờ khai,1,original,1,pdf;docx\n"
        "1.001193,,,,,,,,,,Giấy chứng sinh,1,original_or_copy,1,pdf\n"
        '2.000635,Thủ tục cấp bản sao trích lục hộ tịch,ho-tich,Hộ tịch,000.01.31.H53;000.00.04.H53,1,8.000 đồng/bản,partial,Bản sao trích lục,Luật Hộ tịch,Tờ khai,yes,original,1,"pdf,jpg"\n'
    )
    result = procedures_import(actor=None, name="p.csv", content=csv.encode())
    assert sorted(result.created) == ["1.001193", "2.000635"]
    assert Procedure.objects.get(code="1.001193").components.count() == 2
    assert Procedure.objects.get(code="2.000635").agencies.count() == 2
    assert Field.objects.get(code="ho-tich").name == "Hộ tịch"


@pytest.mark.parametrize(
    ("bad", "where", "message"),
    [
        (procedure("2.635"), "procedures[2]", "Mã thủ tục “2.635” không hợp lệ"),
        (procedure("1.001193"), "procedures[2]", "bị trùng"),
        (
            procedure("2.000635", field="khong-co"),
            "procedures[2]",
            "Lĩnh vực “khong-co”",
        ),
        (
            procedure("2.000635", agencies=["000.99.99.H99"]),
            "procedures[2]",
            "Không có cơ quan",
        ),
        (
            procedure("2.000635", processing_days=0),
            "procedures[2]",
            "Thời hạn giải quyết",
        ),
        (
            procedure("2.000635", online_level="level4"),
            "procedures[2]",
            "Mức độ trực tuyến",
        ),
        (
            procedure("2.000635", components=[{"name": "", "form": "original"}]),
            "procedures[2].components[1]",
            "Thiếu tên",
        ),
        (
            procedure("2.000635", components=[{"name": "A", "form": "photocopy"}]),
            "procedures[2].components[1]",
            "Loại bản",
        ),
        (
            procedure("2.000635", components=[{"name": "A", "formats": ["exe"]}]),
            "procedures[2].components[1]",
            "Định dạng không hỗ trợ",
        ),
        (
            procedure("2.000635", components=[{"name": "A", "count": -2}]),
            "procedures[2].components[1]",
            "Số lượng",
        ),
    ],
)
def test_one_bad_row_refuses_the_whole_file(
    agency_tree, bad: dict, where: str, message: str
) -> None:
    with pytest.raises(ProcedureImportError) as excinfo:
        procedures_import(actor=None, name="p.json", content=as_json(procedure(), bad))
    assert any(w == where and message in m for w, m in excinfo.value.errors), (
        excinfo.value.errors
    )
    assert not Procedure.objects.exists()
    assert not AuditLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.json", b'{"procedures": [', "JSON không hợp lệ"),
        ("p.json", b'{"items": []}', "procedures"),
        ("p.xlsx", b"PK\x03\x04", "Chỉ nhận tệp .csv hoặc .json"),
        ("p.csv", "mã,tên\n".encode(), "Thiếu cột"),
        ("p.csv", "code,name\n".encode("utf-16"), "UTF-8"),
    ],
)
def test_malformed_files_are_refused(
    agency_tree, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ProcedureImportError) as excinfo:
        procedures_import(actor=None, name=name, content=content)
    assert message in str(excinfo.value)
    assert not Procedure.objects.exists()


def test_csv_errors_carry_line_numbers(agency_tree) -> None:
    csv = CSV_HEADER + (
        "1.001193,Khai sinh,ho-tich,Hộ tịch,000.01.31.H53,1,,full,,,Tờ khai,1,original,1,pdf\n"
        "1.00119,Sai mã,ho-tich,Hộ tịch,000.01.31.H53,1,,full,,,Tờ khai,1,original,1,pdf\n"
    )
    with pytest.raises(ProcedureImportError) as excinfo:
        procedures_import(actor=None, name="p.csv", content=csv.encode())
    assert excinfo.value.errors[0][0] == "dòng 3"
    assert not Procedure.objects.exists()


def test_import_command_reports_errors_and_changes_nothing(
    agency_tree, tmp_path
) -> None:
    from django.core.management import CommandError, call_command

    path = tmp_path / "bad.json"
    path.write_bytes(as_json(procedure(), procedure("9")))
    with pytest.raises(CommandError, match=r"procedures\[2\]"):
        call_command("import_procedures", str(path))
    assert not Procedure.objects.exists()
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_procedures", str(tmp_path / "missing.csv"))


def test_admin_import_view_shows_line_errors_and_imports_nothing(
    agency_tree, make_staff, verified_client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from backoffice.core.constants import Role

    client = verified_client(
        make_staff("qt", agency=agency_tree["province"], role=Role.ADMIN)
    )
    bad = SimpleUploadedFile("p.json", as_json(procedure(), procedure("1.23")))
    response = client.post("/admin/procedures/import/", {"file": bad})
    html = response.content.decode()
    assert "procedures[2]" in html and "không hợp lệ" in html
    assert not Procedure.objects.exists()
    good = SimpleUploadedFile("p.json", as_json(procedure()))
    assert client.post("/admin/procedures/import/", {"file": good}).status_code == 302
    assert Procedure.objects.filter(code="1.001193").exists()


def test_admin_import_needs_permission(
    agency_tree, make_staff, verified_client
) -> None:
    from backoffice.core.constants import Role

    client = verified_client(
        make_staff("cv", agency=agency_tree["ict"], role=Role.SPECIALIST)
    )
    assert client.get("/admin/procedures/import/").status_code in (302, 403)
