"""Archive packages: a closed e-file as ONE ZIP, streamed to disk.

Layout (every path relative to the ZIP's root, all UTF-8 names):

    manifest.json                       every other entry with its SHA-256 and size
    efile.xml                           the file's metadata (catalogue fields)
    documents/NNN-<kind>/document.xml   one per filed item (register fields)
    documents/NNN-<kind>/originals/…    every original, byte for byte
    documents/NNN-<kind>/pdfa/….pdf     a PDF/A-2b copy of each PDF original that
                                        could be converted (see pdfa.py)

A PDF that could not be converted is listed in the manifest with
`"pdfa": {"status": "failed", "reason": …}` and in its document.xml — never
dropped. `archive_verify` (verify.py) re-reads a package against its manifest.
"""

import datetime as dt
import hashlib
import json
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.services import audit_record

from .contents import FiledDocument, OriginalRef, efile_contents
from .metadata import document_xml, efile_xml
from .models import EFile
from .pdfa import PdfaOutcome, pdfa_convert
from .services import RecordsRejected

FORMAT = "motcua-efile-archive/1"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


@dataclass
class ExportResult:
    path: Path
    entries: int = 0
    bytes_written: int = 0
    pdfa_converted: int = 0
    pdfa_failed: list[dict[str, str]] = field(default_factory=list)


def safe_name(name: str, index: int) -> str:
    """A file name that is safe in any ZIP reader: NFC, no folders, no control
    characters, prefixed with its position so names never collide."""
    clean = unicodedata.normalize("NFC", name.replace("\\", "/")).split("/")[-1]
    clean = "".join(
        c if c.isprintable() and c not in ':*?"<>|' else "_" for c in clean
    ).strip(" .")
    return f"{index:02d}-{clean or 'tep'}"[:180]


