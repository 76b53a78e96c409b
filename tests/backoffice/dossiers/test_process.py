"""Per-procedure processing steps: laid out on acceptance, checked in the admin."""

from django.core.exceptions import ValidationError

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.handling import dossier_accept
from backoffice.dossiers.models import DossierStep, ProcessStep
from backoffice.dossiers.process import (
    PlannedStep,
    dossier_agency_now,
    procedure_steps_check,
)

pytestmark = pytest.mark.django_db


def test_without_configured_steps_one_default_step_in_the_receiving_agency(
    accepted, agency_tree
) -> None:
    (step,) = accepted.steps.all()
    assert step.agency == agency_tree["ward"]
    assert step.state == DossierStep.State.ACTIVE
    assert step.days == accepted.procedure.processing_days == 3
    assert step.started_at is not None and step.due_at is not None
    assert dossier_agency_now(dossier=accepted) == agency_tree["ward"]
    assert AuditLogEntry.objects.filter(action="dossier.process_started").exists()


def test_configured_steps_are_laid_out_in_order(
    submitted, desk, agency_tree, birth_registration
) -> None:
    ward, city = agency_tree["ward"], agency_tree["city"]
    ProcessStep.objects.create(
        procedure=birth_registration, sort_order=0, name="Thẩm định", days=1
    )
    ProcessStep.objects.create(
        procedure=birth_registration,
        sort_order=1,
        name="Xác minh tại thành phố",
        agency=city,
        days=1,
    )
    ProcessStep.objects.create(
        procedure=birth_registration,
        sort_order=2,
        name="Ký kết quả",
        days=1,
        role="leader",
    )
    dossier_accept(dossier=submitted, actor=desk.reception)
    steps = list(submitted.steps.order_by("position"))
    assert [(s.position, s.agency, s.role, s.state) for s in steps] == [
        (1, ward, "specialist", "active"),
        (2, city, "specialist", "waiting"),
        (3, ward, "leader", "waiting"),
    ]
    assert submitted.status == DossierStatus.ACCEPTED


def test_steps_must_add_up_to_the_processing_time(
    birth_registration, agency_tree
) -> None:
    ward = agency_tree["ward"]
    with pytest.raises(ValidationError, match=r"Tổng số ngày .*\(2\).*\(3 ngày"):
        procedure_steps_check(
            procedure=birth_registration,
            steps=[
                PlannedStep("A", ward, "specialist", 1),
                PlannedStep("B", None, "leader", 1),
            ],
        )
    with pytest.raises(ValidationError, match="không thực hiện thủ tục"):
        procedure_steps_check(
            procedure=birth_registration,
            steps=[PlannedStep("A", agency_tree["ict"], "specialist", 3)],
        )
    procedure_steps_check(
        procedure=birth_registration,
        steps=[
            PlannedStep("A", ward, "specialist", 2),
            PlannedStep("B", None, "leader", 1),
        ],
    )


def _admin_form(procedure, steps: list[dict], processing_days: int):
    from backoffice.procedures.wagtail_hooks import ProcedureViewSet

    handler = ProcedureViewSet.edit_handler.bind_to_model(type(procedure))
    form_class = handler.get_form_class()
    data = {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field_id,
        "agencies": [a.pk for a in procedure.agencies.all()],
        "processing_days": processing_days,
        "online_level": procedure.online_level,
        "channel_counter": "on",
        "channel_online": "on",
        "for_citizens": "on",
        "is_active": "on",
        "components-TOTAL_FORMS": "0",
        "components-INITIAL_FORMS": "0",
        "components-MIN_NUM_FORMS": "0",
        "components-MAX_NUM_FORMS": "1000",
        "processing_steps-TOTAL_FORMS": str(len(steps)),
        "processing_steps-INITIAL_FORMS": "0",
        "processing_steps-MIN_NUM_FORMS": "0",
        "processing_steps-MAX_NUM_FORMS": "1000",
    }
    for index, step in enumerate(steps):
        for key, value in step.items():
            data[f"processing_steps-{index}-{key}"] = value
        data[f"processing_steps-{index}-ORDER"] = str(index + 1)
    return form_class(data, instance=procedure, for_user=None)


