"""pdf_verify: the verdict of DESIGN.md §5 for every way a signed PDF can go wrong."""

import datetime as dt
import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign.fields import SigFieldSpec, append_signature_field
from pyhanko.sign.validation.dss import DocumentSecurityStore

from backoffice.signatures.constants import Reason
from backoffice.signatures.signing import pdf_sign
from backoffice.signatures.verification import UnreadablePdf, pdf_verify
from tests.fixtures.signatures import (
    DAY,
    NOW,
    cms_hex_span,
    flip,
    make_pdf,
    make_timestamper,
)

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {
    "field",
    "signer",
    "signed_at",
    "intact",
    "trusted",
    "covers_whole_file",
    "modified_after_signing",
    "reason",
    "revocation",
    "revocation_detail",
}


def incremental(signed: bytes, change) -> bytes:
    """Apply `change(writer)` to a signed file as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_signed_pdf_is_valid_when_its_root_is_in_the_trust_store(
    signed_pdf, trust_root
) -> None:
    result = pdf_verify(pdf_bytes=signed_pdf).as_dict()

    assert result["verdict"] == "valid"
    assert set(result) == {"verdict", "signatures"}
    [signature] = result["signatures"]
    assert set(signature) == CONTRACT_KEYS
    assert signature["field"] == "Signature1"
    assert signature["signer"] == "Sở Thông tin và Truyền thông tỉnh Sóc Trăng"
    assert signature["intact"] is True
    assert signature["trusted"] is True
    assert signature["covers_whole_file"] is True
    assert signature["modified_after_signing"] is False
    assert signature["reason"] == Reason.OK
    signed_at = dt.datetime.fromisoformat(signature["signed_at"])
    assert signed_at.utcoffset() == dt.timedelta(hours=7)
    assert abs(signed_at - NOW) < dt.timedelta(minutes=30)


def test_same_file_is_untrusted_without_the_root(signed_pdf) -> None:
    result = pdf_verify(pdf_bytes=signed_pdf)

    assert result.verdict == "untrusted"
    [signature] = result.signatures
    assert signature.intact is True
    assert signature.trusted is False
    assert signature.modified_after_signing is False
    assert signature.reason == Reason.UNTRUSTED


def test_extra_trust_root_makes_it_valid_without_a_database_row(
    signed_pdf, test_pki
) -> None:
    result = pdf_verify(pdf_bytes=signed_pdf, extra_trust_roots=[test_pki.root_pem])
    assert result.verdict == "valid"


def test_trust_root_files_setting_is_a_source_of_roots(
    signed_pdf, root_pem_file, settings
) -> None:
    settings.TRUST_ROOT_FILES = [str(root_pem_file)]
    assert pdf_verify(pdf_bytes=signed_pdf).verdict == "valid"


def test_a_deactivated_root_is_no_longer_trusted(signed_pdf, trust_root) -> None:
    trust_root.is_active = False
    trust_root.save()
    assert pdf_verify(pdf_bytes=signed_pdf).verdict == "untrusted"


def test_signature_from_another_root_stays_untrusted(
    plain_pdf, test_pki, trust_root
) -> None:
    signed = pdf_sign(pdf_bytes=plain_pdf, signer=test_pki.foreign)
    result = pdf_verify(pdf_bytes=signed)
    assert result.verdict == "untrusted"
    assert result.signatures[0].reason == Reason.UNTRUSTED


def test_intermediate_in_the_store_completes_a_short_chain(
    plain_pdf, test_pki, trust_root
) -> None:
    from backoffice.signatures.pki import certificate_pem
    from backoffice.signatures.services import trusted_certificate_upsert

    signed = pdf_sign(pdf_bytes=plain_pdf, signer=test_pki.behind_intermediate)
    assert pdf_verify(pdf_bytes=signed).verdict == "untrusted"

    trusted_certificate_upsert(
        actor=None,
        pem=certificate_pem(test_pki.intermediate.certificate).decode(),
        kind="intermediate",
    )
    assert pdf_verify(pdf_bytes=signed).verdict == "valid"


def test_one_changed_byte_in_the_signed_content_is_invalid(
    plain_pdf, signed_pdf, trust_root
) -> None:
    # The unsigned original is a prefix of the signed file, so all of it is signed.
    offset = plain_pdf.index(b"stream") + 12
    assert offset < len(plain_pdf)
    result = pdf_verify(pdf_bytes=flip(signed_pdf, offset))

    assert result.verdict == "invalid"
    [signature] = result.signatures
    assert signature.intact is False
    assert signature.reason == Reason.CONTENT_CHANGED


def test_changed_signature_value_inside_the_cms_is_invalid(
    signed_pdf, trust_root
) -> None:
    start, length = cms_hex_span(signed_pdf)
    # The RSA signature value is the last field of the SignerInfo, so of the DER.
    result = pdf_verify(pdf_bytes=flip(signed_pdf, start + length - 40))

    assert result.verdict == "invalid"
    assert result.signatures[0].reason == Reason.SIGNATURE_MISMATCH
    assert result.signatures[0].trusted is False


def test_broken_cms_structure_is_invalid_not_a_crash(signed_pdf, trust_root) -> None:
    start, _length = cms_hex_span(signed_pdf)
    # Byte 1 of the DER is the outer length: changing it breaks the whole structure.
    result = pdf_verify(pdf_bytes=flip(signed_pdf, start + 3))

    assert result.verdict == "invalid"
    [signature] = result.signatures
    assert signature.field == "Signature1"
    assert signature.reason == Reason.SIGNATURE_UNREADABLE
    assert signature.intact is False
    assert signature.signed_at is not None  # still known from /M


def test_no_changed_cms_byte_crashes_the_check(signed_pdf, trust_root) -> None:
    start, length = cms_hex_span(signed_pdf)
    verdicts = set()
    for offset in range(0, length, 37):
        result = pdf_verify(pdf_bytes=flip(signed_pdf, start + offset))
        assert len(result.signatures) == 1
        verdicts.add(result.verdict)
    # A few CMS bytes are checked by no one (the copy of the root embedded next to
    # the signer's certificate: the trust store's copy is used), so some flips stay
    # valid; every other flip is invalid, and none is an exception.
    assert verdicts == {"valid", "invalid"}


def test_content_added_to_the_page_after_signing_is_invalid(
    signed_pdf, trust_root
) -> None:
    def overwrite_page(writer: IncrementalPdfFileWriter) -> None:
        stream = generic.StreamObject(stream_data=b"0 0 1 rg 72 600 200 40 re f")
        writer.add_stream_to_page(0, writer.add_object(stream))

    result = pdf_verify(pdf_bytes=incremental(signed_pdf, overwrite_page))

    assert result.verdict == "invalid"
    [signature] = result.signatures
    assert signature.intact is True  # the signed revision itself is untouched
    assert signature.modified_after_signing is True
    assert signature.covers_whole_file is False
    assert signature.reason == Reason.MODIFIED_AFTER_SIGNING


def test_page_added_after_signing_is_invalid(signed_pdf, trust_root) -> None:
    def add_page(writer: IncrementalPdfFileWriter) -> None:
        page = generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (0, 0, 595, 842)]
                ),
            }
        )
        writer.insert_page(page)

    result = pdf_verify(pdf_bytes=incremental(signed_pdf, add_page))
    assert result.verdict == "invalid"
    assert result.signatures[0].modified_after_signing is True


def test_validation_data_added_after_signing_keeps_it_valid(
    signed_pdf, trust_root, test_pki
) -> None:
    from pyhanko.keys import load_certs_from_pemder_data

    reader = PdfFileReader(io.BytesIO(signed_pdf))
    contents = reader.embedded_signatures[0].pkcs7_content
    out = io.BytesIO(signed_pdf)
    DocumentSecurityStore.add_dss(
        out, contents, certs=list(load_certs_from_pemder_data(test_pki.root_pem))
    )
    result = pdf_verify(pdf_bytes=out.getvalue())

    assert len(out.getvalue()) > len(signed_pdf)
    assert result.verdict == "valid"
    [signature] = result.signatures
    assert signature.covers_whole_file is False
    assert signature.modified_after_signing is False


def test_certificate_expired_at_signing_time_is_invalid(
    plain_pdf, test_pki, trust_root
) -> None:
    signed = pdf_sign(pdf_bytes=plain_pdf, signer=test_pki.expired)
    result = pdf_verify(pdf_bytes=signed)

    assert result.verdict == "invalid"
    [signature] = result.signatures
    assert signature.intact is True
    assert signature.trusted is False
    assert signature.reason == Reason.EXPIRED


def test_certificate_not_yet_valid_at_signing_time_is_invalid(
    plain_pdf, test_pki, trust_root
) -> None:
    signed = pdf_sign(pdf_bytes=plain_pdf, signer=test_pki.not_yet_valid)
    result = pdf_verify(pdf_bytes=signed)

    assert result.verdict == "invalid"
    assert result.signatures[0].reason == Reason.NOT_YET_VALID


def test_expired_from_another_root_is_invalid_not_untrusted(
    plain_pdf, test_pki
) -> None:
    signed = pdf_sign(pdf_bytes=plain_pdf, signer=test_pki.expired)
    result = pdf_verify(pdf_bytes=signed)  # root not trusted either
    assert result.verdict == "invalid"
    assert result.signatures[0].reason == Reason.EXPIRED


def test_certificate_is_judged_at_signing_time_not_today(
    plain_pdf, test_pki, trust_root, frozen_signing_clock
) -> None:
    """Signed 20 days ago with a certificate that expired 10 days ago: valid.

    Validating at today's date would call it expired; this proves the signing time
    is the moment of validation.
    """
    signed_at = NOW - 20 * DAY
    frozen_signing_clock(signed_at)
    signed = pdf_sign(pdf_bytes=plain_pdf, signer=test_pki.expired_since)
    result = pdf_verify(pdf_bytes=signed)

    assert result.verdict == "valid"
    [signature] = result.signatures
    assert dt.datetime.fromisoformat(signature.signed_at) == signed_at
    assert signature.trusted is True


def test_same_certificate_signing_today_is_expired(
    plain_pdf, test_pki, trust_root
) -> None:
    signed = pdf_sign(pdf_bytes=plain_pdf, signer=test_pki.expired_since)
    assert pdf_verify(pdf_bytes=signed).signatures[0].reason == Reason.EXPIRED


def test_pdf_without_signatures_is_unsigned(plain_pdf, trust_root) -> None:
    result = pdf_verify(pdf_bytes=plain_pdf)
    assert result.as_dict() == {"verdict": "unsigned", "signatures": []}


def test_empty_signature_field_is_still_unsigned(plain_pdf) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(plain_pdf))
    append_signature_field(writer, SigFieldSpec(sig_field_name="ChuKyLanhDao"))
    out = io.BytesIO()
    writer.write(out)
    assert pdf_verify(pdf_bytes=out.getvalue()).verdict == "unsigned"


def test_two_valid_signatures_are_valid(signed_pdf, test_pki, trust_root) -> None:
    twice = pdf_sign(
        pdf_bytes=signed_pdf, field_name="Signature2", signer=test_pki.leader
    )
    result = pdf_verify(pdf_bytes=twice)

    assert result.verdict == "valid"
    first, second = result.signatures
    assert (first.field, second.field) == ("Signature1", "Signature2")
    assert second.signer == "Nguyễn Văn An"
    assert first.covers_whole_file is False
    assert first.modified_after_signing is False
    assert second.covers_whole_file is True
    assert {first.reason, second.reason} == {Reason.OK}


def test_one_untrusted_signature_of_two_makes_the_file_untrusted(
    signed_pdf, test_pki, trust_root
) -> None:
    twice = pdf_sign(
        pdf_bytes=signed_pdf, field_name="Signature2", signer=test_pki.foreign
    )
    result = pdf_verify(pdf_bytes=twice)
    assert result.verdict == "untrusted"
    assert [s.trusted for s in result.signatures] == [True, False]


def test_content_changed_between_two_signatures_is_invalid(
    signed_pdf, test_pki, trust_root
) -> None:
    def overwrite_page(writer: IncrementalPdfFileWriter) -> None:
        stream = generic.StreamObject(stream_data=b"0 0 1 rg 72 600 200 40 re f")
        writer.add_stream_to_page(0, writer.add_object(stream))

    changed = incremental(signed_pdf, overwrite_page)
    twice = pdf_sign(pdf_bytes=changed, field_name="Signature2", signer=test_pki.leader)
    result = pdf_verify(pdf_bytes=twice)

    assert result.verdict == "invalid"
    first, second = result.signatures
    assert first.modified_after_signing is True
    assert second.reason == Reason.OK


@pytest.mark.parametrize(
    "data",
    [b"", b"not a pdf at all" * 50, b"%PDF-1.7\n1 0 obj\n<<", b"\x00\xff" * 300],
    ids=["empty", "text", "header-only", "binary"],
)
def test_garbage_is_unreadable(data) -> None:
    with pytest.raises(UnreadablePdf):
        pdf_verify(pdf_bytes=data)


def test_truncated_signed_pdf_is_unreadable(signed_pdf) -> None:
    with pytest.raises(UnreadablePdf):
        pdf_verify(pdf_bytes=signed_pdf[: len(signed_pdf) // 2])


def test_encrypted_pdf_is_unreadable() -> None:
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(make_pdf(["Mật"]))))
    writer.encrypt("owner-secret", "user-secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(UnreadablePdf, match="mã hóa"):
        pdf_verify(pdf_bytes=out.getvalue())


def test_garbage_extra_trust_root_is_refused(signed_pdf) -> None:
    with pytest.raises(ValueError):
        pdf_verify(pdf_bytes=signed_pdf, extra_trust_roots=[b"-----BEGIN nonsense"])


def test_a_signature_timestamp_is_the_signing_time(
    plain_pdf, test_pki, trust_root
) -> None:
    signed = pdf_sign(
        pdf_bytes=plain_pdf,
        signer=test_pki.agency,
        timestamper=make_timestamper(test_pki.root),
    )
    result = pdf_verify(pdf_bytes=signed)

    assert result.verdict == "valid"
    signed_at = dt.datetime.fromisoformat(result.signatures[0].signed_at)
    assert abs(signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_a_timestamp_outweighs_a_backdated_signer_clock(
    plain_pdf, test_pki, trust_root, frozen_signing_clock
) -> None:
    """The signer claims a date inside its validity, the TSA says today: expired."""
    frozen_signing_clock(NOW - 20 * DAY)
    signed = pdf_sign(
        pdf_bytes=plain_pdf,
        signer=test_pki.expired_since,
        timestamper=make_timestamper(test_pki.root),
    )
    result = pdf_verify(pdf_bytes=signed)
    assert result.verdict == "invalid"
    assert result.signatures[0].reason == Reason.EXPIRED


def test_a_timestamp_from_an_unknown_authority_is_not_trusted(
    plain_pdf, test_pki, trust_root
) -> None:
    signed = pdf_sign(
        pdf_bytes=plain_pdf,
        signer=test_pki.agency,
        timestamper=make_timestamper(test_pki.foreign_root),
    )
    result = pdf_verify(pdf_bytes=signed)
    assert result.verdict == "untrusted"
    assert result.signatures[0].reason == Reason.TIMESTAMP_UNTRUSTED
