"""OfficialDocument: single-row rules and the (issuer, number-symbol) identity."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

import pytest

from backoffice.documents.constants import DocumentType, LegalStatus
from backoffice.documents.models import OfficialDocument

# No trust root or signing file leaks in from the environment.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]


def document(**overrides) -> OfficialDocument:
    values = {
        "number_symbol": "30/2020/NĐ-CP",
        "number_symbol_key": "30-2020-nd-cp",
        "document_type": DocumentType.NGHI_DINH,
        "issuer": "Chính phủ",
        "issued_date": dt.date(2020, 3, 5),
        "subject": "Về công tác văn thư",
    }
    values.update(overrides)
    return OfficialDocument(**values)


def test_a_complete_document_is_valid():
    doc = document()
    doc.full_clean()
    doc.save()
    assert doc.year == 2020
    assert doc.signature_verdict == "unsigned"
    assert doc.legal_status == LegalStatus.IN_FORCE


def test_effective_date_before_issue_is_refused():
    with pytest.raises(ValidationError) as error:
        document(effective_date=dt.date(2020, 3, 4)).full_clean()
    assert "trước ngày ban hành" in str(error.value.message_dict["effective_date"])


def test_replaced_needs_the_replacing_document():
    with pytest.raises(ValidationError) as error:
        document(legal_status=LegalStatus.REPLACED).full_clean()
    assert "replaced_by" in error.value.message_dict


def test_a_document_cannot_replace_itself():
    doc = document()
    doc.save()
    doc.replaced_by = doc
    doc.legal_status = LegalStatus.REPLACED
    with pytest.raises(ValidationError) as error:
        doc.full_clean()
    assert "chính nó" in str(error.value.message_dict["replaced_by"])


def test_unknown_type_is_refused():
    with pytest.raises(ValidationError) as error:
        document(document_type="cong-van-mat").full_clean()
    assert "document_type" in error.value.message_dict


def test_same_number_symbol_key_twice_for_one_issuer_is_refused():
    document().save()
    other_issuer = document(issuer="Ủy ban nhân dân tỉnh Sóc Trăng")
    other_issuer.save()  # another issuer may use the same symbol
    with pytest.raises(IntegrityError), transaction.atomic():
        document(number_symbol="30/2020/nđ-cp").save()


def test_public_holds_only_documents_with_a_live_page(publish):
    shown = publish()
    hidden = publish(
        number_symbol="01/2018/TT-VPCP",
        document_type="thong-tu",
        issuer="Văn phòng Chính phủ",
        issued_date=dt.date(2018, 11, 23),
        effective_date=None,
    )
    hidden.publication.unpublish()
    assert list(OfficialDocument.objects.public()) == [shown]