class _Writer:
    """Writes entries into the ZIP while hashing them; collects the manifest."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.entries: list[dict[str, Any]] = []
        self.bytes_written = 0

    def _info(self, path: str, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return info

    def add_stream(
        self, path: str, source: IO[bytes], *, compress: bool = False, **meta: Any
    ) -> dict[str, Any]:
        digest, size = hashlib.sha256(), 0
        with self.archive.open(
            self._info(path, compress), "w", force_zip64=True
        ) as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        entry = {"path": path, "sha256": digest.hexdigest(), "size": size, **meta}
        self.entries.append(entry)
        self.bytes_written += size
        return entry

    def add_bytes(self, path: str, data: bytes, **meta: Any) -> dict[str, Any]:
        import io

        return self.add_stream(path, io.BytesIO(data), compress=True, **meta)


@contextmanager
def _local_copy(original: OriginalRef, copy: Path) -> Iterator[Path]:
    """The original as a local file Ghostscript can read (its own path when the
    storage is local, else a temporary copy)."""
    try:
        local: Path | None = Path(original.storage.path(original.storage_name))
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    with (
        original.storage.open(original.storage_name, "rb") as src,
        copy.open("wb") as dst,
    ):
        shutil.copyfileobj(src, dst, CHUNK)
    try:
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def _is_pdf(original: OriginalRef) -> bool:
    return original.media_type == "application/pdf" or original.name.lower().endswith(
        ".pdf"
    )


def _convert(original: OriginalRef, target: Path) -> tuple[Path, PdfaOutcome]:
    with _local_copy(original, target.with_suffix(".source")) as local:
        return target, pdfa_convert(local, target)


class _Conversions:
    """PDF/A conversions run ahead of the ZIP writer in a few threads (each one a
    Ghostscript process), at most `window` documents ahead, into temporary files:
    the package is still written in order and never held in memory."""

    def __init__(
        self, documents: list[FiledDocument], work: Path, *, enabled: bool
    ) -> None:
        self.documents = documents
        self.work = work
        workers = max(1, settings.RECORDS_PDFA_WORKERS)
        self.window = 2 * workers
        self.pool = ThreadPoolExecutor(max_workers=workers) if enabled else None
        self.futures: dict[tuple[int, int], Future[tuple[Path, PdfaOutcome]]] = {}
        self.submitted = 0

    def _submit_until(self, limit: int) -> None:
        assert self.pool is not None  # noqa: S101 — only called when enabled
        while self.submitted < min(limit, len(self.documents)):
            position = self.submitted
            for index, original in enumerate(
                self.documents[position].originals, start=1
            ):
                if _is_pdf(original):
                    target = self.work / f"{position}-{index}.pdf"
                    self.futures[(position, index)] = self.pool.submit(
                        _convert, original, target
                    )
            self.submitted += 1

    def take(self, position: int, index: int) -> tuple[Path, PdfaOutcome]:
        """The conversion of one original (waits for it)."""
        self._submit_until(position + 1 + self.window)
        return self.futures.pop((position, index)).result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _document(
    writer: _Writer,
    filed: FiledDocument,
    number: int,
    *,
    conversions: _Conversions | None,
    result: ExportResult,
) -> None:
    folder = f"documents/{number:03d}-{filed.item.kind}"
    files: list[dict[str, Any]] = []
    for index, original in enumerate(filed.originals, start=1):
        name = safe_name(original.name, index)
        path = f"{folder}/originals/{name}"
        with original.storage.open(original.storage_name, "rb") as handle:
            entry = writer.add_stream(
                path,
                handle,
                kind="original",
                document=number,
                role=original.role,
                media_type=original.media_type,
            )
        if entry["sha256"] != original.sha256:
            # The stored original no longer matches what was recorded: say so.
            entry["integrity"] = {"recorded_sha256": original.sha256, "ok": False}
        info: dict[str, Any] = {
            "name": original.name,
            "path": path,
            "sha256": entry["sha256"],
            "size": entry["size"],
            "media_type": original.media_type,
            "pages": original.pages,
            "role": original.role,
        }
        is_pdf = _is_pdf(original)
        if is_pdf and conversions is not None:
            target, outcome = conversions.take(number - 1, index)
            if outcome.converted:
                pdfa_path = f"{folder}/pdfa/{PurePosixPath(name).stem}.pdf"
                with target.open("rb") as handle:
                    writer.add_stream(
                        pdfa_path,
                        handle,
                        kind="pdfa",
                        document=number,
                        derived_from=path,
                        conformance="PDF/A-2b",
                    )
                target.unlink(missing_ok=True)
                entry["pdfa"] = {"status": "converted", "path": pdfa_path}
                result.pdfa_converted += 1
            else:
                entry["pdfa"] = {"status": "failed", "reason": outcome.reason}
                result.pdfa_failed.append({"path": path, "reason": outcome.reason})
            info["pdfa"] = entry["pdfa"]
        elif is_pdf:
            entry["pdfa"] = info["pdfa"] = {"status": "not_requested"}
        files.append(info)
    writer.add_bytes(
        f"{folder}/document.xml",
        document_xml(filed, number=number, files=files),
        kind="metadata",
        document=number,
    )


def archive_export(
    *,
    efile: EFile,
    out: Path,
    actor: AbstractBaseUser | None = None,
    convert_pdfa: bool = True,
) -> ExportResult:
    """Write the closed file's archive package to `out` (streamed, never whole in
    memory). An open file is refused. Side effect: an audit entry."""
    if not efile.is_closed:
        raise RecordsRejected(
            _("Hồ sơ %(code)s đang mở: chỉ xuất gói lưu trữ cho hồ sơ đã đóng.")
            % {"code": efile.code}
        )
    out = Path(out)
    result = ExportResult(path=out)
    partial = out.with_name(f".{out.name}.partial")
    work = Path(tempfile.mkdtemp(prefix="motcua-archive-"))
    try:
        with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
            writer = _Writer(archive)
            documents = list(efile_contents(efile=efile))
            count = len(documents)
            conversions = _Conversions(documents, work, enabled=convert_pdfa)
            try:
                for number, filed in enumerate(documents, start=1):
                    _document(
                        writer,
                        filed,
                        number,
                        conversions=conversions if convert_pdfa else None,
                        result=result,
                    )
            finally:
                conversions.close()
            writer.add_bytes("efile.xml", efile_xml(efile), kind="metadata")
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "efile": {
                    "id": efile.pk,
                    "code": efile.code,
                    "agency": efile.agency.code,
                },
                "documents": count,
                "pdfa_failed": result.pdfa_failed,
                "entries": writer.entries,
            }
            info = writer._info(MANIFEST, compress=True)
            archive.writestr(
                info, json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            )
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    result.entries = len(writer.entries)
    result.bytes_written = writer.bytes_written
    audit_record(
        actor=actor,
        action="efile.exported",
        obj=efile,
        after={
            "entries": result.entries,
            "pdfa_converted": result.pdfa_converted,
            "pdfa_failed": len(result.pdfa_failed),
        },
        agency=efile.agency,
    )
    return result


def export_filename(efile: EFile, when: dt.date | None = None) -> str:
    when = when or timezone.localdate()
    code = "".join(c if c.isalnum() or c in "-._" else "-" for c in efile.code)
    return f"ho-so-{code}-{when:%Y%m%d}.zip"
