"""Text messages (SMS) behind one small interface, chosen like Django's EMAIL_BACKEND.

`settings.SMS_BACKEND` names the backend class by dotted path. Two ship here: the
console backend (the zero-setup default, like `consolemail://`: messages go to the
worker's output) and the file backend (one file per message in SMS_FILE_PATH, for a
server without a provider contract). A provider's adapter is one more class with
`send_messages(messages) -> int` that raises `SmsDeliveryError` when the provider
refuses or is away, so the sending task retries it.

Vietnamese SMS are usually sent without diacritics (plain ASCII keeps a segment at
160 characters instead of 70): with SMS_ASCII on, bodies are folded with anyascii.
"""

import datetime as dt
import re
import sys
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from anyascii import anyascii

# One GSM-7 segment; longer texts are sent as several (and cost as several).
SEGMENT = 160

# Vietnamese mobile numbers: 0 or +84/84, then 9 digits starting with 3, 5, 7, 8 or 9
# (the 10-digit plan since 2018). Spaces, dots, dashes and brackets are ignored.
_MOBILE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")
_SEPARATORS = re.compile(r"[\s.\-()]")


class SmsDeliveryError(Exception):
    """The provider refused the message or could not be reached (retry later)."""


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164, e.g. +84912345678
    body: str


class SmsBackend(Protocol):
    """What every SMS backend offers: send the messages, return how many went."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int: ...


def mobile_number(value: str) -> str | None:
    """The number in E.164 (+84…) if it is a Vietnamese mobile number, else None."""
    match = _MOBILE.match(_SEPARATORS.sub("", value or ""))
    return f"+84{match.group(1)}" if match else None


def sms_text(body: str) -> str:
    """The body as it will be sent: without diacritics when SMS_ASCII is on."""
    text = " ".join(body.split())
    return anyascii(text) if settings.SMS_ASCII else text


class BaseSmsBackend:
    """Shared constructor: `fail_silently` swallows delivery errors (returns 0)."""

    def __init__(self, *, fail_silently: bool = False, **kwargs: Any) -> None:
        self.fail_silently = fail_silently

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes each message to a stream (stdout by default)."""

    def __init__(self, *, stream: IO[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def _format(self, message: SmsMessage) -> str:
        return f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n"

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        with self._lock:
            try:
                for message in messages:
                    self.stream.write(self._format(message))
                self.stream.flush()
            except OSError as exc:
                if not self.fail_silently:
                    raise SmsDeliveryError(str(exc)) from exc
                return 0
        return len(messages)


class FileSmsBackend(ConsoleSmsBackend):
    """One UTF-8 file per message in SMS_FILE_PATH (or `file_path`)."""

    def __init__(self, *, file_path: str | Path | None = None, **kwargs: Any) -> None:
        super().__init__(stream=sys.stdout, **kwargs)
        path = file_path or getattr(settings, "SMS_FILE_PATH", None)
        if not path:
            raise ImproperlyConfigured("FileSmsBackend needs SMS_FILE_PATH.")
        self.file_path = Path(path)
        if self.file_path.exists() and not self.file_path.is_dir():
            raise ImproperlyConfigured(
                f"SMS_FILE_PATH {self.file_path} exists and is not a folder."
            )

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        sent = 0
        try:
            self.file_path.mkdir(parents=True, exist_ok=True)
            for message in messages:
                stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
                name = f"{stamp}-{uuid.uuid4().hex[:12]}.txt"
                (self.file_path / name).write_text(
                    self._format(message), encoding="utf-8"
                )
                sent += 1
        except OSError as exc:
            if not self.fail_silently:
                raise SmsDeliveryError(str(exc)) from exc
        return sent


def get_sms_backend(
    backend: str | None = None, *, fail_silently: bool = False, **kwargs: Any
) -> SmsBackend:
    """An instance of the configured (or the named) backend class."""
    path = backend or settings.SMS_BACKEND
    try:
        klass = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SMS_BACKEND {path!r} cannot be imported.") from exc
    return klass(fail_silently=fail_silently, **kwargs)


def send_sms(
    *,
    to: str,
    body: str,
    backend: SmsBackend | None = None,
    fail_silently: bool = False,
) -> int:
    """Send one text message; returns how many were sent (0 or 1).

    Raises ValidationError for a number that is not a Vietnamese mobile number and
    SmsDeliveryError when the backend could not deliver (unless `fail_silently`).
    """
    number = mobile_number(to)
    if number is None:
        raise ValidationError(
            _("“%(phone)s” không phải số điện thoại di động Việt Nam hợp lệ.")
            % {"phone": to},
            code="invalid_mobile",
        )
    text = sms_text(body)
    if not text:
        raise ValidationError(_("Tin nhắn không có nội dung."), code="empty_sms")
    connection = backend or get_sms_backend(fail_silently=fail_silently)
    return connection.send_messages([SmsMessage(to=number, body=text)])
