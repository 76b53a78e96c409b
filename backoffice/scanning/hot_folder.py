"""The scanner hot folder: network scanners drop files, a periodic task takes them.

Each settled file is claimed (moved to processing/), received as a batch and run
here, then moved to processed/ or to failed/ with a note giving the reason.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from backoffice.core.models import Agency

from .batches import ScanRejected, scan_batch_create, scan_batch_run
from .constants import BatchSource, BatchStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HotFolderResult:
    processed: list[str]
    failed: list[str]


def _hot_folder_agency(path: Path, root: Path) -> Agency | None:
    """A subfolder named after an agency code files into that agency."""
    relative = path.parent.relative_to(root)
    if relative.parts:
        return Agency.objects.filter(code=relative.parts[0]).first()
    code = settings.SCAN_HOT_FOLDER_AGENCY
    return Agency.objects.filter(code=code).first() if code else None


def _move(path: Path, target_dir: Path) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = target_dir / f"{stamp}-{path.name}"
    n = 1
    while target.exists():
        target = target_dir / f"{stamp}-{n}-{path.name}"
        n += 1
    path.replace(target)
    return target


HOT_FOLDER_SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".heic", ".heif"}


def hot_folder_consume(
    *, root: Path | None = None, now: dt.datetime | None = None
) -> HotFolderResult:
    """Take each settled file in the scanner folder, run it, move it when done.

    A file goes to processed/ when its batch was processed, to failed/ (with a
    .txt note giving the reason) when it was refused or its run failed. A file is
    first moved to processing/ so two consumers never take the same one.
    """
    result = HotFolderResult(processed=[], failed=[])
    configured = str(root or settings.SCAN_HOT_FOLDER or "").strip()
    # An empty or relative setting would make Path() mean the working directory,
    # and the consumer would move the program's own files: only an absolute,
    # existing folder is ever consumed.
    if not configured or not Path(configured).is_absolute():
        return result
    folder = Path(configured)
    if not folder.is_dir():
        return result
    settle = settings.SCAN_HOT_FOLDER_SETTLE_SECONDS
    moment = (now or timezone.now()).timestamp()
    reserved = {"processed", "failed", "processing"}
    # Only scan files, in the folder or one agency subfolder below it, never
    # symbolic links: nothing else a scanner writes is ever moved.
    candidates = sorted(
        p
        for p in [*folder.glob("*"), *folder.glob("*/*")]
        if p.is_file()
        and not p.is_symlink()
        and not p.parent.is_symlink()
        and p.suffix.lower() in HOT_FOLDER_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and not reserved & set(p.relative_to(folder).parts[:1])
    )
    for path in candidates:
        try:
            if moment - path.stat().st_mtime < settle:
                continue  # the scanner may still be writing it
            claimed = _move(path, folder / "processing")
        except FileNotFoundError:
            continue  # another consumer took it
        name = path.name
        try:
            agency = _hot_folder_agency(path, folder)
            batch = scan_batch_create(
                actor=None,
                agency=agency,
                name=name,
                content=claimed.read_bytes(),
                source=BatchSource.HOT_FOLDER,
                enqueue=False,  # run here, so the file moves when it is done
            )
            batch = scan_batch_run(batch_id=batch.pk)
        except ScanRejected as exc:
            _fail(claimed, folder, exc.message)
            result.failed.append(name)
            continue
        except Exception:
            # Never leave a claimed file in processing/: the next look would not
            # see it, and nobody would know why it vanished.
            logger.exception("hot folder file %s could not be taken", name)
            _fail(claimed, folder, "Lỗi hệ thống khi nhận tệp; hãy báo quản trị.")
            result.failed.append(name)
            continue
        if batch.status == BatchStatus.DONE:
            _move(claimed, folder / "processed")
            result.processed.append(name)
        else:
            _fail(claimed, folder, f"Lô quét #{batch.pk}: {batch.error}")
            result.failed.append(name)
    return result


def _fail(claimed: Path, folder: Path, reason: str) -> None:
    """Move a file to failed/ with a .txt note beside it giving the reason."""
    target = _move(claimed, folder / "failed")
    target.with_suffix(target.suffix + ".txt").write_text(
        reason + "\n", encoding="utf-8"
    )
