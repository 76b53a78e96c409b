"""Form 01 (giấy tiếp nhận hồ sơ và hẹn trả kết quả): queued with the dossier,
made and signed once by the receipt job, then sent through the notification
service (notify.py)."""

from django.db import transaction

from backoffice.core.services import audit_record

from .constants import RECEIPT_JOB, Channel
from .models import Dossier, DossierFile
from .services import dossier_file_store, dossier_files_check


def dossier_receipt_queue(*, dossier_id: int) -> None:
    """Queue the receipt job (with the current transaction): it checks the files
    first — acknowledge only what was confirmed valid (Art. 13) — then signs form
    01, then e-mails it. Runs under a lease (backoffice.core.leases)."""
    from backoffice.core.leases import lease_queue

    from .tasks import issue_dossier_receipt

    lease_queue(kind=RECEIPT_JOB, object_id=dossier_id, task=issue_dossier_receipt.name)


def _receipt_components(dossier: Dossier) -> list[tuple[str, str, int]]:
    # At the counter the officer's checklist says what was handed in, and how.
    received = list(dossier.received_components.select_related("component"))
    if received:
        return [
            (r.component.name, r.get_copy_form_display(), r.count) for r in received
        ]
    counts: dict[int, int] = {}
    for component_id in dossier.files.filter(
        kind=DossierFile.Kind.SUBMITTED
    ).values_list("component_id", flat=True):
        counts[component_id] = counts.get(component_id, 0) + 1
    rows = []
    for component in dossier.procedure.components.all():
        if dossier.channel == Channel.ONLINE and component.pk not in counts:
            continue
        count = counts.get(component.pk) or component.count
        rows.append((component.name, component.get_copy_form_display(), count))
    return rows


@transaction.atomic
def dossier_receipt_issue(*, dossier_id: int) -> DossierFile:
    """Form 01 for the dossier, signed with the agency certificate; made only once."""
    from backoffice.signatures.signing import pdf_sign
    from backoffice.signatures.verification import pdf_verify

    from .pdf_forms import receipt_pdf

    dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
    existing = dossier.files.filter(kind=DossierFile.Kind.RECEIPT).first()
    if existing is not None:
        return existing
    dossier_files_check(dossier_id=dossier_id)
    officer = dossier.received_by.get_full_name() if dossier.received_by else ""
    unsigned = receipt_pdf(
        dossier=dossier,
        components=_receipt_components(dossier),
        officer=officer or "Cổng dịch vụ công (tiếp nhận trực tuyến)",
    )
    signed = pdf_sign(
        pdf_bytes=unsigned,
        reason=f"Tiếp nhận hồ sơ {dossier.code}",
        location=dossier.agency.name,
        agency=dossier.agency,
    )
    record = dossier_file_store(
        dossier=dossier,
        name=f"giay-tiep-nhan-{dossier.code}.pdf",
        content=signed,
        media_type="application/pdf",
        stored=[],
        kind=DossierFile.Kind.RECEIPT,
        pages=1,
        # Verified like any other PDF rather than assumed: a broken trust store or
        # certificate shows up here, on the first receipt.
        verdict=pdf_verify(pdf_bytes=signed).verdict,
    )
    audit_record(
        actor=None, action="dossier.receipt_issued", obj=dossier, agency=dossier.agency
    )
    return record


def dossier_receipt_send(*, dossier_id: int) -> bool:
    """E-mail form 01 to the applicant (the e-mail channel of the receipt notice);
    False when the dossier has no e-mail address."""
    from .notify import ReceiptIssued, dossier_notice_send

    return dossier_notice_send(channel="email", event=ReceiptIssued(dossier_id))
