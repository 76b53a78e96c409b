"""E-mails to the applicant: receipt (with the signed slip) and status changes."""

from django.core.mail import EmailMessage

from .models import Dossier, DossierFile, DossierStatusEvent
from .pdf_forms import tracking_url


def receipt_email(*, dossier: Dossier, receipt: DossierFile | None) -> EmailMessage:
    body = (
        f"Kính gửi Ông/Bà {dossier.applicant_name},\n\n"
        f"{dossier.agency.name} đã tiếp nhận hồ sơ của Ông/Bà.\n"
        f"Mã hồ sơ: {dossier.code}\n"
        f"Mã tra cứu: {dossier.lookup_secret}\n"
        f"Thủ tục: {dossier.procedure.code} — {dossier.procedure.name}\n"
        f"Hẹn trả kết quả: {_local(dossier.due_at)}\n\n"
        f"Theo dõi tình trạng hồ sơ: {tracking_url(dossier)}\n\n"
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (có chữ ký số) được gửi kèm thư này."
    )
    message = EmailMessage(
        subject=f"[Một Cửa] Đã tiếp nhận hồ sơ {dossier.code}",
        body=body,
        to=[dossier.applicant_email],
    )
    if receipt is not None:
        with receipt.file.open("rb") as handle:
            message.attach(
                f"giay-tiep-nhan-{dossier.code}.pdf", handle.read(), "application/pdf"
            )
    return message


def status_email(*, dossier: Dossier, event: DossierStatusEvent) -> EmailMessage:
    body = (
        f"Kính gửi Ông/Bà {dossier.applicant_name},\n\n"
        f"Hồ sơ {dossier.code} ({dossier.procedure.name}) chuyển sang tình trạng: "
        f"{event.get_status_display()}.\n"
        + (f"Ghi chú: {event.note}\n" if event.note else "")
        + f"Hẹn trả kết quả: {_local(dossier.due_at)}\n\n"
        f"Theo dõi tình trạng hồ sơ: {tracking_url(dossier)}\n"
    )
    return EmailMessage(
        subject=f"[Một Cửa] Hồ sơ {dossier.code}: {event.get_status_display()}",
        body=body,
        to=[dossier.applicant_email],
    )


def _local(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y")
