"""Staff search over dossiers: full text, without diacritics, scoped to the agency."""

import pytest

import search
from backoffice.core.constants import Role
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.services import Applicant, dossier_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_dossiers(birth_registration, agency_tree, complete_files):
    def submit(name: str, id_number: str):
        return dossier_submit(
            procedure=birth_registration,
            agency=agency_tree["ward"],
            channel=Channel.ONLINE,
            applicant=Applicant(name=name, id_number=id_number, email="a@example.vn"),
            files=complete_files,
        )

    first = submit("Nguyễn Thị Đào", "094095001234")
    second = submit("Trần Văn Bình", "094188009999")
    search.rebuild("dossiers")
    return first, second


def listing(client, q: str) -> str:
    return client.get("/backoffice/ho-so/", {"q": q}).content.decode()


def test_search_finds_by_name_without_diacritics_and_by_id_number(
    two_dossiers, agency_tree, make_staff, verified_client
) -> None:
    first, second = two_dossiers
    officer = verified_client(
        make_staff("tn", agency=agency_tree["ward"], role=Role.RECEPTION)
    )
    html = listing(officer, "nguyen thi dao")
    assert first.code in html and second.code not in html
    html = listing(officer, "094188009999")
    assert second.code in html and first.code not in html
    html = listing(officer, first.code)
    assert first.code in html


def test_search_never_shows_another_agencys_dossiers(
    two_dossiers, agency_tree, make_staff, verified_client
) -> None:
    first, _ = two_dossiers
    other = verified_client(
        make_staff("ngoai", agency=agency_tree["ict"], role=Role.RECEPTION)
    )
    html = listing(other, "Đào")
    assert first.code not in html
    assert "Không có hồ sơ." in html


def test_a_refused_query_is_explained(
    two_dossiers, agency_tree, make_staff, verified_client
) -> None:
    officer = verified_client(
        make_staff("tn", agency=agency_tree["ward"], role=Role.RECEPTION)
    )
    response = officer.get("/backoffice/ho-so/", {"q": "x" * 600})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
