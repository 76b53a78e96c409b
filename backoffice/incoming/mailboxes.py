"""Agency mailboxes read over IMAP (hộp thư công vụ).

The password is stored encrypted with a key derived from INCOMING_MAILBOX_KEY (or
SECRET_KEY when that is empty), or read from the environment variable named on the
mailbox. A poll reads the messages after the last UID seen (UIDVALIDITY checked),
stores each with `incoming_mail_receive` and remembers its UID; the Message-ID
keeps a message stored once even if the UIDs are reset. An unreachable server or
a rejected password is logged, recorded on the mailbox for the admin and retried
with exponential backoff.
"""

import base64
import contextlib
import datetime as dt
import hashlib
import imaplib
import logging
import os
import re
import ssl
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cryptography.fernet import Fernet, InvalidToken

from backoffice.core.services import audit_record, snapshot

from .checks import IncomingRejected
from .mail import incoming_mail_receive
from .models import IncomingMailbox

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 6 * 3600
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


class MailboxError(Exception):
    """The mailbox cannot be read now (unreachable, login refused, no folder)."""


def _fernet() -> Fernet:
    material = getattr(settings, "INCOMING_MAILBOX_KEY", "") or settings.SECRET_KEY
    if not material:
        raise MailboxError(_("Chưa cấu hình khóa mã hóa mật khẩu hộp thư."))
    digest = hashlib.sha256(b"motcua-incoming-mailbox:" + material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def mailbox_password_encrypt(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode()


def mailbox_password(mailbox: IncomingMailbox) -> str:
    """The password: from the named environment variable, else decrypted."""
    if mailbox.password_env:
        value = os.environ.get(mailbox.password_env)
        if value is None:
            raise MailboxError(
                _("Biến môi trường %(name)s (mật khẩu hộp thư) chưa được đặt.")
                % {"name": mailbox.password_env}
            )
        return value
    try:
        return _fernet().decrypt(mailbox.password_encrypted.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise MailboxError(
            _("Không giải mã được mật khẩu hộp thư (khóa mã hóa đã đổi?).")
        ) from exc


@transaction.atomic
def mailbox_save(
    *,
    mailbox: IncomingMailbox,
    actor: AbstractBaseUser | None,
    password: str | None = None,
) -> IncomingMailbox:
    """Create or update a mailbox; `password` (if given) is stored encrypted.
    Validates (ValidationError, nothing saved) and audits without the secret."""
    before = (
        snapshot(IncomingMailbox.objects.get(pk=mailbox.pk)) if mailbox.pk else None
    )
    if password:
        mailbox.password_encrypted = mailbox_password_encrypt(password)
    mailbox.full_clean()
    mailbox.next_poll_at = None
    mailbox.failures, mailbox.last_error = 0, ""
    mailbox.save()
    after = snapshot(mailbox)
    for facts in (before, after):
        if facts:
            facts.pop("password_encrypted", None)
    audit_record(
        actor=actor,
        action="incomingmailbox.created"
        if before is None
        else "incomingmailbox.updated",
        obj=mailbox,
        before=before,
        after={**after, "password_changed": bool(password)},
        agency=mailbox.agency,
    )
    return mailbox


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    documents: int = 0
    error: str = ""

    def as_dict(self) -> dict[str, int | str]:
        return asdict(self)


def _connect(mailbox: IncomingMailbox) -> imaplib.IMAP4:
    timeout = float(getattr(settings, "INCOMING_MAILBOX_TIMEOUT", 30))
    if mailbox.use_ssl:
        context = ssl.create_default_context()
        return imaplib.IMAP4_SSL(
            mailbox.host, mailbox.port, ssl_context=context, timeout=timeout
        )
    return imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)


def mailboxes_due(*, now: dt.datetime | None = None) -> list[int]:
    """Active mailboxes whose next poll time has come."""
    moment = now or timezone.now()
    return list(
        IncomingMailbox.objects.filter(is_active=True)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=moment))
        .values_list("pk", flat=True)
    )


