"""Counter intake services: registration with a checklist, paper location."""

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from backoffice.core.constants import Role
from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.models import Dossier, ReceivedComponent
from backoffice.intake.services import ChecklistItem, received_component_locate
from backoffice.procedures.constants import CopyForm
from tests.backoffice.scanning import counter_helpers
from tests.backoffice.scanning.counter_helpers import register

pytestmark = pytest.mark.django_db

# Fixtures shared by the counter tests.
counter_dossier = counter_helpers.counter_dossier
officer = counter_helpers.officer


# --- Registration ---------------------------------------------------------------


def test_register_records_counter_dossier_with_checklist(
    officer, birth_registration, applicant
) -> None:
    first, second = birth_registration.components.all()
    dossier = register(
        officer,
        birth_registration,
        applicant,
        checklist=[
            ChecklistItem(component_id=first.pk, copy_form=CopyForm.ORIGINAL, count=2),
            ChecklistItem(
                component_id=second.pk,
                copy_form=CopyForm.CERTIFIED_COPY,
                count=1,
                kept_on_paper=True,
            ),
        ],
        notes="Nộp thay cho con",
    )
    assert dossier.channel == Channel.COUNTER
    assert dossier.received_by == officer
    rows = {r.component_id: r for r in dossier.received_components.all()}
    assert (rows[first.pk].copy_form, rows[first.pk].count) == ("original", 2)
    assert rows[second.pk].copy_form == "certified_copy"
    assert rows[second.pk].kept_on_paper is True
    entry = AuditLogEntry.objects.get(action="dossier.counter_checklist")
    assert entry.object_id == str(dossier.pk)
    assert entry.actor == officer


def test_register_refuses_missing_required_component(
    officer, birth_registration, applicant
) -> None:
    first = birth_registration.components.first()
    with pytest.raises(ValidationError) as exc:
        register(
            officer,
            birth_registration,
            applicant,
            checklist=[ChecklistItem(component_id=first.pk, copy_form="original")],
        )
    assert "Chưa nhận thành phần bắt buộc" in str(exc.value)
    assert not Dossier.objects.exists()
    assert not ReceivedComponent.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"count": 0}, "Số lượng"),
        ({"count": 100}, "Số lượng"),
        ({"copy_form": "photocopy"}, "Loại bản"),
        ({"component_id": 999_999}, "không thuộc thủ tục"),
    ],
)
def test_register_refuses_bad_checklist(
    officer, birth_registration, applicant, change, message
) -> None:
    items = [
        ChecklistItem(component_id=c.pk, copy_form="original")
        for c in birth_registration.components.all()
    ]
    items[0] = ChecklistItem(
        **{
            "component_id": items[0].component_id,
            "copy_form": "original",
            "count": 1,
            **change,
        }
    )
    with pytest.raises(ValidationError) as exc:
        register(officer, birth_registration, applicant, checklist=items)
    assert message in str(exc.value)
    assert not Dossier.objects.exists()


def test_register_needs_reception_role(
    make_staff, agency_tree, birth_registration, applicant
) -> None:
    specialist = make_staff(
        "chuyenvien", agency=agency_tree["ward"], role=Role.SPECIALIST
    )
    with pytest.raises(PermissionDenied):
        register(specialist, birth_registration, applicant)
    assert not Dossier.objects.exists()


def test_locate_paper_records_and_audits(officer, counter_dossier) -> None:
    item = counter_dossier.received_components.first()
    located = received_component_locate(
        actor=officer, item=item, box="H-12", shelf="K3", note="tầng 2"
    )
    assert located.kept_on_paper is True
    assert located.location == "Hộp H-12, Kệ K3, tầng 2"
    assert AuditLogEntry.objects.filter(action="dossier.paper_located").count() == 1


def test_locate_paper_without_place_changes_nothing(officer, counter_dossier) -> None:
    item = counter_dossier.received_components.first()
    with pytest.raises(ValidationError):
        received_component_locate(actor=officer, item=item, box=" ", shelf="")
    item.refresh_from_db()
    assert (item.kept_on_paper, item.location_box) == (False, "")
    assert not AuditLogEntry.objects.filter(action="dossier.paper_located").exists()


def test_what_the_officer_types_is_stored_nfc(officer, counter_dossier) -> None:
    """One normaliser (backoffice.core.text.nfc) for services and staff forms."""
    import unicodedata

    from backoffice.core.text import nfc
    from backoffice.intake.forms import PaperLocationForm

    decomposed = unicodedata.normalize("NFD", "Kệ số 3, tầng hai")
    assert nfc(None) == ""
    form = PaperLocationForm({"box": "", "shelf": f"  {decomposed} ", "note": ""})
    assert form.is_valid()
    assert form.cleaned_data["shelf"] == unicodedata.normalize("NFC", decomposed)
    item = counter_dossier.received_components.first()
    located = received_component_locate(
        actor=officer, item=item, box="", shelf=decomposed, note=decomposed
    )
    assert unicodedata.is_normalized("NFC", located.location_shelf)
    assert unicodedata.is_normalized("NFC", located.location_note)
