"""Art. 9: whether a signed paper copy must also go with the electronic one."""

from typing import TYPE_CHECKING

from backoffice.documents.constants import DocumentType

from .constants import Channel, PaperReason

if TYPE_CHECKING:
    from .models import OutgoingDocument


def paper_reason(document: "OutgoingDocument") -> str:
    """The PaperReason that applies ("" when the digitally signed electronic
    document stands in for paper, Art. 5.3–5.4 and 9.2).

    Paper also goes when the receiver must keep the document on paper: an
    individual decision (a decision that is not a legal document), or a document
    marked so (procedure dossiers, asset declarations, inspection conclusions,
    financial vouchers); and when a recipient cannot be reached electronically.
    """
    if document.keep_on_paper:
        return PaperReason.KEEP_ON_PAPER
    if document.document_type == DocumentType.QUYET_DINH and not document.is_legal:
        return PaperReason.INDIVIDUAL_DECISION
    if document.pk and any(
        r.channel == Channel.PAPER for r in document.recipients.all()
    ):
        return PaperReason.NO_ELECTRONIC_ROUTE
    return PaperReason.NONE
