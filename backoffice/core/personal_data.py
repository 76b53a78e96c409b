"""Reads of personal data: how user files leave the server, and who read what.

`file_response` is the one way a view serves a file a user gave us (dossier
files, scan originals and thumbnails, draft files): never sniffed, never run by
the browser. `audit_read` records that a staff member opened such data, at most
once per user, action and object within `AUDIT_READ_WINDOW_SECONDS`.
"""

import datetime as dt
import hashlib
import io
from typing import IO

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import connection, models, transaction
from django.http import FileResponse
from django.utils import timezone

from .models import Agency, AuditLogEntry
from .services import audit_record

PDF = "application/pdf"
# Whatever a file holds, a browser that opens it runs no script, plugin, form or
# navigation in the site's origin.
FILE_CSP = "sandbox"


def file_response(
    *,
    content: IO[bytes] | bytes,
    filename: str,
    content_type: str,
    inline: bool = False,
    cache_control: str = "private, no-store",
) -> FileResponse:
    """A response that serves a user's file as a download.

    Only a PDF may be shown inline (`inline=True`), and then only in the sandbox
    the Content-Security-Policy sets on every file response; anything else is an
    attachment. The declared type is final (`nosniff`).
    """
    if isinstance(content, bytes):
        content = io.BytesIO(content)
    show_inline = inline and content_type == PDF
    response = FileResponse(
        content,
        as_attachment=not show_inline,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = cache_control
    return response


def _read_key(actor_id: object, action: str, obj: models.Model) -> str:
    return f"audit-read:{actor_id}:{action}:{obj._meta.label}:{obj.pk}"


def _lock(key: str) -> None:
    """Serialise the check-then-write of one (user, action, object) on PostgreSQL.

    SQLite needs nothing: every transaction takes the write lock at BEGIN.
    """
    if connection.vendor != "postgresql":
        return
    number = int.from_bytes(
        hashlib.sha256(key.encode()).digest()[:8], "big", signed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def audit_read(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model,
    agency: Agency | None = None,
) -> AuditLogEntry | None:
    """Record that a staff member read personal data (who, what, when).

    At most one entry per user, action and object within
    `AUDIT_READ_WINDOW_SECONDS` (0: every read): the cache answers repeat reads
    without a query, the audit log itself is the authority. Returns the new entry,
    or None when the read was already recorded or nobody is signed in. Side
    effect: one audit record.
    """
    if actor is None or not actor.is_authenticated:
        return None
    window = int(settings.AUDIT_READ_WINDOW_SECONDS)
    key = _read_key(actor.pk, action, obj)
    if window > 0 and cache.get(key):
        return None
    entry = None
    with transaction.atomic():
        _lock(key)
        last = None
        if window > 0:
            last = (
                AuditLogEntry.objects.filter(
                    actor_id=actor.pk,
                    action=action,
                    object_type=obj._meta.label,
                    object_id=str(obj.pk),
                    at__gte=timezone.now() - dt.timedelta(seconds=window),
                )
                .order_by("-at")
                .values_list("at", flat=True)
                .first()
            )
        if last is None:
            entry = audit_record(actor=actor, action=action, obj=obj, agency=agency)
            last = entry.at
    if window > 0:
        remaining = window - (timezone.now() - last).total_seconds()
        if remaining >= 1:
            cache.set(key, True, timeout=int(remaining))
    return entry
