"""`manage.py print_labels DOSSIER_CODE -o FILE.pdf`."""

import io

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest
import zxingcpp
from pdf2image import convert_from_path
from pypdf import PdfReader

from backoffice.scanning.sheets import parse_payload
from tests.backoffice.scanning import counter_helpers

pytestmark = pytest.mark.django_db

# Fixtures shared by the counter tests.
counter_dossier = counter_helpers.counter_dossier
officer = counter_helpers.officer


def test_cover_then_one_separator_per_component_in_order(
    counter_dossier, tmp_path
) -> None:
    target = tmp_path / "to-bia.pdf"
    out = io.StringIO()
    call_command("print_labels", counter_dossier.code, "-o", str(target), stdout=out)
    components = list(counter_dossier.procedure.components.all())
    assert "1 tờ bìa và 2 tờ phân cách" in out.getvalue()
    assert len(PdfReader(target).pages) == 1 + len(components)
    payloads = []
    for image in convert_from_path(target, dpi=100, grayscale=True):
        codes = zxingcpp.read_barcodes(image)
        assert len(codes) == 1
        payloads.append(parse_payload(codes[0].text))
    assert payloads[0].is_cover
    assert [p.position for p in payloads[1:]] == [1, 2]
    for payload in payloads:
        assert payload.dossier_code == counter_dossier.code
        assert payload.procedure_code == counter_dossier.procedure.code
    # The same in readable text, for a person.
    text = [page.extract_text() for page in PdfReader(target).pages]
    assert "TỜ BÌA" in text[0] and counter_dossier.code in text[0]
    for page, component in zip(text[1:], components, strict=True):
        assert component.name in page
        assert counter_dossier.code in page


def test_unknown_code_fails_and_writes_nothing(db, tmp_path) -> None:
    target = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="Không tìm thấy hồ sơ"):
        call_command(
            "print_labels", "000.00.00.H53-20260101-9999999", "-o", str(target)
        )
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_unknown_code_exits_non_zero(db, tmp_path, capsys) -> None:
    from django.core.management import ManagementUtility

    target = tmp_path / "x.pdf"
    utility = ManagementUtility(
        ["manage.py", "print_labels", "KHONG-CO", "-o", str(target)]
    )
    with pytest.raises(SystemExit) as exc:
        utility.execute()
    assert exc.value.code != 0
    assert "Không tìm thấy hồ sơ" in capsys.readouterr().err
    assert not target.exists()


def test_missing_output_folder_is_refused(counter_dossier, tmp_path) -> None:
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command(
            "print_labels", counter_dossier.code, "-o", str(tmp_path / "no" / "x.pdf")
        )
