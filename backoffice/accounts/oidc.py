"""Citizen sign-in with the national identity (VNeID, national SSO) over OpenID
Connect, on mozilla-django-oidc.

The library runs the code flow (state, nonce, PKCE, token exchange, signature
check against the provider's JWKS). This module adds what it leaves out — the
issuer, audience, authorised party and expiry of the ID token — and links the
person to an account by the personal ID number the provider vouches for.

Linking (`citizen_oidc_sign_in`), in order:
1. the provider's (issuer, subject) already linked → that account;
2. an account whose ID number a provider verified before → linked to it;
3. one citizen account that registered the same ID number *and* the same
   e-mail address, which the provider says is verified → linked to it (a typed
   number alone proves nothing: anyone can type someone else's);
4. otherwise a new citizen account with the verified number.
Staff accounts are never signed in this way (they use a password and TOTP).
"""

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from backoffice.core.services import audit_record
from backoffice.core.text import nfc
from backoffice.core.validators import validate_citizen_id

from .models import ExternalIdentity, User

# Seconds of clock difference with the provider that are tolerated.
CLOCK_SKEW = 60


class OIDCRefused(SuspiciousOperation):
    """The provider's answer cannot sign anyone in; the message says why."""


def oidc_enabled() -> bool:
    return bool(settings.OIDC_OP_ISSUER and settings.OIDC_RP_CLIENT_ID)


def id_token_claims_check(payload: dict[str, Any], *, now: float | None = None) -> None:
    """Refuse an ID token not issued by our provider for our client, or expired."""
    now = time.time() if now is None else now
    client_id = settings.OIDC_RP_CLIENT_ID
    audience = payload.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if payload.get("iss") != settings.OIDC_OP_ISSUER:
        raise OIDCRefused("ID token issued by another provider.")
    if client_id not in audiences:
        raise OIDCRefused("ID token issued for another client.")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        raise OIDCRefused("ID token authorised for another party.")
    exp = payload.get("exp")
    if not isinstance(exp, int | float) or exp + CLOCK_SKEW < now:
        raise OIDCRefused("ID token expired.")


def _claims_citizen_id(claims: dict[str, Any]) -> str:
    value = str(claims.get(settings.OIDC_CITIZEN_ID_CLAIM) or "").strip()
    try:
        validate_citizen_id(value)
    except ValidationError as exc:
        raise OIDCRefused("No valid personal ID number in the claims.") from exc
    return value


def _link_target(citizen_id: str, claims: dict[str, Any]) -> User | None:
    verified = list(
        User.objects.filter(citizen_id=citizen_id, citizen_id_verified_at__isnull=False)
    )
    if len(verified) == 1:
        return verified[0]
    if len(verified) > 1:
        raise OIDCRefused("Several accounts hold this verified ID number.")
    email = str(claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is not True:
        return None
    typed = list(
        User.objects.filter(
            citizen_id=citizen_id, email__iexact=email, is_staff=False
        ).exclude(email_verified_at=None)
    )
    return typed[0] if len(typed) == 1 else None


@transaction.atomic
def citizen_oidc_sign_in(*, issuer: str, claims: dict[str, Any]) -> User:
    """The citizen account for verified provider claims, linked or created.

    Writes the link (ExternalIdentity), marks the ID number verified and audits
    `account.oidc_linked` / `account.oidc_created` / `account.oidc_signed_in`.
    Raises OIDCRefused for claims without a subject or a valid ID number, for a
    staff or inactive account, and for a subject whose ID number changed.
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise OIDCRefused("No subject in the claims.")
    citizen_id = _claims_citizen_id(claims)
    now = timezone.now()
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        if identity.citizen_id != citizen_id:
            raise OIDCRefused("The provider changed the ID number of this subject.")
        user, action = identity.user, "account.oidc_signed_in"
    else:
        user = _link_target(citizen_id, claims)
        action = "account.oidc_linked"
        if user is None:
            user, action = _citizen_create(citizen_id, claims), "account.oidc_created"
        identity = ExternalIdentity(
            user=user, issuer=issuer, subject=subject, citizen_id=citizen_id
        )
    if user.is_staff or not user.is_active:
        raise OIDCRefused("Staff and inactive accounts cannot sign in this way.")
    identity.last_login_at = now
    identity.save()
    if user.citizen_id_verified_at is None or user.citizen_id != citizen_id:
        user.citizen_id, user.citizen_id_verified_at = citizen_id, now
        user.save(update_fields=["citizen_id", "citizen_id_verified_at"])
    audit_record(
        actor=user,
        action=action,
        obj=user,
        after={"issuer": issuer, "subject": subject},
    )
    return user


def _citizen_create(citizen_id: str, claims: dict[str, Any]) -> User:
    email = str(claims.get("email") or "").strip()
    if email and User.objects.filter(email__iexact=email).exists():
        # The address belongs to another account: do not give it a twin.
        email = ""
    user = User(
        username=f"oidc-{get_random_string(20).lower()}",
        full_name=nfc(str(claims.get("name") or ""))[:200],
        email=email,
        citizen_id=citizen_id,
        email_verified_at=timezone.now()
        if email and claims.get("email_verified") is True
        else None,
    )
    user.set_unusable_password()
    user.save()
    return user


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow with full ID-token checks and linking by
    the verified personal ID number."""

    def authenticate(self, request: Any, **kwargs: Any) -> User | None:
        if not oidc_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        id_token_claims_check(payload)
        return payload

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise OIDCRefused("UserInfo is about another subject.")
        return citizen_oidc_sign_in(
            issuer=settings.OIDC_OP_ISSUER, claims={**userinfo, **payload}
        )
