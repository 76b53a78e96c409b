"""Citizen accounts (tài khoản công dân): registration, e-mail verification, profile."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from backoffice.core.services import audit_record, notify_by_email

from .models import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """A link token that dies once the address is verified or the e-mail changes."""

    key_salt = "backoffice.accounts.citizens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.email_verified_at}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def email_verification_path(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/tai-khoan/xac-minh/{uid}/{email_verification_token.make_token(user)}/"


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
) -> User:
    """Create a citizen account and e-mail the verification link (on commit)."""
    email = User.objects.normalize_email(email).lower()
    user = User(
        username=email,
        email=email,
        full_name=full_name.strip(),
        citizen_id=citizen_id.strip(),
        phone=phone.strip(),
        address=address.strip(),
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=user, action="citizen.registered", obj=user)
    citizen_send_verification(user=user, base_url=base_url)
    return user


def citizen_send_verification(*, user: User, base_url: str) -> None:
    link = base_url.rstrip("/") + email_verification_path(user=user)
    notify_by_email(
        to=[user.email],
        subject="[Cổng dịch vụ công] Xác minh địa chỉ thư điện tử",
        body=(
            f"Xin chào {user.get_full_name()},\n\n"
            "Để hoàn tất đăng ký tài khoản trên Cổng dịch vụ công, hãy mở liên kết:\n"
            f"{link}\n\n"
            "Liên kết có hiệu lực trong 3 ngày. "
            "Nếu bạn không đăng ký, hãy bỏ qua thư này."
        ),
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
    """Change the citizen's own profile fields (not e-mail or password)."""
    before = {field: getattr(user, field) for field in PROFILE_FIELDS}
    for field, value in changes.items():
        if field not in PROFILE_FIELDS:
            raise ValueError(f"{field} is not a profile field")
        setattr(user, field, (value or "").strip())
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
