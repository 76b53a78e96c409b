"""Archive packages for download, built by the worker: a web request only asks
for one (`archive_package_request`); `build_archive_package` (tasks.py) runs
`archive_package_build`, which streams the ZIP to a temporary file and stores it.
"""

import datetime as dt
import hashlib
import logging
import shutil
import tempfile
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.services import audit_record
from backoffice.core.task_policy import TRANSIENT_ERRORS

from .archive import CHUNK, archive_export, export_filename
from .constants import PACKAGE_STALE_SECONDS, PackageStatus
from .models import ArchivePackage, EFile
from .services import RecordsRejected, records_permission_check

logger = logging.getLogger(__name__)


@transaction.atomic
def archive_package_request(
    *, actor: AbstractBaseUser | None, efile: EFile
) -> ArchivePackage:
    """Ask the worker to build the closed file's package; a package already on its
    way is returned instead of a second one. Side effects: audit, a task on commit."""
    from .tasks import build_archive_package

    records_permission_check(actor=actor, agency=efile.agency)
    if not efile.is_closed:
        raise RecordsRejected(
            _("Hồ sơ %(code)s đang mở: chỉ xuất gói lưu trữ cho hồ sơ đã đóng.")
            % {"code": efile.code}
        )
    EFile.objects.select_for_update().filter(pk=efile.pk).first()
    since = timezone.now() - dt.timedelta(seconds=PACKAGE_STALE_SECONDS)
    pending = efile.packages.filter(
        status__in=[PackageStatus.QUEUED, PackageStatus.BUILDING],
        requested_at__gte=since,
    ).first()
    if pending is not None:
        return pending
    package = ArchivePackage.objects.create(efile=efile, requested_by=actor)
    audit_record(
        actor=actor,
        action="efile.package_requested",
        obj=efile,
        after={"package": package.pk},
        agency=efile.agency,
    )
    build_archive_package.delay_on_commit(package.pk)
    return package


def _claim(package_id: int) -> ArchivePackage | None:
    with transaction.atomic():
        package = (
            ArchivePackage.objects.select_for_update()
            .select_related("efile__agency", "efile__entry__retention")
            .filter(pk=package_id)
            .first()
        )
        if package is None or package.status != PackageStatus.QUEUED:
            return None  # gone, done, or taken by another worker
        package.status = PackageStatus.BUILDING
        package.save(update_fields=["status"])
        return package


def archive_package_build(*, package_id: int) -> str:
    """Build a queued package (idempotent: anything not queued is left alone)."""
    package = _claim(package_id)
    if package is None:
        return "skipped"
    folder = Path(tempfile.mkdtemp(prefix="motcua-package-"))
    try:
        out = folder / "package.zip"
        result = archive_export(
            efile=package.efile, out=out, actor=package.requested_by
        )
        digest = hashlib.sha256()
        with out.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
            handle.seek(0)
            package.file.save(export_filename(package.efile), File(handle), save=False)
        package.size = out.stat().st_size
        package.sha256 = digest.hexdigest()
        package.entries = result.entries
        package.pdfa_converted = result.pdfa_converted
        package.pdfa_failed = result.pdfa_failed
        package.status = PackageStatus.READY
    except TRANSIENT_ERRORS:
        # Storage or database briefly away: queued again for the task's retry.
        ArchivePackage.objects.filter(pk=package.pk).update(status=PackageStatus.QUEUED)
        raise
    except Exception as exc:
        logger.exception("archive package #%s failed", package.pk)
        package.status = PackageStatus.FAILED
        package.error = (str(exc) or repr(exc))[:2000]
        package.finished_at = timezone.now()
        package.save()
        return "failed"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    package.finished_at = timezone.now()
    package.save()
    return "ready"
