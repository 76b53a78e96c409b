"""Publish a released document to the public library in one step (Art. 7.2.c):
the existing `OfficialDocument` and its Wagtail page, with the signature verdict
read from the signed files."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.documents.constants import Confidentiality
from backoffice.documents.services import (
    DocumentInput,
    DocumentRejected,
    PdfUpload,
    document_save_and_publish,
)

from .constants import EventKind, OutgoingStatus
from .dispatch import signed_files
from .models import OutgoingDocument
from .services import OutgoingRejected, _audit, event_record, require


def outgoing_publish(
    *, document: OutgoingDocument, actor: AbstractBaseUser
) -> OutgoingDocument:
    """Make the released, public document a page of the library (or bring that
    page up to date). OutgoingRejected for a document not released, not marked
    public or carrying a secrecy mark; PermissionDenied unless the actor may
    publish for the agency."""
    require(actor, document.agency, Permission.PUBLISH_DOCUMENTS)
    if document.status != OutgoingStatus.RELEASED:
        raise OutgoingRejected(_("Chỉ công bố được văn bản đã phát hành."))
    if not document.is_public or document.confidentiality != Confidentiality.NORMAL:
        raise OutgoingRejected(
            _("Văn bản không được đánh dấu công bố trên Cổng thông tin.")
        )
    data = DocumentInput(
        number_symbol=document.number_symbol,
        document_type=document.document_type,
        issuer=document.agency.name,
        issued_date=timezone.localtime(document.released_at).date(),
        subject=document.subject,
        signer_name=document.signer_name,
        signer_position=document.signer_position,
        field=document.field,
    )
    files = []
    for record in signed_files(document):
        with record.file.open("rb") as handle:
            files.append(PdfUpload(record.original_name, handle.read()))
    with transaction.atomic():
        try:
            # The leader approved the document marked public: the library page is
            # published on that approval (Wagtail's publish right is the leader's).
            outcome = document_save_and_publish(
                actor=document.approver, data=data, files=files
            )
        except DocumentRejected as exc:
            raise OutgoingRejected(str(exc)) from exc
        document = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
        document.publication = outcome.document
        document.save(update_fields=["publication", "updated_at"])
        event_record(
            document=document,
            kind=EventKind.PUBLISHED,
            actor=actor,
            comment=outcome.document.get_signature_verdict_display(),
        )
        _audit(actor, "published", document, None)
    return document
