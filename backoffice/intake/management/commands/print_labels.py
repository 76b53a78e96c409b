"""`manage.py print_labels DOSSIER_CODE -o FILE.pdf`: cover and separator sheets."""

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from backoffice.dossiers.models import Dossier
from backoffice.intake.services import dossier_sheets_pdf


class Command(BaseCommand):
    help = (
        "In tờ bìa và tờ phân cách có mã QR của một hồ sơ: trang 1 là tờ bìa, sau đó "
        "mỗi thành phần một tờ phân cách, theo thứ tự thành phần của thủ tục."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dossier_code")
        parser.add_argument("-o", "--output", required=True, help="tệp PDF ghi ra")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["dossier_code"].strip()
        dossier = (
            Dossier.objects.select_related("procedure", "agency")
            .filter(code=code)
            .first()
        )
        if dossier is None:
            raise CommandError(
                _("Không tìm thấy hồ sơ có mã “%(code)s”. Không ghi tệp nào.")
                % {"code": code}
            )
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(
                _("Thư mục “%(folder)s” không tồn tại.") % {"folder": output.parent}
            )
        pdf = dossier_sheets_pdf(dossier=dossier)
        # Written beside the target and renamed, so a failure leaves no half file.
        handle, temp = tempfile.mkstemp(dir=output.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(pdf)
            os.replace(temp, output)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        count = dossier.procedure.components.count()
        self.stdout.write(
            _(
                "Đã ghi %(output)s: 1 tờ bìa và %(count)s tờ phân cách "
                "cho hồ sơ %(code)s."
            )
            % {"output": output, "count": count, "code": dossier.code}
        )
