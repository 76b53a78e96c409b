"""Bulk import of official documents from a folder (`import_documents`).

The folder is read by `imports.py`; each row is checked, saved and published
through `services.document_save_and_publish`, all-or-nothing per row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from .imports import (
    ImportRow,
    ReplacementMissing,
    RowError,
    date_of,
    document_type_of,
    legal_status_of,
    pdf_path,
    rows_read,
)
from .inputs import (
    DocumentInput,
    DocumentRejected,
    PdfUpload,
    clean_text,
    document_input_check,
    document_key,
)
from .models import OfficialDocument
from .number_symbols import number_symbol_key
from .services import document_save_and_publish


@dataclass
class ImportResult:
    """Contract of `import_documents --json` (DESIGN.md §5), plus `updated`."""

    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported) + len(self.updated),
            "created": len(self.imported),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "rejected": self.rejected,
        }


def _replacement(
    values: dict[str, str], default_issuer: str
) -> OfficialDocument | None:
    symbol = values.get("replaced_by", "")
    if not symbol:
        return None
    issuer = clean_text(values.get("replaced_by_issuer", "")) or default_issuer
    key = number_symbol_key(symbol)
    document = (
        OfficialDocument.objects.filter(issuer=issuer)
        .filter(Q(number_symbol_key=key) | Q(number_symbol_key__startswith=f"{key}@"))
        .order_by("-issued_date")
        .first()
    )
    if document is None:
        raise ReplacementMissing(
            _(
                "Không tìm thấy văn bản thay thế “%(number)s” của “%(issuer)s” "
                "(nhập văn bản thay thế trước)."
            )
            % {"number": symbol, "issuer": issuer}
        )
    return document


def _row_input(row: ImportRow, folder: Path) -> tuple[DocumentInput, list[PdfUpload]]:
    """DocumentInput and files of one import row; RowError/DocumentRejected."""
    if row.error:
        raise RowError(row.error)
    values = row.values
    for column in ("number_symbol", "type", "issuer", "subject"):
        if not values.get(column):
            raise RowError(_("Thiếu cột bắt buộc “%(column)s”.") % {"column": column})
    if not row.files:
        raise RowError(_("Thiếu tên tệp PDF (cột files)."))
    issuer = clean_text(values["issuer"])
    data = DocumentInput(
        number_symbol=values["number_symbol"],
        document_type=document_type_of(values["type"]),
        issuer=issuer,
        issued_date=date_of(
            values.get("issued_date", ""), _("ngày ban hành"), required=True
        ),
        effective_date=date_of(
            values.get("effective_date", ""), _("ngày có hiệu lực"), required=False
        ),
        subject=values["subject"],
        signer_name=values.get("signer_name", ""),
        signer_position=values.get("signer_position", ""),
        field=values.get("field", ""),
        legal_status=legal_status_of(values.get("status", "")),
        replaced_by=_replacement(values, issuer),
    )
    files = []
    for name in row.files:
        path = pdf_path(folder, name)
        files.append(PdfUpload(name=path.name, content=path.read_bytes()))
    return data, files


def documents_import(
    *,
    actor: AbstractBaseUser | None,
    folder: str | Path,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Save and publish every document of an import folder (see imports.py).

    Each row is all-or-nothing; a bad row is reported with its reason and the
    others go on. Idempotent on (issuer, number-symbol): an identical row is
    "unchanged". Rows that name a replacing document not yet imported are retried
    once after the others. Raises imports.MetadataError if the folder or its
    metadata file cannot be read.
    """
    folder = Path(folder)
    rows = rows_read(folder)
    result = ImportResult()
    seen: dict[tuple[str, str], int] = {}
    done = 0
    pending = list(rows)
    for attempt in (1, 2):
        deferred = []
        for row in pending:
            try:
                data, files = _row_input(row, folder)
                data = document_input_check(data)
                identity = (data.issuer, document_key(data))
                if identity in seen:
                    raise RowError(
                        _(
                            "Trùng số, ký hiệu %(number)s của %(issuer)s "
                            "với dòng %(row)s."
                        )
                        % {
                            "number": data.number_symbol,
                            "issuer": data.issuer,
                            "row": seen[identity],
                        }
                    )
                outcome = document_save_and_publish(actor=actor, data=data, files=files)
                seen[identity] = row.row
            except (RowError, DocumentRejected, ValidationError) as exc:
                if attempt == 1 and isinstance(exc, ReplacementMissing):
                    deferred.append(row)
                    continue
                reason = (
                    "; ".join(exc.messages)
                    if isinstance(exc, ValidationError)
                    else str(exc)
                )
                result.rejected.append({"row": row.row, "reason": reason})
            else:
                {
                    "created": result.imported,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }[outcome.change].append(outcome.document.number_symbol)
            done += 1
            if progress:
                progress(done, len(rows))
        pending = deferred
        if not pending:
            break
    result.rejected.sort(key=lambda item: item["row"])
    return result