def incoming_mailbox_poll(
    *, mailbox_id: int, now: dt.datetime | None = None
) -> PollResult:
    """Read the new messages of one mailbox into its agency's desk.

    Never raises for the server's faults: they are logged, kept on the mailbox
    (`last_error`, `failures`) and the next poll is pushed back exponentially.
    """
    mailbox = IncomingMailbox.objects.select_related("agency").get(pk=mailbox_id)
    result = PollResult()
    try:
        _poll(mailbox, result, now)
    except (MailboxError, imaplib.IMAP4.error, OSError, TimeoutError) as exc:
        result.error = str(exc) or exc.__class__.__name__
        failures = mailbox.failures + 1
        delay = min(mailbox.poll_interval * 2 ** min(failures, 16), MAX_BACKOFF_SECONDS)
        logger.warning(
            "Mailbox %s (%s) failed (%s times): %s",
            mailbox.pk,
            mailbox.agency.code,
            failures,
            result.error,
        )
        IncomingMailbox.objects.filter(pk=mailbox.pk).update(
            failures=failures,
            last_error=result.error[:2000],
            last_polled_at=timezone.now(),
            next_poll_at=timezone.now() + dt.timedelta(seconds=delay),
        )
        return result
    IncomingMailbox.objects.filter(pk=mailbox.pk).update(
        failures=0,
        last_error="",
        last_polled_at=timezone.now(),
        next_poll_at=timezone.now() + dt.timedelta(seconds=mailbox.poll_interval),
    )
    return result


def _poll(
    mailbox: IncomingMailbox, result: PollResult, now: dt.datetime | None
) -> None:
    password = mailbox_password(mailbox)
    client = _connect(mailbox)
    try:
        try:
            client.login(mailbox.username, password)
        except imaplib.IMAP4.error as exc:
            raise MailboxError(
                _("Máy chủ thư từ chối đăng nhập: %(error)s") % {"error": _text(exc)}
            ) from exc
        status, _data = client.select(_quote(mailbox.folder), readonly=True)
        if status != "OK":
            raise MailboxError(
                _("Không mở được thư mục “%(folder)s”.") % {"folder": mailbox.folder}
            )
        validity = _uid_validity(client, mailbox.folder)
        last_uid = mailbox.last_uid if validity == mailbox.uid_validity else 0
        if validity != mailbox.uid_validity:
            IncomingMailbox.objects.filter(pk=mailbox.pk).update(
                uid_validity=validity, last_uid=0
            )
        status, data = client.uid("SEARCH", None, f"UID {last_uid + 1}:*")
        if status != "OK":
            raise MailboxError(_("Máy chủ thư không trả lời lệnh tìm thư."))
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > last_uid)
        for uid in uids:
            raw = _fetch(client, uid)
            result.fetched += 1
            try:
                intake = incoming_mail_receive(agency=mailbox.agency, raw=raw, now=now)
            except IncomingRejected as exc:
                logger.warning("Mailbox %s UID %s skipped: %s", mailbox.pk, uid, exc)
            else:
                if intake.created:
                    result.stored += 1
                    result.documents += len(intake.documents)
                else:
                    result.duplicates += 1
            IncomingMailbox.objects.filter(pk=mailbox.pk).update(last_uid=uid)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def _fetch(client: imaplib.IMAP4, uid: int) -> bytes:
    status, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if status != "OK":
        raise MailboxError(_("Không tải được thư UID %(uid)s.") % {"uid": uid})
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    raise MailboxError(_("Không tải được thư UID %(uid)s.") % {"uid": uid})


def _uid_validity(client: imaplib.IMAP4, folder: str) -> int:
    _typ, data = client.response("UIDVALIDITY")
    for item in data or []:
        if item and item.isdigit():
            return int(item)
    status, data = client.status(_quote(folder), "(UIDVALIDITY)")
    match = _UIDVALIDITY.search(data[0] or b"") if status == "OK" and data else None
    return int(match.group(1)) if match else 0


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(exc: BaseException) -> str:
    value = exc.args[0] if exc.args else exc
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
