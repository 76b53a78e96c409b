"""Citizen sign-in with the national identity (OIDC) against a real provider:
node-oidc-provider on loopback, driven over HTTP as the citizen's browser would."""

import secrets
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from backoffice.accounts.models import ExternalIdentity, User
from backoffice.accounts.oidc import CitizenOIDCBackend, OIDCRefused
from backoffice.core.models import AuditLogEntry
from tests.support.oidc.provider import (
    CITIZEN_ID,
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    SUBJECT,
    OIDCProvider,
    citizen_consents,
    oidc_provider_running,
)

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/oidc/callback/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Iterator[OIDCProvider]:
    with oidc_provider_running(tmp_path_factory.mktemp("oidc"), [CALLBACK]) as p:
        yield p


@pytest.fixture
def oidc(settings, provider) -> OIDCProvider:
    for name, value in provider.django_settings().items():
        setattr(settings, name, value)
    return provider


def _start(client) -> str:
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302
    return response["Location"]


def _callback(client, location: str):
    query = urlsplit(location).query
    return client.get("/oidc/callback/?" + query)


def _signed_in(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_login_page_offers_the_national_sign_in(client, oidc) -> None:
    html = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "Đăng nhập bằng VNeID" in html
    assert 'href="/oidc/authenticate/' in html


def test_without_configuration_there_is_no_national_sign_in(client) -> None:
    assert "VNeID" not in client.get("/tai-khoan/dang-nhap/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404


def test_code_flow_creates_a_citizen_with_the_verified_id(client, oidc) -> None:
    location = citizen_consents(_start(client), redirect_prefix=CALLBACK)
    response = _callback(client, location)
    assert response.status_code == 302
    assert response["Location"] == "/ho-so-cua-toi/"
    user = _signed_in(client)
    assert user is not None
    assert user.citizen_id == CITIZEN_ID and user.citizen_id_verified_at
    assert user.full_name == "Trần Thị Mai"
    assert not user.has_usable_password()
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (oidc.issuer, SUBJECT)
    assert AuditLogEntry.objects.filter(action="account.oidc_created").count() == 1
    # The citizen's own pages open without an e-mail verification step.
    assert client.get("/ho-so-cua-toi/").status_code == 200


def test_links_an_existing_account_by_verified_id_and_email(client, oidc) -> None:
    from django.utils import timezone

    existing = User.objects.create_user(
        username="mai",
        email="mai@example.vn",
        password="x-Strong-pass-1",
        citizen_id=CITIZEN_ID,
        email_verified_at=timezone.now(),
    )
    _callback(client, citizen_consents(_start(client), redirect_prefix=CALLBACK))
    assert _signed_in(client) == existing
    assert User.objects.count() == 1
    assert AuditLogEntry.objects.filter(action="account.oidc_linked").exists()


def test_a_typed_id_alone_does_not_link(client, oidc) -> None:
    squatter = User.objects.create_user(
        username="squatter",
        email="someone-else@example.vn",
        password="x-Strong-pass-1",
        citizen_id=CITIZEN_ID,
    )
    _callback(client, citizen_consents(_start(client), redirect_prefix=CALLBACK))
    user = _signed_in(client)
    assert user is not None and user != squatter


def test_bad_state_is_refused(client, oidc) -> None:
    location = citizen_consents(_start(client), redirect_prefix=CALLBACK)
    forged = location.replace("state=", "state=x")
    response = _callback(client, forged)
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert _signed_in(client) is None
    assert not User.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Không đăng nhập được bằng VNeID" in page


def test_a_replayed_code_is_refused(client, oidc) -> None:
    location = citizen_consents(_start(client), redirect_prefix=CALLBACK)
    _callback(client, location)
    assert _signed_in(client) is not None
    client.post("/tai-khoan/dang-xuat/")
    assert _signed_in(client) is None
    # A fresh flow gives a valid state; the old code comes back with it.
    fresh_state = parse_qs(urlsplit(_start(client)).query)["state"][0]
    code = parse_qs(urlsplit(location).query)["code"][0]
    response = client.get(
        "/oidc/callback/?" + urlencode({"code": code, "state": fresh_state})
    )
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert _signed_in(client) is None


def _other_client_code(oidc: OIDCProvider) -> tuple[str, str]:
    nonce = secrets.token_urlsafe(16)
    authorize = (
        oidc.discovery["authorization_endpoint"]
        + "?"
        + urlencode(
            {
                "client_id": OTHER_CLIENT_ID,
                "response_type": "code",
                "redirect_uri": CALLBACK,
                "scope": "openid profile email",
                "state": secrets.token_urlsafe(16),
                "nonce": nonce,
            }
        )
    )
    location = citizen_consents(authorize, redirect_prefix=CALLBACK)
    return parse_qs(urlsplit(location).query)["code"][0], nonce


def test_a_code_for_another_client_is_refused(client, oidc) -> None:
    code, _ = _other_client_code(oidc)
    state = parse_qs(urlsplit(_start(client)).query)["state"][0]
    response = client.get(
        "/oidc/callback/?" + urlencode({"code": code, "state": state})
    )
    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert _signed_in(client) is None
    assert not User.objects.exists()


def test_an_id_token_for_another_client_is_refused(oidc) -> None:
    code, nonce = _other_client_code(oidc)
    tokens = requests.post(
        oidc.discovery["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
        },
        auth=(OTHER_CLIENT_ID, OTHER_CLIENT_SECRET),
        timeout=10,
    ).json()
    backend = CitizenOIDCBackend()
    # Signed by the real provider, so the signature check passes; the audience
    # names the other client.
    with pytest.raises(OIDCRefused, match="another client"):
        backend.verify_token(tokens["id_token"], nonce=nonce)
    assert not User.objects.exists()


def test_claims_without_a_valid_personal_id_sign_nobody_in(client, oidc) -> None:
    location = citizen_consents(
        _start(client), redirect_prefix=CALLBACK, login="vneid-000002"
    )
    response = _callback(client, location)
    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert _signed_in(client) is None
    assert not User.objects.exists()


def test_staff_cannot_use_the_national_sign_in(client, oidc, make_staff, agency_tree):
    staff = make_staff("chuyenvien", agency=agency_tree["ict"])
    from django.utils import timezone

    User.objects.filter(pk=staff.pk).update(
        citizen_id=CITIZEN_ID, citizen_id_verified_at=timezone.now()
    )
    response = _callback(
        client, citizen_consents(_start(client), redirect_prefix=CALLBACK)
    )
    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert _signed_in(client) is None
    assert not ExternalIdentity.objects.exists()
