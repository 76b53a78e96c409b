"""Demo dossiers in several statuses, filed by a demo citizen (idempotent)."""

from typing import Any

from django.conf import settings
from django.utils import timezone

from backoffice.accounts.models import User
from backoffice.core.models import Agency
from backoffice.dossiers.constants import Channel, DossierStatus
from backoffice.dossiers.handling import dossier_request_supplement
from backoffice.dossiers.models import Dossier
from backoffice.dossiers.services import Applicant, dossier_submit, dossier_transition
from backoffice.procedures.models import Procedure

from .documents import demo_upload

CITIZEN_EMAIL = "congdan@example.vn"
CITIZEN_PASSWORD = "CongDan@2026"  # noqa: S105 — printed in demo mode only

WARD = "000.01.31.H53"
# (n-th procedure handled by the ward, channel, statuses to walk through after "new")
PLAN: list[tuple[int, str, list[int]]] = [
    (0, Channel.ONLINE, []),
    (1, Channel.ONLINE, [DossierStatus.ACCEPTED]),
    (2, Channel.ONLINE, [DossierStatus.ACCEPTED, DossierStatus.PROCESSING]),
    (0, Channel.ONLINE, [DossierStatus.SUPPLEMENT_REQUESTED]),
    (1, Channel.COUNTER, [DossierStatus.ACCEPTED, DossierStatus.DONE]),
    (3, Channel.ONLINE, [DossierStatus.NOT_ACCEPTED]),
]


def demo_citizen() -> User:
    user, created = User.objects.get_or_create(
        username=CITIZEN_EMAIL,
        defaults={
            "email": CITIZEN_EMAIL,
            "full_name": "Lâm Thị Ngọc Hân",
            "citizen_id": "094190012345",
            "phone": "0939123456",
            "address": "Số 12 Hai Bà Trưng, Phường 1, thành phố Sóc Trăng",
            "email_verified_at": timezone.now(),
        },
    )
    if created:
        user.set_password(CITIZEN_PASSWORD)
        user.save()
    return user


def _row(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "secret": dossier.lookup_secret if settings.DEMO_MODE else None,
        "procedure_code": dossier.procedure.code,
        "status": dossier.status,
        "channel": dossier.channel,
    }


def demo_dossiers_load(*, officer: User) -> list[dict[str, Any]]:
    """`officer` is a reception officer of the demo ward."""
    citizen = demo_citizen()
    existing = list(Dossier.objects.filter(owner=citizen).select_related("procedure"))
    if len(existing) >= len(PLAN):
        return [_row(d) for d in existing]
    agency = Agency.objects.get(code=WARD)
    procedures = list(Procedure.objects.filter(agencies=agency, is_active=True))
    created = []
    for index, channel, steps in PLAN[len(existing) :]:
        procedure = procedures[index % len(procedures)]
        files = {
            component.pk: [
                demo_upload(
                    name=f"thanh-phan-{i + 1}.pdf",
                    title=component.name[:70],
                    lines=[
                        f"Người yêu cầu: {citizen.full_name}",
                        f"Số định danh cá nhân: {citizen.citizen_id}",
                        f"Thủ tục: {procedure.code} — {procedure.name[:60]}",
                    ],
                )
            ]
            for i, component in enumerate(procedure.components.all())
            if channel == Channel.ONLINE
        }
        dossier = dossier_submit(
            procedure=procedure,
            agency=agency,
            channel=channel,
            applicant=Applicant(
                name=citizen.full_name,
                id_number=citizen.citizen_id,
                phone=citizen.phone,
                email=citizen.email,
                address=citizen.address,
            ),
            files=files,
            owner=citizen,
            received_by=officer if channel == Channel.COUNTER else None,
        )
        for step in steps:
            if step == DossierStatus.SUPPLEMENT_REQUESTED:
                dossier_request_supplement(
                    dossier=dossier,
                    actor=officer,
                    component_ids=[procedure.components.first().pk],
                    reason="Bản chụp giấy tờ bị mờ, đề nghị nộp lại bản rõ nét.",
                )
            else:
                dossier_transition(dossier=dossier, to=step, actor=officer)
        created.append(dossier)
    return [_row(d) for d in existing + created]
