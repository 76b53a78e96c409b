"""Idempotent demo data: agencies, procedures and one staff member of every role."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.accounts.models import User
from backoffice.accounts.services import (
    TOTP_DEVICE_NAME,
    backup_codes_issue,
    totp_secret_base32,
)
from backoffice.core.constants import Role
from backoffice.core.models import Agency
from backoffice.core.services import agency_upsert, membership_grant
from backoffice.procedures.services import procedures_import
from backoffice.signatures.services import (
    demo_agency_certificate_install,
    demo_crl_install,
    demo_pki_install,
    demo_staff_key_install,
)

from .agencies import AGENCIES, AGENCY_ADDRESSES, PROVINCE, SUCCESSOR
from .dossiers import CITIZEN_EMAIL, CITIZEN_PASSWORD, WARD, demo_dossiers_load
from .outgoing import ISSUER, demo_outgoing_load
from .publications import demo_publications_load
from .records import demo_records_load

PROCEDURES_FILE = (
    Path(__file__).resolve().parent.parent
    / "procedures"
    / "data"
    / "demo_procedures.json"
)
DEMO_PASSWORD = "MotCua@2026"  # noqa: S105 — printed to the operator in demo mode only

# (username, full name, role, agency code)
STAFF: list[tuple[str, str, str, str]] = [
    ("tiepnhan", "Nguyễn Thị Lan", Role.RECEPTION, "000.01.31.H53"),
    ("chuyenvien", "Lê Hoàng Minh", Role.SPECIALIST, "000.01.31.H53"),
    ("lanhdao", "Phạm Quốc Hùng", Role.LEADER, "000.00.31.H53"),
    ("vanthu", "Trần Văn Bình", Role.CLERK, "000.00.01.H53"),
    ("quantri", "Võ Thanh Tâm", Role.ADMIN, PROVINCE),
    ("tiepnhan_tttt", "Đặng Thu Hà", Role.RECEPTION, "000.00.11.H53"),
    # The city's own document desk (outgoing documents): drafter and clerk.
    ("chuyenvien_tp", "Huỳnh Thị Mai", Role.SPECIALIST, "000.00.31.H53"),
    ("vanthu_tp", "Lâm Văn Phúc", Role.CLERK, "000.00.31.H53"),
]


def demo_agencies_load() -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for code, name, short, level, parent in AGENCIES:
        agencies[code] = agency_upsert(
            actor=None,
            code=code,
            name=name,
            level=level,
            parent=agencies[parent] if parent else None,
            short_name=short,
            address=AGENCY_ADDRESSES.get(code, ""),
        )
    province = agencies[PROVINCE]
    if province.superseded_by_id != agencies[SUCCESSOR].pk:
        agency_upsert(
            actor=None,
            code=province.code,
            name=province.name,
            level=province.level,
            parent=None,
            superseded_by=agencies[SUCCESSOR],
        )
    return agencies


def demo_staff_load(agencies: dict[str, Agency]) -> list[dict[str, Any]]:
    rows = []
    for username, full_name, role, agency_code in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "email": f"{username}@soctrang.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        membership_grant(actor=None, user=user, agency=agencies[agency_code], role=role)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=TOTP_DEVICE_NAME, confirmed=True
            )
            backup_codes_issue(user=user)
        rows.append(
            {
                "username": username,
                "password": DEMO_PASSWORD if settings.DEMO_MODE else None,
                "role": str(role),
                "agency": agency_code,
                "totp_secret": totp_secret_base32(device=device)
                if settings.DEMO_MODE
                else None,
            }
        )
    return rows


@transaction.atomic
def demo_load() -> dict[str, Any]:
    """Load (or top up) the demo data; safe to run any number of times."""
    agencies = demo_agencies_load()
    result = procedures_import(
        actor=None,
        name=PROCEDURES_FILE.name,
        content=PROCEDURES_FILE.read_bytes(),
        template_dir=PROCEDURES_FILE.parent / "templates",
    )
    pki, _ = demo_pki_install(
        actor=None,
        directory=Path(settings.SIGNING_PKCS12_PATH).parent,
        password=settings.SIGNING_PKCS12_PASSWORD,
    )
    # The ward signs its receipts with its own certificate from the demo CA, whose
    # (empty) CRL is imported so revocation is checked offline.
    ward_certificate = demo_agency_certificate_install(
        actor=None,
        agency=agencies[WARD],
        pki=pki,
        password=settings.SIGNING_PKCS12_PASSWORD,
    )
    demo_crl_install(actor=None, pki=pki, password=settings.SIGNING_PKCS12_PASSWORD)
    staff = demo_staff_load(agencies)
    officer = User.objects.get(username="tiepnhan")
    dossiers = demo_dossiers_load(officer=officer)
    publications = demo_publications_load()
    # The city issues documents: its own certificate and seal, its leader's key.
    demo_agency_certificate_install(
        actor=None,
        agency=agencies[ISSUER],
        pki=pki,
        password=settings.SIGNING_PKCS12_PASSWORD,
    )
    leader = User.objects.get(username="lanhdao")
    outgoing: list[dict[str, Any]] = []
    if demo_staff_key_install(
        actor=None,
        user=leader,
        pki=pki,
        password=settings.SIGNING_PKCS12_PASSWORD,
        position="Chủ tịch",
    ):
        outgoing = demo_outgoing_load(
            agencies=agencies,
            specialist=User.objects.get(username="chuyenvien_tp"),
            leader=leader,
            clerk=User.objects.get(username="vanthu_tp"),
        )
    efiles = demo_records_load(
        agency=agencies[ISSUER], clerk=User.objects.get(username="vanthu_tp")
    )
    return {
        "agencies": len(agencies),
        "procedures": {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        },
        "pki": {
            "pkcs12": str(pki.pkcs12_path),
            "root_pem": str(pki.root_pem_path),
            "agency_certificates": (
                [{"agency": WARD, "subject": ward_certificate.subject}]
                if ward_certificate
                else []
            ),
        },
        "staff": staff,
        "citizen": {
            "email": CITIZEN_EMAIL,
            "password": CITIZEN_PASSWORD if settings.DEMO_MODE else None,
        },
        "dossiers": dossiers,
        "publications": publications,
        "outgoing": outgoing,
        "efiles": efiles,
    }
