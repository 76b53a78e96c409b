"""Staff two-factor enrolment and verification (django-otp), and the throttle and
e-mail queueing that every account e-mail (registration, password reset, new
verification link) goes through.

Each service is the single place where its change happens, with its audit record.
"""

import base64
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext

import django_otp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import is_ratelimited

from backoffice.core.services import audit_record, notify_by_email

from .models import User

TOTP_DEVICE_NAME = "default"
BACKUP_DEVICE_NAME = "backup"


def user_has_confirmed_totp(*, user: User) -> bool:
    """Whether the user has a confirmed TOTP device (no query: a flag on the user)."""
    return user.second_factor_enrolled


def totp_secret_base32(*, device: TOTPDevice) -> str:
    """The device key as authenticator apps expect it (RFC 4648 base32)."""
    return base64.b32encode(device.bin_key).decode("ascii")


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """Return the user's pending (unconfirmed) TOTP device, creating it if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=False
        )
    return device


@transaction.atomic
def totp_device_confirm(
    *, request: HttpRequest, user: User, device: TOTPDevice, token: str
) -> list[str] | None:
    """Confirm a pending device with a code from the app.

    On success the session is verified, backup codes are (re)issued and returned,
    and the enrolment is audited. Returns None when the code is wrong.
    """
    if device.user_id != user.pk or device.confirmed:
        return None
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = backup_codes_issue(user=user)
    django_otp.login(request, device)
    audit_record(
        actor=user,
        action="otp.enrolled",
        obj=user,
        after={"device": device.name},
    )
    _security_notice(
        user=user, event=gettext("Đã bật xác thực hai bước cho tài khoản.")
    )
    return codes


def backup_codes_issue(*, user: User) -> list[str]:
    """Replace the user's backup codes with a fresh set and return them once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [
        f"{secrets.randbelow(10**8):08d}" for _ in range(settings.OTP_BACKUP_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    codes = backup_codes_issue(user=user)
    audit_record(actor=user, action="otp.backup_codes_regenerated", obj=user)
    _security_notice(
        user=user,
        event=gettext("Đã tạo bộ mã dự phòng mới; các mã cũ hết hiệu lực."),
    )
    return codes


def otp_verify(*, request: HttpRequest, user: User, token: str) -> bool:
    """Verify a TOTP or backup code and mark the session as verified.

    django-otp throttles each device after failures, so guessing is slow; every
    failure is audited.
    """
    token = token.strip().replace(" ", "")
    device = django_otp.match_token(user, token) if token else None
    if device is None:
        audit_record(actor=user, action="otp.failed", obj=user)
        return False
    django_otp.login(request, device)
    if isinstance(device, StaticDevice):
        audit_record(actor=user, action="otp.backup_code_used", obj=user)
    return True


def _security_notice(*, user: User, event: str) -> None:
    notify_by_email(
        to=[user.email],
        subject=gettext("[Một Cửa] Thay đổi bảo mật tài khoản"),
        body=gettext(
            "Xin chào %(name)s,\n\n%(event)s\n\n"
            "Nếu không phải bạn thực hiện, hãy báo ngay cho quản trị hệ thống."
        )
        % {"name": user.get_full_name(), "event": event},
    )


def account_email_throttled(*, request: HttpRequest, email: str) -> bool:
    """Whether a request that would e-mail `email` is over ACCOUNT_IP_RATE for its
    client address (`backoffice.core.net.client_ip`) or ACCOUNT_EMAIL_RATE for the
    address, counting this request.

    Registration, password reset and new verification links share the buckets.
    Every request counts, whether or not the address has an account, so being
    throttled tells nothing; the caller gives its usual neutral answer and sends
    nothing. A client already over its own limit does not use up the address's.
    """
    if is_ratelimited(
        request,
        group="account-email-ip",
        key="ip",
        rate=settings.ACCOUNT_IP_RATE,
        increment=True,
    ):
        return True
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return is_ratelimited(
        request,
        group="account-email-address",
        key=lambda _group, _request: digest,
        rate=settings.ACCOUNT_EMAIL_RATE,
        increment=True,
    )


def account_email_queue(*, to: str | None, subject: str, body: str) -> None:
    """Queue an account e-mail for the worker once the transaction commits.

    With `to` None — the address has no account, or none that may receive this
    e-mail — the same job is queued without a recipient and delivers nothing, so a
    request takes as long whether or not the address is registered.
    """
    if to:
        notify_by_email(to=[to], subject=subject, body=body)
        return
    from backoffice.core.tasks import send_email

    send_email.delay_on_commit(to=[], subject=subject, body=body)
