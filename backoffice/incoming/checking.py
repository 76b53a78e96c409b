"""The check of a received document: signature verdict and text layer.

Runs in the worker (`tasks.check_incoming_document`) after the document is stored;
`receive_document` and the desk's secret-marking refusal call it directly. pyHanko
runs outside any event loop and without database access (the trust store is read
first).
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from backoffice.core.services import audit_record

from .checks import pdf_full_text
from .constants import VerdictKind
from .models import IncomingDocument, IncomingFile


def _verdict_fill(
    document: IncomingDocument, content: bytes, store: Any = None
) -> list[dict[str, Any]]:
    from backoffice.signatures.event_loop import outside_event_loop
    from backoffice.signatures.verification import (
        UnreadablePdf,
        pdf_verify,
        trust_store,
    )

    # Read before pyHanko runs: no database access inside outside_event_loop.
    store = store if store is not None else trust_store()
    try:
        verdict = outside_event_loop(lambda: pdf_verify(pdf_bytes=content, store=store))
    except UnreadablePdf as exc:
        document.verdict, document.verdict_reason = VerdictKind.INVALID, str(exc)
        return []
    signatures = [s.as_dict() for s in verdict.signatures]
    document.verdict = verdict.verdict
    failed = [s["reason"] for s in signatures if s["reason"] and not _ok(s)]
    document.verdict_reason = "; ".join(dict.fromkeys(failed))
    document.checked_at = timezone.now()
    if document.verdict == VerdictKind.VALID and not document.signer_name:
        document.signer_name = signatures[0]["signer"][:200] if signatures else ""
    return signatures


def _ok(signature: Mapping[str, Any]) -> bool:
    return bool(
        signature["intact"]
        and signature["trusted"]
        and not signature["modified_after_signing"]
    )


def incoming_check(*, document_id: int) -> bool:
    """Check the signatures of every PDF of a document and read its text layer.

    The document's verdict is its main file's. Queues OCR for PDFs without text.
    Idempotent: False when the document is already checked or gone.
    """
    document = IncomingDocument.objects.filter(pk=document_id, verdict="").first()
    if document is None:
        return False
    results: list[tuple[int, str, list[dict[str, Any]], str]] = []
    main_probe = IncomingDocument(verdict=VerdictKind.UNSIGNED)
    from backoffice.signatures.verification import trust_store

    store = trust_store()
    for record in document.files.all():
        if not record.file or record.media_type != "application/pdf":
            continue
        with record.file.open("rb") as handle:
            content = handle.read()
        probe = IncomingDocument()
        signatures = _verdict_fill(probe, content, store)
        text = record.text or pdf_full_text(content)
        results.append((record.pk, probe.verdict, signatures, text))
        if record.is_main:
            main_probe = probe
    with transaction.atomic():
        document = (
            IncomingDocument.objects.select_for_update()
            .filter(pk=document_id, verdict="")
            .first()
        )
        if document is None:
            return False
        needs_ocr = []
        for file_id, verdict, signatures, text in results:
            IncomingFile.objects.filter(pk=file_id).update(
                verdict=verdict,
                signatures=signatures,
                text=text,
                text_source="layer" if text else "",
            )
            if not text:
                needs_ocr.append(file_id)
        document.verdict = main_probe.verdict
        document.verdict_reason = main_probe.verdict_reason
        document.checked_at = timezone.now()
        if not document.signer_name and main_probe.signer_name:
            document.signer_name = main_probe.signer_name
        document.full_text = "\n\n".join(r[3] for r in results if r[3])
        document.save()
        audit_record(
            actor=None,
            action="incomingdocument.checked",
            obj=document,
            after={"verdict": document.verdict, "reason": document.verdict_reason},
            agency=document.agency,
        )
        if needs_ocr:
            from .tasks import ocr_incoming_file

            for file_id in needs_ocr:
                ocr_incoming_file.delay_on_commit(file_id)
    return True
