"""What citizens type is stored as Unicode NFC (TCVN 6909:2001), whatever the input.

Registration, profile and the submission wizard convert TCVN3/VNI text and NFD to
NFC and refuse control and invisible characters with a Vietnamese message on the
field, changing nothing.
"""

import unicodedata

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.test import Client

import pytest

from backoffice.accounts.citizens import citizen_profile_update, citizen_register
from backoffice.accounts.models import User
from backoffice.core.models import OutboxMessage
from backoffice.dossiers.models import SubmissionDraft
from tests.fixtures.citizens import citizen, signed_in
from tests.fixtures.uploads import form_data

pytestmark = pytest.mark.django_db

PASSWORD = "Sóc-Trăng-2026!"


@pytest.fixture(autouse=True)
def _empty_throttle_cache():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


REGISTRATION = {
    "full_name": "NguyÔn V¨n An",  # TCVN3 typed with the wrong font setting
    "citizen_id": "094195004321",
    "email": "an@example.vn",
    "phone": " 0987654321 ",
    "address": unicodedata.normalize("NFD", "Phường 2, TP Sóc Trăng"),
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def test_registration_stores_what_the_citizen_meant() -> None:
    response = Client().post("/tai-khoan/dang-ky/", REGISTRATION)
    assert response.status_code == 200
    user = User.objects.get()
    assert user.full_name == "Nguyễn Văn An"
    assert user.address == "Phường 2, TP Sóc Trăng" and nfc(user.address)
    assert user.phone == "0987654321"


def test_vni_registration_is_converted_too() -> None:
    Client().post(
        "/tai-khoan/dang-ky/", {**REGISTRATION, "full_name": "Nguyeãn Vaên An"}
    )
    assert User.objects.get().full_name == "Nguyễn Văn An"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "Nguyễn\u200bVăn An", "ký tự ẩn"),
        ("full_name", "\u202eNguyễn Văn An", "ký tự ẩn"),
        ("address", "Phường 2\x07", "ký tự điều khiển"),
        ("address", "Phường 2\nTP Sóc Trăng", "một dòng"),
        ("citizen_id", "0941950043\u200d21", "ký tự ẩn"),
        ("email", "an\u200b@example.vn", "ký tự ẩn"),
    ],
)
def test_bad_characters_are_refused_on_their_field_and_nothing_is_created(
    field: str, value: str, message: str
) -> None:
    response = Client().post("/tai-khoan/dang-ky/", {**REGISTRATION, field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not User.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_profile_is_cleaned_and_a_bad_change_changes_nothing() -> None:
    user = citizen("binh@example.vn")
    client = signed_in(user)
    ok = client.post(
        "/tai-khoan/thong-tin/",
        {
            "full_name": unicodedata.normalize("NFD", "Trần Văn Bình"),
            "citizen_id": "094195004321",
            "phone": "",
            "address": "Sè 5 Lª Lîi",  # TCVN3
        },
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Trần Văn Bình" and nfc(user.full_name)
    assert user.address == "Số 5 Lê Lợi"

    bad = client.post(
        "/tai-khoan/thong-tin/",
        {
            "full_name": "Trần Văn Bình\ufeff",
            "citizen_id": "094195004321",
            "phone": "",
            "address": "Cần Thơ",
        },
    )
    assert bad.status_code == 200
    assert "ký tự ẩn" in " ".join(bad.context["form"].errors["full_name"])
    user.refresh_from_db()
    assert user.address == "Số 5 Lê Lợi"


def test_the_account_services_clean_too() -> None:
    """Whatever calls them (a form, a script, a future API)."""
    user = citizen_register(
        email="cuong@example.vn",
        password=PASSWORD,
        # TCVN3: ư is byte 0xAD, a soft hyphen once read as Windows-1252.
        full_name="Lª V¨n C\u00adêng",
        citizen_id="094195004321",
        base_url="http://testserver/",
    )
    assert user is not None and user.full_name == "Lê Văn Cường"
    with pytest.raises(ValidationError) as refused:
        citizen_profile_update(user=user, address="Cần Thơ\u2066")
    assert "address" in refused.value.message_dict
    user.refresh_from_db()
    assert user.address == ""


def test_submission_wizard_stores_applicant_text_as_nfc(birth_registration) -> None:
    client = signed_in(citizen("binh@example.vn"))
    url = f"/nop-ho-so/{birth_registration.code}/"
    data = {
        **form_data(birth_registration),
        "applicant_name": "TrÇn V¨n B×nh",  # TCVN3
        "applicant_address": unicodedata.normalize("NFD", "Phường 1, TP Sóc Trăng"),
        "on_behalf": "on",
        "representative_name": "Nguyeãn Thò Hoa",  # VNI
    }
    assert client.post(url, data).status_code == 302
    saved = SubmissionDraft.objects.get().data
    assert saved["applicant_name"] == "Trần Văn Bình"
    assert saved["applicant_address"] == "Phường 1, TP Sóc Trăng"
    assert nfc(saved["applicant_address"])
    assert saved["representative_name"] == "Nguyễn Thị Hoa"


def test_submission_wizard_refuses_invisible_characters(birth_registration) -> None:
    client = signed_in(citizen("binh@example.vn"))
    url = f"/nop-ho-so/{birth_registration.code}/"
    client.post(url, form_data(birth_registration))
    before = SubmissionDraft.objects.get().data
    response = client.post(
        url, {**form_data(birth_registration), "applicant_name": "Trần\u200bBình"}
    )
    assert response.status_code == 200
    assert "ký tự ẩn" in " ".join(response.context["form"].errors["applicant_name"])
    assert SubmissionDraft.objects.get().data == before
