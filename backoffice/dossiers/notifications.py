"""What the applicant is told: e-mails and text messages (receipt, status changes)
and, for a dossier that ended without a result, the reason and the form that says
so. Sent through the notification service (notify.py)."""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice.core.sms import SEGMENT, sms_text

from .constants import DossierStatus
from .models import Dossier, DossierFile, DossierStatusEvent
from .pdf_forms import tracking_url

# Dossiers that ended without a result: no appointment date is shown for them.
ENDED = frozenset(
    {DossierStatus.NOT_ACCEPTED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED}
)
# Ended by the office, with a reason and a form (03 refusal, 05 stop notice).
REFUSED = frozenset({DossierStatus.NOT_ACCEPTED, DossierStatus.STOPPED})
FORM_PREFIX = {DossierStatus.NOT_ACCEPTED: "mau-03", DossierStatus.STOPPED: "mau-05"}


def shows_due_date(*, dossier: Dossier) -> bool:
    return dossier.status not in ENDED


def _ending_event(dossier: Dossier) -> DossierStatusEvent | None:
    if dossier.status not in ENDED:
        return None
    return dossier.events.filter(status=dossier.status).order_by("-at", "-id").first()


def outcome_reason(*, dossier: Dossier) -> str:
    """Why a refused, stopped or withdrawn dossier ended ("" for any other)."""
    event = _ending_event(dossier)
    return event.note if event is not None else ""


def refusal_reason(*, dossier: Dossier) -> str | None:
    """The office's reason for a refused (3) or stopped (8) dossier, else None."""
    if dossier.status not in REFUSED:
        return None
    return outcome_reason(dossier=dossier)


def outcome_form(*, dossier: Dossier) -> DossierFile | None:
    """The form that tells a refused (03) or stopped (05) applicant why."""
    if dossier.status not in REFUSED:
        return None
    forms = dossier.files.filter(kind=DossierFile.Kind.FORM).order_by(
        "-uploaded_at", "-id"
    )
    named = forms.filter(original_name__startswith=FORM_PREFIX[dossier.status])
    if named.exists():
        return named.first()
    # A form stored with the ending (its name set elsewhere): the first one after.
    event = _ending_event(dossier)
    if event is None:
        return None
    return forms.filter(uploaded_at__gte=event.at).order_by("uploaded_at", "id").first()


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
    """A status change. A refused, stopped or withdrawn dossier's mail gives the
    reason and no appointment date; a refusal or stop carries its form (03/05)."""
    lines = [
        _("Kính gửi Ông/Bà %(name)s,") % {"name": dossier.applicant_name},
        "",
        _("Hồ sơ %(code)s (%(procedure)s) chuyển sang tình trạng: %(status)s.")
        % {
            "code": dossier.code,
            "procedure": dossier.procedure.name,
            "status": event.get_status_display(),
        },
    ]
    ended = event.status in ENDED
    if event.note:
        label = _("Lý do") if event.status in REFUSED else _("Ghi chú")
        lines.append(f"{label}: {event.note}")
    if not ended:
        lines.append(
            _("Hẹn trả kết quả: %(due)s")
            % {"due": _local(event.due_at or dossier.due_at)}
        )
    form = outcome_form(dossier=dossier) if event.status in REFUSED else None
    if form is not None:
        lines.append(_("Văn bản thông báo của cơ quan được gửi kèm thư này."))
    lines += [
        "",
        _("Theo dõi tình trạng hồ sơ: %(url)s") % {"url": tracking_url(dossier)},
    ]
    message = EmailMessage(
        subject=_("[Một Cửa] Hồ sơ %(code)s: %(status)s")
        % {"code": dossier.code, "status": event.get_status_display()},
        body="\n".join(lines) + "\n",
        to=[dossier.applicant_email],
    )
    if form is not None:
        with form.file.open("rb") as handle:
            message.attach(form.original_name, handle.read(), form.media_type)
    return message


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y")


def sms_tracking_url(dossier: Dossier, *, with_code: bool = True) -> str:
    """The lookup page, opened on the dossier's code but without its secret: a
    text message is read on lock screens and shared phones; the secret stays in
    the receipt and the e-mail."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("dossier-lookup")
    query = "?" + urlencode({"code": dossier.code}) if with_code else ""
    return f"{base}{path}{query}"


def _short(head: str, dossier: Dossier) -> str:
    """The head and a tracking link, in one segment where possible: the link
    with the code, else the bare lookup page, else the head alone."""
    candidates = [
        sms_text(
            head
            + " "
            + _("Tra cứu: %(url)s")
            % {"url": sms_tracking_url(dossier, with_code=with_code)}
        )
        for with_code in (True, False)
    ]
    candidates.append(sms_text(head))
    for text in candidates:
        if len(text) <= SEGMENT:
            return text
    return candidates[-1]


def receipt_sms(*, dossier: Dossier) -> str:
    return _short(
        _("Một Cửa: đã tiếp nhận hồ sơ %(code)s, hẹn trả kết quả %(due)s.")
        % {"code": dossier.code, "due": _day(dossier.due_at)},
        dossier,
    )


def status_sms(
    *, dossier: Dossier, event: DossierStatusEvent, extended: bool = False
) -> str:
    """A status change in one line; an extension (form 04) gives the new date."""
    if extended:
        head = _("Một Cửa: hồ sơ %(code)s được hẹn lại ngày trả kết quả: %(due)s.") % {
            "code": dossier.code,
            "due": _day(event.due_at or dossier.due_at),
        }
    else:
        head = _("Một Cửa: hồ sơ %(code)s: %(status)s.") % {
            "code": dossier.code,
            "status": event.get_status_display(),
        }
    return _short(head, dossier)


def _day(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")
