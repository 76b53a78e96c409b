"""`manage.py import_crl FILE... [--json]` — import CRL files for offline checking.

Each file is one CRL (DER or PEM) of one CA; a newer list of a CA replaces the stored
one. A file that is not accepted changes nothing and is reported with its reason.
JSON: `{"imported": [{"file", "issuer", "outcome", "number", "this_update",
"next_update", "revoked_count"}], "rejected": [{"file", "reason"}]}`.
Exit status: 0 when every file was accepted, 1 otherwise.
"""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.signatures.models import CRL_MAX_BYTES
from backoffice.signatures.services import revocation_list_import

OUTCOMES = {
    "created": gettext_lazy("đã thêm"),
    "updated": gettext_lazy("đã thay CRL cũ"),
    "unchanged": gettext_lazy("không đổi"),
}


class Command(BaseCommand):
    help = "Nhập danh sách chứng thư bị thu hồi (CRL) để kiểm tra khi không có mạng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="tệp .crl")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def _read(self, path: Path) -> bytes:
        if not path.is_file():
            raise ValidationError(_("Không tìm thấy tệp “%(path)s”.") % {"path": path})
        if path.stat().st_size > CRL_MAX_BYTES:
            raise ValidationError(
                _("Tệp CRL quá lớn (tối đa %(limit)s MB).")
                % {"limit": CRL_MAX_BYTES // (1024 * 1024)}
            )
        try:
            return path.read_bytes()
        except OSError as exc:
            raise ValidationError(
                _("Không đọc được tệp “%(path)s”: %(error)s")
                % {"path": path, "error": exc.strerror}
            ) from exc

    def handle(self, *args: Any, **options: Any) -> None:
        imported: list[dict[str, Any]] = []
        rejected: list[dict[str, str]] = []
        for name in options["files"]:
            try:
                result = revocation_list_import(actor=None, data=self._read(Path(name)))
            except ValidationError as exc:
                rejected.append({"file": name, "reason": " ".join(exc.messages)})
                continue
            row = result.crl
            imported.append(
                {
                    "file": name,
                    "issuer": row.issuer,
                    "outcome": result.outcome,
                    "number": row.number,
                    "this_update": timezone.localtime(row.this_update).isoformat(),
                    "next_update": (
                        timezone.localtime(row.next_update).isoformat()
                        if row.next_update
                        else None
                    ),
                    "revoked_count": row.revoked_count,
                }
            )
        if options["json"]:
            payload = {"imported": imported, "rejected": rejected}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            for item in imported:
                self.stdout.write(
                    _(
                        "%(file)s: CRL của %(issuer)s — %(outcome)s (%(count)s chứng "
                        "thư bị thu hồi, cập nhật kế tiếp %(next)s)."
                    )
                    % {
                        "file": item["file"],
                        "issuer": item["issuer"],
                        "outcome": OUTCOMES[item["outcome"]],
                        "count": item["revoked_count"],
                        "next": item["next_update"] or "—",
                    }
                )
            for item in rejected:
                self.stderr.write(_("%(file)s: không nhập được — %(reason)s") % item)
        if rejected:
            raise SystemExit(1)
