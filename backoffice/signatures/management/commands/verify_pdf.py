"""`manage.py verify_pdf FILE [--json] [--trust-root PEM]...` — signature verdict.

Each signature also says whether its certificate was checked for revocation
("revocation": good / revoked / not_checked, and why in "revocation_detail").

Exit status: 0 valid, 1 untrusted/invalid/unsigned, 2 unreadable input or file.
"""

import json
import logging
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.signatures.constants import RevocationStatus, VerdictKind
from backoffice.signatures.verification import UnreadablePdf, Verdict, pdf_verify

YES_NO = {True: gettext_lazy("có"), False: gettext_lazy("không")}


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số trong tệp PDF (verify the signatures of a PDF)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp PDF cần kiểm tra")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--trust-root",
            action="append",
            default=[],
            dest="trust_roots",
            metavar="PEM",
            help="extra trusted root certificate file (PEM or DER); repeatable",
        )

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(2)

    def _read(self, path: str, what: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except FileNotFoundError:
            self._fail(
                _("Không tìm thấy %(what)s “%(path)s”.") % {"what": what, "path": path}
            )
        except OSError as exc:
            self._fail(
                _("Không đọc được %(what)s “%(path)s”: %(error)s.")
                % {"what": what, "path": path, "error": exc.strerror}
            )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verbosity"] < 2:
            # pyHanko logs every untrusted or expired chain with a traceback.
            for name in ("pyhanko", "pyhanko_certvalidator"):
                logging.getLogger(name).setLevel(logging.ERROR)
        pdf_bytes = self._read(options["file"], _("tệp"))
        roots = [
            self._read(path, _("chứng thư gốc")) for path in options["trust_roots"]
        ]
        try:
            verdict = pdf_verify(pdf_bytes=pdf_bytes, extra_trust_roots=roots)
        except UnreadablePdf as exc:
            self._fail(f"{options['file']}: {exc}")
        except ValueError as exc:
            self._fail(
                _("--trust-root không phải chứng thư X.509 (PEM/DER): %(error)s")
                % {"error": exc}
            )
        if options["json"]:
            self.stdout.write(json.dumps(verdict.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(self._summary(verdict))
        if verdict.verdict != VerdictKind.VALID:
            raise SystemExit(1)

    def _summary(self, verdict: Verdict) -> str:
        label = VerdictKind(verdict.verdict).label
        lines = [
            _("Kết luận: %(label)s (%(verdict)s)")
            % {"label": label, "verdict": verdict.verdict}
        ]
        if not verdict.signatures:
            lines.append(_("Tệp không có chữ ký số nào."))
        unknown = _("(không rõ)")
        for number, signature in enumerate(verdict.signatures, start=1):
            lines += [
                _("Chữ ký %(number)s: trường “%(field)s”")
                % {"number": number, "field": signature.field},
                _("  Người ký: %(signer)s") % {"signer": signature.signer or unknown},
                _("  Thời điểm ký: %(at)s") % {"at": signature.signed_at or unknown},
                _(
                    "  Nguyên vẹn: %(intact)s | Tin cậy: %(trusted)s | Bao phủ toàn "
                    "bộ tệp: %(whole)s | Sửa đổi sau khi ký: %(modified)s"
                )
                % {
                    "intact": YES_NO[signature.intact],
                    "trusted": YES_NO[signature.trusted],
                    "whole": YES_NO[signature.covers_whole_file],
                    "modified": YES_NO[signature.modified_after_signing],
                },
                _("  Nhận xét: %(reason)s") % {"reason": signature.reason},
                _("  Thu hồi: %(status)s — %(detail)s")
                % {
                    "status": RevocationStatus(signature.revocation).label,
                    "detail": signature.revocation_detail,
                },
            ]
        return "\n".join(lines)
