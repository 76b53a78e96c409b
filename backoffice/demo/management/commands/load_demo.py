"""`manage.py load_demo [--json]`: idempotent demo data (DESIGN.md §5)."""

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse
from django.utils.translation import gettext as _

from backoffice.demo.services import demo_load


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (cơ quan, thủ tục, cán bộ). Chạy lại nhiều lần vẫn an toàn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        data = demo_load()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        procedures = data["procedures"]
        self.stdout.write(
            _(
                "Cơ quan: %(agencies)s. Thủ tục: thêm %(created)s, "
                "cập nhật %(updated)s, không đổi %(unchanged)s."
            )
            % {"agencies": data["agencies"], **procedures}
        )
        self.stdout.write(
            _("Hồ sơ công việc: %(efiles)s")
            % {
                "efiles": ", ".join(
                    f"{f['code']} ({_('đã đóng') if f['closed'] else _('đang mở')})"
                    for f in data["efiles"]
                )
            }
        )
        if not settings.DEMO_MODE:
            self.stdout.write(_("DEMO_MODE tắt: không in mật khẩu và khóa TOTP."))
            return
        self.stdout.write(
            _("Tài khoản cán bộ (mật khẩu / khóa TOTP cho ứng dụng xác thực):")
        )
        for row in data["staff"]:
            self.stdout.write(
                f"  {row['username']:<12} {row['password']}  {row['role']:<10} "
                f"{row['agency']}  TOTP {row['totp_secret']}"
            )
        citizen = data["citizen"]
        self.stdout.write(
            _("Công dân mẫu: %(email)s / %(password)s (đăng nhập tại %(url)s)")
            % {
                "email": citizen["email"],
                "password": citizen["password"],
                "url": reverse("citizen-login"),
            }
        )
        self.stdout.write(_("Hồ sơ mẫu (mã hồ sơ — mã tra cứu — trạng thái):"))
        for row in data["dossiers"]:
            self.stdout.write(
                f"  {row['code']}  {row['secret']}  {row['status']}  {row['channel']}"
            )
