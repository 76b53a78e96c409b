from django.core.cache import cache

import pytest

from tests.fixtures.citizens import citizen, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def test_owner_sees_dossier_timeline_and_files(alice_dossier) -> None:
    alice, dossier = alice_dossier
    client = signed_in(alice)
    assert dossier.code in client.get("/ho-so-cua-toi/").content.decode()
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/")
    assert page.status_code == 200
    assert "Mới tiếp nhận" in page.content.decode()
    file_id = dossier.files.first().pk
    download = client.get(f"/ho-so-cua-toi/{dossier.code}/tep/{file_id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_another_citizen_gets_404_everywhere(alice_dossier) -> None:
    _, dossier = alice_dossier
    bob = signed_in(citizen("bob@example.vn"))
    assert dossier.code not in bob.get("/ho-so-cua-toi/").content.decode()
    assert bob.get(f"/ho-so-cua-toi/{dossier.code}/").status_code == 404
    file_id = dossier.files.first().pk
    assert bob.get(f"/ho-so-cua-toi/{dossier.code}/tep/{file_id}/").status_code == 404
    assert bob.post(f"/ho-so-cua-toi/{dossier.code}/bo-sung/").status_code == 404
    assert (
        bob.get(f"/ho-so-cua-toi/{dossier.code}/tep/{file_id + 1000}/").status_code
        == 404
    )


def test_applicant_html_is_escaped(
    alice_dossier, agency_tree, make_staff, verified_client
) -> None:
    alice, dossier = alice_dossier
    html = signed_in(alice).get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    from backoffice.core.constants import Role

    staff = verified_client(
        make_staff("tn", agency=agency_tree["ward"], role=Role.RECEPTION)
    )
    staff_html = staff.get(f"/backoffice/ho-so/{dossier.code}/").content.decode()
    for page in (staff_html,):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in html


def test_public_lookup_and_json_api(client, alice_dossier) -> None:
    _, dossier = alice_dossier
    page = client.post(
        "/tra-cuu-ho-so/", {"code": dossier.code, "secret": dossier.lookup_secret}
    )
    assert page.status_code == 200
    assert "Mới tiếp nhận" in page.content.decode()
    data = client.get(
        f"/api/v1/dossiers/{dossier.code}/status", {"secret": dossier.lookup_secret}
    ).json()
    assert data["code"] == dossier.code
    assert data["status"] == {"code": 1, "label": "Mới tiếp nhận"}
    assert data["history"][0]["status"]["code"] == 1
    assert set(data) >= {
        "code",
        "procedure",
        "status",
        "received_at",
        "due_at",
        "history",
    }


def test_wrong_secret_and_unknown_code_look_the_same(client, alice_dossier) -> None:
    _, dossier = alice_dossier
    wrong = client.get(
        f"/api/v1/dossiers/{dossier.code}/status", {"secret": "WRONG12345"}
    )
    unknown = client.get(
        "/api/v1/dossiers/NOPE-20260101-0000001/status",
        {"secret": dossier.lookup_secret},
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert (
        client.post(
            "/tra-cuu-ho-so/", {"code": dossier.code, "secret": "x"}
        ).status_code
        == 404
    )


def test_lookup_is_throttled(client, alice_dossier) -> None:
    _, dossier = alice_dossier
    statuses = [
        client.get(
            f"/api/v1/dossiers/{dossier.code}/status", {"secret": "guess"}
        ).status_code
        for _ in range(25)
    ]
    assert statuses[:20] == [404] * 20
    assert set(statuses[20:]) == {429}
    # The right secret is refused too while throttled, and the HTML page shares the limit.
    assert (
        client.get(
            f"/api/v1/dossiers/{dossier.code}/status", {"secret": dossier.lookup_secret}
        ).status_code
        == 429
    )
    assert (
        client.post(
            "/tra-cuu-ho-so/", {"code": dossier.code, "secret": dossier.lookup_secret}
        ).status_code
        == 429
    )


def test_lookup_rate_is_a_setting(client, alice_dossier, settings) -> None:
    _, dossier = alice_dossier
    settings.DOSSIER_LOOKUP_RATE = "3/m"
    url = f"/api/v1/dossiers/{dossier.code}/status"
    statuses = [
        client.get(url, {"secret": dossier.lookup_secret}).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_a_non_ascii_secret_is_simply_wrong_on_the_page(db, client) -> None:
    response = client.get(
        "/tra-cuu-ho-so/", {"code": "X-1", "secret": "mật-khẩu"}, follow=True
    )
    assert response.status_code in (200, 404)
