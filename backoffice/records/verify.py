"""`archive_verify`: re-read an archive package and prove nothing was lost.

Every entry the manifest lists must be in the ZIP with the same SHA-256 and size;
every entry in the ZIP must be listed; names must be plain relative paths (no
`..`, no absolute or drive paths, no backslashes) and appear once. The result is
exactly `{"valid", "entries", "mismatches"}`; each mismatch names its entry.
"""

import hashlib
import json
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from .archive import CHUNK, FORMAT, MANIFEST

MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def unsafe_name(name: str) -> bool:
    """Whether a ZIP entry name could escape the folder it is unpacked into."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return True
    if len(name) > 1 and name[1] == ":":  # C:…
        return True
    return any(part in ("..", "") for part in PurePosixPath(name).parts) or (
        ".." in name.split("/")
    )


def _problem(entry: str, problem: str, **extra: Any) -> dict[str, Any]:
    return {"entry": entry, "problem": problem, **extra}


def _hash(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _manifest(
    archive: zipfile.ZipFile, mismatches: list[dict[str, Any]]
) -> list[dict[str, Any]] | None:
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        mismatches.append(_problem(MANIFEST, "missing"))
        return None
    if info.file_size > MAX_MANIFEST_BYTES:
        mismatches.append(_problem(MANIFEST, "unreadable", detail="too large"))
        return None
    try:
        data = json.loads(archive.read(info).decode("utf-8"))
        entries = data["entries"]
        if data.get("format") != FORMAT or not isinstance(entries, list):
            raise ValueError("unknown format")
        for entry in entries:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("path"), str)
                and isinstance(entry.get("sha256"), str)
                and isinstance(entry.get("size"), int)
            ):
                raise ValueError("bad entry")
    except (ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        mismatches.append(_problem(MANIFEST, "unreadable", detail=str(exc)[:200]))
        return None
    return entries


def archive_verify(path: Path) -> dict[str, Any]:
    """Check the package at `path` against its manifest (streamed, entry by entry)."""
    mismatches: list[dict[str, Any]] = []
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        problem = "not_a_zip" if isinstance(exc, zipfile.BadZipFile) else "unreadable"
        return {
            "valid": False,
            "entries": 0,
            "mismatches": [_problem(str(path), problem, detail=str(exc)[:200])],
        }
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        names: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if unsafe_name(info.filename):
                mismatches.append(_problem(info.filename, "unsafe_path"))
            elif info.filename in names:
                mismatches.append(_problem(info.filename, "duplicate"))
            else:
                names[info.filename] = info
        listed = _manifest(archive, mismatches)
        if listed is None:
            return {"valid": False, "entries": len(infos), "mismatches": mismatches}
        seen: set[str] = set()
        for entry in listed:
            name = entry["path"]
            if name in seen or name == MANIFEST or unsafe_name(name):
                mismatches.append(_problem(name, "bad_manifest_entry"))
                continue
            seen.add(name)
            info = names.get(name)
            if info is None:
                mismatches.append(_problem(name, "missing", expected=entry["sha256"]))
                continue
            try:
                actual, size = _hash(archive, info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                # A changed byte in a compressed entry fails its CRC while read.
                mismatches.append(
                    _problem(
                        name,
                        "changed",
                        expected=entry["sha256"],
                        actual="",
                        detail=str(exc)[:200],
                    )
                )
                continue
            if actual != entry["sha256"] or size != entry["size"]:
                mismatches.append(
                    _problem(name, "changed", expected=entry["sha256"], actual=actual)
                )
        for name in names:
            if name != MANIFEST and name not in seen:
                mismatches.append(_problem(name, "extra"))
    return {"valid": not mismatches, "entries": len(listed), "mismatches": mismatches}
