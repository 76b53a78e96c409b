"""Citizen accounts (tài khoản công dân): registration, e-mail verification, profile."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.core.services import audit_record
from backoffice.core.text import clean_typed_text

from .models import User
from .services import account_email_queue


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """A link token that dies once the address is verified or the e-mail changes."""

    key_salt = "backoffice.accounts.citizens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.email_verified_at}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def _portal_path(name: str, **kwargs: str) -> str:
    """A portal page's path by URL name, in the site's default language (links in
    e-mails are read outside any request)."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, kwargs=kwargs or None)


def email_verification_path(*, user: User) -> str:
    return _portal_path(
        "citizen-verify",
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=email_verification_token.make_token(user),
    )


def _typed(**fields: str) -> dict[str, str]:
    """The citizen's text fields through `clean_typed_text`; ValidationError per
    field."""
    cleaned: dict[str, str] = {}
    errors: dict[str, list[ValidationError]] = {}
    for field, value in fields.items():
        try:
            cleaned[field] = clean_typed_text(value)
        except ValidationError as exc:
            errors[field] = [exc]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def citizen_register(
    *,
    email: str,
    password: str,
    full_name: str,
    citizen_id: str,
    phone: str = "",
    address: str = "",
    base_url: str,
) -> User | None:
    """Create a citizen account and e-mail the verification link (on commit).

    An address that already has an account gets no second one: its owner is
    e-mailed that someone tried to register with it, the attempt is audited, and
    None comes back. Both cases hash the password, write one audit record and
    queue one e-mail, and callers answer them alike, so neither the answer nor
    its timing tells whether the address is registered. Text fields go through
    `clean_typed_text`; invalid input raises ValidationError in both cases.
    """
    fields = _typed(
        email=email,
        full_name=full_name,
        citizen_id=citizen_id,
        phone=phone,
        address=address,
    )
    email = User.objects.normalize_email(fields.pop("email")).lower()
    user = User(username=email, email=email, **fields)
    user.set_password(password)
    user.full_clean(validate_unique=False)
    existing = User.objects.filter(username__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # registered a moment ago by a concurrent request
            existing = User.objects.filter(username__iexact=email).first()
            if existing is None:
                raise
    if existing is not None:
        audit_record(actor=None, action="citizen.registration_repeated", obj=existing)
        _registration_repeated_notice(user=existing, base_url=base_url)
        return None
    audit_record(actor=user, action="citizen.registered", obj=user)
    citizen_send_verification(user=user, base_url=base_url)
    return user


def _registration_repeated_notice(*, user: User, base_url: str) -> None:
    """Tell an account's owner that someone tried to register with its address."""
    base = base_url.rstrip("/")
    pending = (
        _(
            "Tài khoản của bạn chưa xác minh thư điện tử; để xác minh, hãy mở "
            "liên kết:\n%(link)s\n\n"
        )
        % {"link": f"{base}{email_verification_path(user=user)}"}
        if user.email_verified_at is None
        else ""
    )
    account_email_queue(
        to=user.email,
        subject=_("[Cổng dịch vụ công] Có người đăng ký bằng địa chỉ thư của bạn"),
        body=_(
            "Xin chào %(name)s,\n\n"
            "Vừa có người dùng địa chỉ %(email)s để đăng ký tài khoản mới trên "
            "Cổng dịch vụ công. Địa chỉ này đã có tài khoản nên không có tài khoản "
            "mới nào được tạo.\n\n"
            "%(pending)s"
            "Nếu là bạn: hãy đăng nhập tại %(login)s, "
            "hoặc đặt lại mật khẩu tại %(reset)s nếu bạn quên.\n"
            "Nếu không phải bạn, hãy bỏ qua thư này; tài khoản của bạn không thay đổi."
        )
        % {
            "name": user.get_full_name(),
            "email": user.email,
            "pending": pending,
            "login": f"{base}{_portal_path('citizen-login')}",
            "reset": f"{base}{_portal_path('citizen-password-reset')}",
        },
    )


def _verification_body(*, name: str, link: str) -> str:
    return _(
        "Xin chào %(name)s,\n\n"
        "Để hoàn tất đăng ký tài khoản trên Cổng dịch vụ công, hãy mở liên kết:\n"
        "%(link)s\n\n"
        "Liên kết có hiệu lực trong 3 ngày. "
        "Nếu bạn không đăng ký, hãy bỏ qua thư này."
    ) % {"name": name, "link": link}


VERIFICATION_SUBJECT = gettext_lazy("[Cổng dịch vụ công] Xác minh địa chỉ thư điện tử")


def citizen_send_verification(*, user: User, base_url: str) -> None:
    link = base_url.rstrip("/") + email_verification_path(user=user)
    account_email_queue(
        to=user.email,
        subject=str(VERIFICATION_SUBJECT),
        body=_verification_body(name=user.get_full_name(), link=link),
    )


def citizen_resend_verification(*, email: str, base_url: str) -> None:
    """E-mail a new verification link when `email` has an unverified account.

    Otherwise the same link is built for a stand-in and a job that delivers
    nothing is queued: the request takes as long either way (the caller answers
    alike and throttles with `account_email_throttled`).
    """
    email = email.strip().lower()
    user = User.objects.filter(username=email, email_verified_at__isnull=True).first()
    if user is not None:
        citizen_send_verification(user=user, base_url=base_url)
        return
    stand_in = User(username=email, email=email)
    link = base_url.rstrip("/") + email_verification_path(user=stand_in)
    account_email_queue(
        to=None,
        subject=str(VERIFICATION_SUBJECT),
        body=_verification_body(name=stand_in.get_full_name(), link=link),
    )


@transaction.atomic
def citizen_verify_email(*, uidb64: str, token: str) -> User | None:
    """Mark the address verified when the link is genuine; None otherwise."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if user.email_verified_at is not None:
        return user
    if not email_verification_token.check_token(user, token):
        return None
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    audit_record(actor=user, action="citizen.email_verified", obj=user)
    return user


PROFILE_FIELDS = ("full_name", "citizen_id", "phone", "address")


@transaction.atomic
def citizen_profile_update(*, user: User, **changes: str) -> User:
    """Change the citizen's own profile fields (not e-mail or password); text goes
    through `clean_typed_text` (ValidationError per field, nothing changed)."""
    before = {field: getattr(user, field) for field in PROFILE_FIELDS}
    for field in changes:
        if field not in PROFILE_FIELDS:
            raise ValueError(f"{field} is not a profile field")
    for field, value in _typed(**changes).items():
        setattr(user, field, value)
    user.full_clean()
    user.save(update_fields=list(changes))
    audit_record(
        actor=user,
        action="citizen.profile_updated",
        obj=user,
        before=before,
        after={field: getattr(user, field) for field in PROFILE_FIELDS},
    )
    return user
