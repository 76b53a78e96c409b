"""`load_demo` publishes a living library: real documents, every verdict, links."""

from pathlib import Path

import pytest

from backoffice.demo.publications import DOCUMENTS, demo_publications_load
from backoffice.documents.models import OfficialDocument
from backoffice.documents.number_symbols import number_symbol_parse
from backoffice.documents.selectors import library_query_clean, library_search
from backoffice.signatures.services import demo_pki_install

# No trust root or signing file leaks in from the environment.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]


@pytest.fixture
def demo_pki(settings, tmp_path: Path):
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "pki" / "agency.p12")
    demo_pki_install(actor=None, directory=tmp_path / "pki", password="")


def test_demo_library_is_published_once(
    library, library_index, demo_pki, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = demo_publications_load()
    assert first == {"published": len(DOCUMENTS), "total": len(DOCUMENTS)}
    assert len(DOCUMENTS) >= 30
    documents = OfficialDocument.objects.public()
    assert documents.count() == len(DOCUMENTS)
    for document in documents:
        # Stored symbols are canonical and fit their type.
        parsed = number_symbol_parse(
            document.number_symbol, document_type=document.document_type
        )
        assert parsed.text == document.number_symbol
        assert document.full_text and document.files.count() == 1
    verdicts = set(documents.values_list("signature_verdict", flat=True))
    assert verdicts == {"valid", "untrusted", "invalid", "unsigned"}
    regulation = documents.get(number_symbol="15/2016/QĐ-UBND")
    assert regulation.issuer == "Ủy ban nhân dân tỉnh Sóc Trăng"
    assert regulation.issued_date.isoformat() == "2016-07-14"
    assert regulation.signature_verdict == "valid"
    old = documents.get(number_symbol="61/2018/NĐ-CP")
    assert old.legal_status == "replaced"
    assert old.replaced_by.number_symbol == "118/2025/NĐ-CP"

    hits = library_search(library_query_clean(text="luat giao dich dien tu")).hits
    assert {"51/2005/QH11", "20/2023/QH15"} <= {hit.number_symbol for hit in hits[:3]}

    with django_capture_on_commit_callbacks(execute=True):
        again = demo_publications_load()
    assert again == {"published": 0, "total": len(DOCUMENTS)}
    assert OfficialDocument.objects.count() == len(DOCUMENTS)
