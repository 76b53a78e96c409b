"""Scanning writes, one module per capability; this module is their front door.

- batches.py: receive a scan file, run the pipeline on it, run it again;
- attach.py: store what a run found (dossier files, page rows, summary);
- review.py: the review queue, where a person assigns or discards pages;
- hot_folder.py: files the network scanners drop.

Counter registration, the component checklist, QR sheets for a dossier and the
location of paper kept on paper belong to the intake app (backoffice.intake).
Every write is atomic and audited.
"""

from .attach import scan_result_attach
from .batches import (
    SCAN_MEDIA_TYPES,
    ScanRejected,
    renew_batch_lease,
    require_reception,
    scan_batch_create,
    scan_batch_give_up,
    scan_batch_requeue,
    scan_batch_run,
)
from .hot_folder import HOT_FOLDER_SUFFIXES, HotFolderResult, hot_folder_consume
from .review import pages_pdf, scan_pages_assign, scan_pages_discard

__all__ = [
    "HOT_FOLDER_SUFFIXES",
    "SCAN_MEDIA_TYPES",
    "HotFolderResult",
    "ScanRejected",
    "hot_folder_consume",
    "pages_pdf",
    "renew_batch_lease",
    "require_reception",
    "scan_batch_create",
    "scan_batch_give_up",
    "scan_batch_requeue",
    "scan_batch_run",
    "scan_pages_assign",
    "scan_pages_discard",
    "scan_result_attach",
]
