"""The PDFs of an outgoing document: checks and versioned storage.

Every draft version is kept; the signed files of the release are a version of
their own. A caller that fails after storing removes what it stored
(`files_discard`).
"""

import hashlib
from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from backoffice.documents.services import PdfUpload
from backoffice.signatures.official import pdf_check_signable
from backoffice.signatures.verification import UnreadablePdf

from .constants import MAX_ATTACHMENTS, MAX_FILE_BYTES, FileRole
from .models import OutgoingDocument, OutgoingFile


class OutgoingRejected(ValidationError):
    """Bad input or a move that is not allowed; the message says why (Vietnamese)."""


def pdf_upload_check(upload: PdfUpload, *, what: str) -> int:
    """The page count of an acceptable PDF; OutgoingRejected otherwise."""
    if not upload.content:
        raise OutgoingRejected(
            _("Tệp %(what)s “%(name)s” rỗng.") % _names(upload, what)
        )
    if len(upload.content) > MAX_FILE_BYTES:
        raise OutgoingRejected(
            _("Tệp %(what)s “%(name)s” lớn hơn %(limit)s MB.")
            % {**_names(upload, what), "limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not upload.content.startswith(b"%PDF-"):
        raise OutgoingRejected(
            _("Tệp %(what)s “%(name)s” không phải tệp PDF.") % _names(upload, what)
        )
    try:
        return pdf_check_signable(upload.content)
    except UnreadablePdf as exc:
        raise OutgoingRejected(
            _("Tệp %(what)s “%(name)s” không dùng được: %(reason)s")
            % {**_names(upload, what), "reason": exc}
        ) from exc


def _names(upload: PdfUpload, what: str) -> dict[str, str]:
    return {"what": what, "name": upload.name}


def files_store(
    *,
    document: OutgoingDocument,
    uploads: Sequence[tuple[str, PdfUpload]],
    kind: str,
    actor: AbstractBaseUser | None,
    stored: list[OutgoingFile],
) -> None:
    """Store (role, upload) pairs as the next version; `stored` collects what was
    written so a failing caller can remove it."""
    document.file_version += 1
    positions: dict[str, int] = {}
    for role, upload in uploads:
        position = positions.get(role, 0)
        positions[role] = position + 1
        record = OutgoingFile(
            document=document,
            role=role,
            kind=kind,
            version=document.file_version,
            position=position,
            original_name=upload.name[:255],
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
            uploaded_by=actor if actor is not None and actor.is_authenticated else None,
            pages=pdf_check_signable(upload.content),
        )
        record.file.save(upload.name, ContentFile(upload.content), save=False)
        stored.append(record)
        record.save()


def files_discard(stored: list[OutgoingFile]) -> None:
    for record in stored:
        record.file.delete(save=False)


def current_files(document: OutgoingDocument) -> list[OutgoingFile]:
    """The files of the latest version (main first, then the attachments)."""
    return sorted(
        document.files.filter(version=document.file_version),
        key=lambda f: (f.role != FileRole.MAIN, f.position),
    )


def checked_uploads(
    main: PdfUpload, attachments: Sequence[PdfUpload]
) -> list[tuple[str, PdfUpload]]:
    if len(attachments) > MAX_ATTACHMENTS:
        raise OutgoingRejected(
            _("Tối đa %(limit)s tệp đính kèm.") % {"limit": MAX_ATTACHMENTS}
        )
    pdf_upload_check(main, what=_("văn bản"))
    for upload in attachments:
        pdf_upload_check(upload, what=_("đính kèm"))
    return [(FileRole.MAIN, main)] + [(FileRole.ATTACHMENT, a) for a in attachments]