def test_the_admin_inline_refuses_days_that_do_not_add_up(
    birth_registration, agency_tree
) -> None:
    ward = agency_tree["ward"]
    bad = _admin_form(
        birth_registration,
        [
            {"name": "Thẩm định", "agency": ward.pk, "role": "specialist", "days": 1},
            {"name": "Ký", "agency": "", "role": "leader", "days": 1},
        ],
        processing_days=3,
    )
    assert not bad.is_valid()
    assert "phải bằng thời hạn giải quyết" in str(bad.errors["processing_days"])
    assert not ProcessStep.objects.exists()

    foreign = _admin_form(
        birth_registration,
        [
            {
                "name": "X",
                "agency": agency_tree["ict"].pk,
                "role": "specialist",
                "days": 3,
            }
        ],
        processing_days=3,
    )
    assert not foreign.is_valid()
    assert "không thực hiện thủ tục" in str(foreign.errors["agencies"])

    good = _admin_form(
        birth_registration,
        [
            {"name": "Thẩm định", "agency": ward.pk, "role": "specialist", "days": 2},
            {"name": "Ký", "agency": "", "role": "leader", "days": 1},
        ],
        processing_days=3,
    )
    assert good.is_valid(), good.errors
    good.save()
    assert list(
        ProcessStep.objects.filter(procedure=birth_registration)
        .order_by("sort_order")
        .values_list("name", "days")
    ) == [("Thẩm định", 2), ("Ký", 1)]


def test_the_procedure_edit_page_carries_the_steps_inline(
    birth_registration, agency_tree, make_staff, verified_client
) -> None:
    admin = make_staff("quantri", agency=agency_tree["province"], role="admin")
    admin.is_superuser = True
    admin.save()
    ProcessStep.objects.create(
        procedure=birth_registration, name="Thẩm định hồ sơ khai sinh", days=3
    )
    client = verified_client(admin)
    page = client.get(
        f"/admin/snippets/procedures/procedure/edit/{birth_registration.pk}/"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Quy trình xử lý (các bước, ngày làm việc)" in html
    assert "Thẩm định hồ sơ khai sinh" in html
    assert 'name="processing_steps-0-days"' in html


def test_any_way_into_processing_lays_the_steps_out_and_reading_writes_nothing(
    submitted, desk, verified_client
) -> None:
    from backoffice.dossiers.process import dossier_current_step
    from backoffice.dossiers.services import dossier_transition

    # Not only dossier_accept: the demo loader and scripts move status directly.
    dossier_transition(dossier=submitted, to=DossierStatus.ACCEPTED, actor=None)
    assert submitted.steps.count() == 1
    step = dossier_current_step(dossier=submitted)
    assert step is not None and step.state == DossierStep.State.ACTIVE
    # A dossier page is a read: it lays nothing out and audits no process start.
    DossierStep.objects.filter(dossier=submitted).delete()
    started = AuditLogEntry.objects.filter(action="dossier.process_started")
    entries = started.count()
    response = verified_client(desk.leader).get(f"/backoffice/ho-so/{submitted.code}/")
    assert response.status_code == 200
    assert dossier_current_step(dossier=submitted) is None
    assert not submitted.steps.exists()
    assert started.count() == entries


def test_dossiers_accepted_before_steps_existed_get_the_default_step(
    submitted, agency_tree
) -> None:
    import importlib

    from django.apps import apps

    from backoffice.dossiers.models import Dossier

    Dossier.objects.filter(pk=submitted.pk).update(status=DossierStatus.ACCEPTED)
    migration = importlib.import_module(
        "backoffice.dossiers.migrations.0011_steps_for_dossiers_in_processing"
    )
    migration.lay_out_default_steps(apps, None)
    (step,) = submitted.steps.all()
    assert (step.agency, step.state, step.days) == (
        agency_tree["ward"],
        DossierStep.State.ACTIVE,
        submitted.procedure.processing_days,
    )
    assert step.due_at == submitted.due_at
    migration.lay_out_default_steps(apps, None)  # runs once per dossier
    assert submitted.steps.count() == 1
