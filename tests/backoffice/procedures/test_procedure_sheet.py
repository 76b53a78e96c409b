"""The procedure sheet: steps, channels, applicant types, conditions and form
templates in the import format, kept idempotent and refused when wrong."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError

import pytest

from backoffice.procedures.legal_basis import legal_basis_split
from backoffice.procedures.models import Procedure
from backoffice.procedures.services import ProcedureImportError, procedures_import
from tests.fixtures.procedures import as_json, procedure

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[3] / "backoffice" / "procedures" / "data"


def sheet(**overrides) -> dict:
    values = {
        "steps": ["Nộp hồ sơ", "Nhận kết quả"],
        "channels": ["counter", "post"],
        "applicant_types": ["citizen", "business"],
        "conditions": "Có giấy tờ tùy thân hợp lệ.",
        "processing_time_note": "Trả ngay nếu nhận trước 15 giờ.",
    }
    return procedure(**{**values, **overrides})


def test_json_import_fills_the_sheet(agency_tree) -> None:
    procedures_import(actor=None, name="p.json", content=as_json(sheet()))
    p = Procedure.objects.get()
    assert p.step_list() == ["Nộp hồ sơ", "Nhận kết quả"]
    assert p.channels == ["counter", "post"]
    assert p.applicant_types == ["citizen", "business"]
    assert p.conditions == "Có giấy tờ tùy thân hợp lệ."
    assert p.processing_time_note == "Trả ngay nếu nhận trước 15 giờ."
    again = procedures_import(actor=None, name="p.json", content=as_json(sheet()))
    assert again.unchanged == ["1.001193"]


def test_an_old_file_without_sheet_keys_keeps_defaults(agency_tree) -> None:
    result = procedures_import(actor=None, name="p.json", content=as_json(procedure()))
    assert result.created == ["1.001193"]
    p = Procedure.objects.get()
    assert p.channels == ["counter", "online"]
    assert p.applicant_types == ["citizen"]
    assert p.step_list() == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"channels": ["fax"]}, "“channels” có giá trị không hợp lệ: fax"),
        ({"channels": []}, "“channels” phải là danh sách khác rỗng."),
        ({"applicant_types": ["alien"]}, "“applicant_types” có giá trị không hợp lệ"),
        ({"conditions": ["x"]}, "“conditions” phải là văn bản."),
        ({"steps": 3}, "“steps” phải là danh sách các bước hoặc văn bản."),
    ],
)
def test_bad_sheet_values_are_refused_and_nothing_changes(
    agency_tree, overrides, message
) -> None:
    with pytest.raises(ProcedureImportError) as exc:
        procedures_import(
            actor=None, name="p.json", content=as_json(sheet(**overrides))
        )
    assert any(message in m for _, m in exc.value.errors)
    assert not Procedure.objects.exists()


def test_csv_sheet_columns(agency_tree) -> None:
    csv = (
        "code,name,field_code,field_name,agencies,processing_days,steps,channels,"
        "applicant_types,conditions\n"
        "1.001193,Khai sinh,ho-tich,Hộ tịch,000.01.31.H53,1,Nộp | Nhận,"
        "counter;online;post,citizen;organisation,Không\n"
    )
    procedures_import(actor=None, name="p.csv", content=csv.encode())
    p = Procedure.objects.get()
    assert p.step_list() == ["Nộp", "Nhận"]
    assert p.channels == ["counter", "online", "post"]
    assert p.applicant_types == ["citizen", "organisation"]


def _with_template(name: str) -> bytes:
    data = sheet()
    data["components"][0]["template"] = name
    return as_json(data)


def test_component_template_is_attached_and_kept(agency_tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "to-khai.docx").write_bytes((DATA / "templates" / _DOCX).read_bytes())
    procedures_import(
        actor=None,
        name="p.json",
        content=_with_template("to-khai.docx"),
        template_dir=folder,
    )
    component = Procedure.objects.get().components.first()
    assert component.template.name.endswith(".docx")
    assert component.template_format == "DOCX"
    assert component.template.read().startswith(b"PK")
    # The same file again is no change; a file without `template` keeps it.
    again = procedures_import(
        actor=None,
        name="p.json",
        content=_with_template("to-khai.docx"),
        template_dir=folder,
    )
    assert again.unchanged == ["1.001193"]
    again = procedures_import(actor=None, name="p.json", content=as_json(sheet()))
    assert again.unchanged == ["1.001193"]
    changed = procedures_import(
        actor=None, name="p.json", content=as_json(sheet(processing_days=2))
    )
    assert changed.updated == ["1.001193"]
    assert Procedure.objects.get().components.first().template.name


_DOCX = "to-khai-dang-ky-khai-sinh.docx"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../secret.pdf", "phải là tên tệp, không kèm thư mục"),
        ("mau.exe", "phải là pdf, docx, doc, odt"),
        ("khong-co.pdf", "Không tìm thấy tệp mẫu “khong-co.pdf”"),
    ],
)
def test_bad_template_is_refused(agency_tree, tmp_path, name, message) -> None:
    with pytest.raises(ProcedureImportError) as exc:
        procedures_import(
            actor=None,
            name="p.json",
            content=_with_template(name),
            template_dir=tmp_path,
        )
    assert any(message in m for _, m in exc.value.errors)
    assert not Procedure.objects.exists()


def test_demo_catalogue_ships_real_templates_and_sheets() -> None:
    from backoffice.demo.procedure_templates import template_bytes

    data = json.loads((DATA / "demo_procedures.json").read_text())
    names = {
        c["template"]
        for p in data["procedures"]
        for c in p["components"]
        if c.get("template")
    }
    assert len(names) >= 10
    for name in names:
        content = (DATA / "templates" / name).read_bytes()
        assert content.startswith(b"PK" if name.endswith(".docx") else b"%PDF")
        # Shipped files are exactly what the generator writes.
        assert content == template_bytes(name)
    assert all(p["steps"] and p["conditions"] for p in data["procedures"])
    assert any("business" in p["applicant_types"] for p in data["procedures"])


def test_legal_basis_split_finds_number_symbols() -> None:
    items = legal_basis_split(
        "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP\n"
        "Quyết định 15/QĐ-UBND của UBND tỉnh; Bộ luật Dân sự"
    )
    assert [i.number_symbol for i in items] == [
        "60/2014/QH13",
        "123/2015/NĐ-CP",
        "15/QĐ-UBND",
        "",
    ]


@pytest.fixture
def admin_client(make_staff, agency_tree, verified_client):
    from backoffice.core.constants import Role

    user = make_staff("quantri", agency=agency_tree["province"], role=Role.ADMIN)
    user.is_superuser = True
    user.save()
    return verified_client(user)


def test_admin_edits_the_sheet_and_needs_a_channel(admin_client) -> None:
    procedures_import(actor=None, name="p.json", content=as_json(sheet()))
    p = Procedure.objects.get()
    url = f"/admin/snippets/procedures/procedure/edit/{p.pk}/"
    html = admin_client.get(url).content.decode()
    for label in ("Trình tự thực hiện", "Cách thức thực hiện", "Đối tượng thực hiện"):
        assert label.lower() in html.lower()
    p.channel_counter = p.channel_online = p.channel_post = False
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "Cần ít nhất một cách thức nộp hồ sơ." in str(exc.value)


def test_demo_catalogue_imports_with_its_templates(settings, tmp_path) -> None:
    from backoffice.demo.services import PROCEDURES_FILE, demo_agencies_load

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_agencies_load()
    result = procedures_import(
        actor=None,
        name=PROCEDURES_FILE.name,
        content=PROCEDURES_FILE.read_bytes(),
        template_dir=PROCEDURES_FILE.parent / "templates",
    )
    assert len(result.created) >= 20
    birth = Procedure.objects.get(code="1.001193")
    assert birth.components.first().template_format == "DOCX"
    assert birth.channels == ["counter", "online", "post"]
    land = Procedure.objects.get(code="1.012753")
    assert land.applicant_types == ["organisation", "business"]
    assert land.components.first().template.read().startswith(b"%PDF")
    again = procedures_import(
        actor=None,
        name=PROCEDURES_FILE.name,
        content=PROCEDURES_FILE.read_bytes(),
        template_dir=PROCEDURES_FILE.parent / "templates",
    )
    assert again.created == again.updated == []
