"""A refused or ended dossier on the citizen's page, the public page and the API:
the reason and form 03, no appointment date, and a badge of its own kind."""

import re

from django.core.cache import cache

import pytest

from backoffice.core.constants import Role
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.handling import dossier_refuse
from tests.fixtures.citizens import citizen, signed_in
from tests.portal.dossier_states import TO_RETURNED, move

pytestmark = pytest.mark.django_db

REASON = "Hồ sơ thuộc thẩm quyền UBND TP Sóc Trăng."


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def refused(alice_dossier, agency_tree, make_staff, agency_pki):
    alice, dossier = alice_dossier
    officer = make_staff("tn", agency=agency_tree["ward"], role=Role.RECEPTION)
    dossier_refuse(dossier=dossier, actor=officer, reason=REASON)
    dossier.refresh_from_db()
    return alice, dossier


def _badge_class(html: str) -> str:
    return re.search(r'class="status-badge (status-\w+)"', html).group(1)


def test_refused_dossier_page_gives_reason_and_form_03(refused) -> None:
    alice, dossier = refused
    client = signed_in(alice)
    html = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert f'<span id="outcome-reason">{REASON}</span>' in html
    assert "Hẹn trả kết quả" not in html
    assert 'id="dossier-due"' not in html
    form = dossier.files.get(original_name__startswith="mau-03")
    link = f'href="/ho-so-cua-toi/{dossier.code}/tep/{form.pk}/"'
    assert f'id="outcome-form" {link}' in html
    download = client.get(f"/ho-so-cua-toi/{dossier.code}/tep/{form.pk}/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert _badge_class(html) == "status-ended"
    listing = client.get("/ho-so-cua-toi/").content.decode()
    assert _badge_class(listing) == "status-ended"
    assert dossier.due_at.strftime("%d/%m/%Y") not in listing


def test_public_status_page_gives_reason_and_form(client, refused) -> None:
    _alice, dossier = refused
    form = dossier.files.get(original_name__startswith="mau-03")
    # No lookup yet: the form is not served.
    assert client.get(f"/tra-cuu-ho-so/van-ban/{form.pk}/").status_code == 404
    page = client.post(
        "/tra-cuu-ho-so/", {"code": dossier.code, "secret": dossier.lookup_secret}
    ).content.decode()
    assert REASON in page
    assert "Hẹn trả kết quả" not in page
    assert f'href="/tra-cuu-ho-so/van-ban/{form.pk}/"' in page
    download = client.get(f"/tra-cuu-ho-so/van-ban/{form.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Another dossier's file is not served through this lookup.
    receipt_like = dossier.files.exclude(pk=form.pk).first()
    assert client.get(f"/tra-cuu-ho-so/van-ban/{receipt_like.pk}/").status_code == 404


def test_wrong_secret_grants_no_form(client, refused) -> None:
    _alice, dossier = refused
    form = dossier.files.get(original_name__startswith="mau-03")
    client.post("/tra-cuu-ho-so/", {"code": dossier.code, "secret": "WRONG12345"})
    assert client.get(f"/tra-cuu-ho-so/van-ban/{form.pk}/").status_code == 404


def test_api_gives_refusal_reason_only_when_refused(client, refused, alice_dossier):
    _alice, dossier = refused
    data = client.get(
        f"/api/v1/dossiers/{dossier.code}/status",
        headers={"X-Lookup-Secret": dossier.lookup_secret},
    ).json()
    assert data["status"]["code"] == 3
    assert data["refusal_reason"] == REASON


def test_api_refusal_reason_is_null_otherwise(client, alice_dossier) -> None:
    _alice, dossier = alice_dossier
    data = client.get(
        f"/api/v1/dossiers/{dossier.code}/status",
        headers={"X-Lookup-Secret": dossier.lookup_secret},
    ).json()
    assert data["refusal_reason"] is None
    schema = client.get("/api/v1/openapi.json").json()
    fields = schema["components"]["schemas"]["DossierStatusOut"]["properties"]
    assert "refusal_reason" in fields


@pytest.mark.parametrize(
    ("path", "category", "due_shown"),
    [
        ((), "status-progress", True),
        ((DossierStatus.ACCEPTED, DossierStatus.PROCESSING), "status-progress", True),
        ((DossierStatus.SUPPLEMENT_REQUESTED,), "status-action", True),
        (
            (
                DossierStatus.ACCEPTED,
                DossierStatus.PROCESSING,
                DossierStatus.AWAITING_FEE,
            ),
            "status-action",
            True,
        ),
        (TO_RETURNED[:3], "status-done", True),
        (TO_RETURNED, "status-done", True),
        ((DossierStatus.WITHDRAWN,), "status-ended", False),
        ((DossierStatus.ACCEPTED, DossierStatus.STOPPED), "status-ended", False),
    ],
)
def test_badges_and_due_date_by_status(
    alice_dossier, path, category, due_shown
) -> None:
    alice, dossier = alice_dossier
    move(dossier, *path)
    html = signed_in(alice).get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert _badge_class(html) == category
    assert ('id="dossier-due"' in html) is due_shown
    # Colour and also words: the kind is spelled out for screen readers.
    assert re.search(r'<span class="visually-hidden">[^<]+: </span>', html)


def test_stopped_dossier_shows_the_reason(alice_dossier) -> None:
    alice, dossier = alice_dossier
    move(dossier, DossierStatus.ACCEPTED)
    move(dossier, DossierStatus.STOPPED, note="Dừng theo đề nghị của cơ quan thuế.")
    html = signed_in(alice).get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Dừng theo đề nghị của cơ quan thuế." in html
    assert "Hồ sơ bị dừng xử lý" in html


def test_other_citizens_see_nothing(refused) -> None:
    _alice, dossier = refused
    bob = signed_in(citizen("bob@example.vn"))
    assert bob.get(f"/ho-so-cua-toi/{dossier.code}/").status_code == 404
