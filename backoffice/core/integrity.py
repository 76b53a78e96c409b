"""Integrity of stored originals: every original is re-hashed against the SHA-256
recorded when it was stored, and any mismatch or missing file is reported — kept as
an `IntegrityCheck` row, audited, logged at ERROR and e-mailed to the administrators.

Each app that keeps originals registers a source (in its AppConfig.ready) that
yields them; core knows none of those apps (the layers of pyproject.toml).
"""

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.core.mail import mail_admins
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IntegrityCheck
from .services import audit_record

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredOriginal:
    """One original as its source knows it: where it is and what it hashed to."""

    source: str
    object_id: str
    name: str
    sha256: str
    storage: Storage = default_storage


SOURCES: dict[str, Callable[[], Iterable[StoredOriginal]]] = {}


def original_source_register(
    name: str, originals: Callable[[], Iterable[StoredOriginal]]
) -> None:
    """Register a source of originals (idempotent per name)."""
    SOURCES[name] = originals


def original_sha256(original: StoredOriginal) -> tuple[str, int]:
    """The file's SHA-256 and size, read in chunks (raises OSError when missing)."""
    digest = hashlib.sha256()
    size = 0
    with original.storage.open(original.name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def integrity_check(*, sources: Sequence[str] = ()) -> IntegrityCheck:
    """Re-hash every original of the given sources (all when empty) and record it."""
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        raise ValueError(f"unknown sources: {', '.join(unknown)}")
    run = IntegrityCheck.objects.create()
    problems: list[dict[str, str]] = []
    for name in sources or sorted(SOURCES):
        for original in SOURCES[name]():
            problem, size = _check_one(original)
            run.checked += 1
            run.bytes_read += size
            if problem is None:
                continue
            problems.append(problem)
            logger.error(
                "integrity: %(problem)s %(source)s #%(object_id)s %(name)s", problem
            )
    run.problems = problems
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        actor=None,
        action="integrity.checked",
        obj=run,
        after={"checked": run.checked, "problems": len(problems)},
    )
    if problems:
        _notify(run)
    return run


def _check_one(original: StoredOriginal) -> tuple[dict[str, str] | None, int]:
    base = {
        "source": original.source,
        "object_id": original.object_id,
        "name": original.name,
        "expected": original.sha256,
    }
    try:
        actual, size = original_sha256(original)
    except (OSError, ValueError) as exc:  # missing, unreadable, bad path
        detail = str(exc)[:200]
        return {**base, "problem": "missing", "actual": "", "detail": detail}, 0
    if actual != original.sha256:
        return {**base, "problem": "mismatch", "actual": actual, "detail": ""}, size
    return None, size


def _notify(run: IntegrityCheck) -> None:
    lines = [
        f"{p['problem']}: {p['source']} #{p['object_id']} {p['name']}"
        for p in run.problems[:200]
    ]
    mail_admins(
        subject=_("Kiểm tra toàn vẹn: %(count)s tệp gốc sai lệch")
        % {"count": len(run.problems)},
        message="\n".join(
            [
                _(
                    "Lần kiểm tra #%(run)s lúc %(at)s: %(checked)s tệp, "
                    "%(count)s sai lệch."
                )
                % {
                    "run": run.pk,
                    "at": f"{run.started_at:%d/%m/%Y %H:%M}",
                    "checked": run.checked,
                    "count": len(run.problems),
                },
                "",
                *lines,
            ]
        ),
        fail_silently=not settings.DEBUG,
    )


def model_originals(
    source: str, queryset: object, field: str = "file"
) -> Iterable[StoredOriginal]:
    """The originals of one model: its file field and its `sha256` column."""
    storage = queryset.model._meta.get_field(field).storage
    for pk, name, sha256 in queryset.values_list("pk", field, "sha256").iterator():
        yield StoredOriginal(
            source=source, object_id=str(pk), name=name, sha256=sha256, storage=storage
        )
