"""`manage.py audit_verify [--json]` — check the audit log's hash chain.

Walks the entries in id order: each must carry the SHA-256 of its own content and
the hash of the entry before it. An entry edited, deleted or inserted beneath the
application (by someone who dropped the append-only triggers) breaks the chain.
JSON: `{"valid", "entries", "first_bad", "reason", "head"}` — `reason` is "content"
(the entry's own hash does not match it) or "link" (it does not follow the entry
before it), `head` the last entry's hash, to be noted down outside the database
(rows removed from the end of the log are caught only against such a note).

Exit status: 0 when the chain is whole, 1 otherwise.
"""

import json
from dataclasses import asdict, dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from backoffice.core.models import AuditLogEntry


@dataclass(frozen=True)
class ChainReport:
    valid: bool
    entries: int
    first_bad: int | None
    reason: str | None
    head: str | None


def audit_chain_verify() -> ChainReport:
    """Recompute the chain over every entry; the first entry that breaks it."""
    expected_prev = AuditLogEntry.GENESIS_HASH
    entries, first_bad, reason = 0, None, None
    head = None
    for entry in AuditLogEntry.objects.order_by("pk").iterator(chunk_size=2000):
        entries += 1
        if first_bad is None:
            if entry.prev_hash != expected_prev:
                first_bad, reason = entry.pk, "link"
            elif entry.entry_hash != AuditLogEntry.chain_hash(
                entry, prev_hash=entry.prev_hash
            ):
                first_bad, reason = entry.pk, "content"
        expected_prev = head = entry.entry_hash
    return ChainReport(
        valid=first_bad is None,
        entries=entries,
        first_bad=first_bad,
        reason=reason,
        head=head,
    )


class Command(BaseCommand):
    help = "Kiểm tra chuỗi mã băm của nhật ký hệ thống (verify the audit log chain)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if options["json"]:
            self.stdout.write(json.dumps(asdict(report)))
        else:
            self.stdout.write(self._summary(report))
        if not report.valid:
            raise SystemExit(1)

    def _summary(self, report: ChainReport) -> str:
        if report.valid:
            lines = [
                _(
                    "Nhật ký hệ thống nguyên vẹn: %(entries)s bản ghi, "
                    "chuỗi mã băm khớp."
                )
                % {"entries": report.entries}
            ]
        elif report.reason == "content":
            lines = [
                _(
                    "Nhật ký hệ thống đã bị can thiệp: nội dung bản ghi #%(id)s "
                    "không khớp mã băm của nó (bị sửa, hoặc được chèn ngoài "
                    "ứng dụng). Tổng số bản ghi: %(entries)s."
                )
                % {"id": report.first_bad, "entries": report.entries}
            ]
        else:
            lines = [
                _(
                    "Nhật ký hệ thống đã bị can thiệp: bản ghi #%(id)s không nối "
                    "tiếp bản ghi đứng trước nó (một bản ghi đã bị xóa, chèn "
                    "hoặc sửa). Tổng số bản ghi: %(entries)s."
                )
                % {"id": report.first_bad, "entries": report.entries}
            ]
        if report.head:
            lines.append(_("Mã băm cuối chuỗi: %(head)s") % {"head": report.head})
        return "\n".join(lines)
