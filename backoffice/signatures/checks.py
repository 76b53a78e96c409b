"""System checks: signing keys must not sit where the web server serves files."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.utils.translation import gettext as _


@register()
def signing_keys_are_private(**kwargs: Any) -> list[CheckMessage]:
    keys = Path(settings.SIGNING_KEYS_ROOT).resolve()
    served = {
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "STATIC_ROOT": settings.STATIC_ROOT,
    }
    return [
        Error(
            _(
                "SIGNING_KEYS_ROOT (%(keys)s) nằm trong %(name)s (%(root)s): "
                "khóa ký số có thể bị tải xuống qua web."
            )
            % {"keys": keys, "name": name, "root": root},
            hint=_("Đặt SIGNING_KEYS_ROOT ra ngoài thư mục được phục vụ."),
            id="signatures.E001",
        )
        for name, root in served.items()
        if root and keys.is_relative_to(Path(root).resolve())
    ]
