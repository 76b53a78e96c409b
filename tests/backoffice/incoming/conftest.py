"""Fixtures of the incoming-document tests: signed PDFs of the test PKI, a desk
with its staff, e-mails with attachments, and real IMAP (dovecot) and SMTP
(aiosmtpd) servers on free loopback ports."""

import datetime as dt
import os
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest

from backoffice.core.constants import Role
from backoffice.core.models import Agency
from backoffice.incoming.models import IncomingDocument
from backoffice.signatures.event_loop import outside_event_loop
from backoffice.signatures.signing import pdf_sign
from tests.backoffice.incoming.servers import (
    ServerUnavailable,
    dovecot_server,
    smtp_server,
)
from tests.fixtures.signatures import flip, make_pdf

# 10:00 on Monday 2 March 2026, Vietnam time: inside office hours on a working day.
OFFICE_MOMENT = dt.datetime(
    2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))
)


def _server_or_fail(exc: ServerUnavailable) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"Test server could not start in CI: {exc}")
    pytest.skip(str(exc))


@pytest.fixture(scope="session")
def pdfs(test_pki) -> dict[str, bytes]:
    """One-page PDFs: signed by a trusted key, by an untrusted one, tampered
    after signing, unsigned, and one stamped secret (MẬT)."""
    plain = make_pdf(
        [
            "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG",
            "Số: 15/UBND-VP",
            "V/v triển khai tiếp nhận văn bản điện tử",
        ]
    )
    # pyHanko runs asyncio.run(): hide a browser test's running loop.
    signed = outside_event_loop(
        lambda: pdf_sign(pdf_bytes=plain, signer=test_pki.leader, reason="Ban hành")
    )
    foreign = outside_event_loop(
        lambda: pdf_sign(pdf_bytes=plain, signer=test_pki.foreign, reason="Ban hành")
    )
    # The unsigned original is a prefix of the signed file: a byte of its first
    # stream changed after signing.
    offset = plain.index(b"stream") + 12
    return {
        "signed": signed,
        "foreign": foreign,
        "tampered": flip(signed, offset),
        "unsigned": plain,
        "secret": make_pdf(["ỦY BAN NHÂN DÂN TỈNH", "MẬT", "Số: 07/UBND-NC"]),
    }


@pytest.fixture(autouse=True)
def _isolated_trust(isolated_trust_settings: None) -> None:
    """No trust roots leak in from the environment."""


@pytest.fixture
def desk(agency_tree, make_staff, trust_root) -> dict[str, Any]:
    """The Sở TT&TT desk: a clerk, a leader, two specialists; the trust root."""
    agency: Agency = agency_tree["ict"]
    agency.email = "vanthu@so-tttt.example.vn"
    agency.save()
    return {
        "agency": agency,
        "clerk": make_staff("vanthu", agency=agency, role=Role.CLERK),
        "leader": make_staff("lanhdao", agency=agency, role=Role.LEADER),
        "specialist": make_staff("chuyenvien", agency=agency, role=Role.SPECIALIST),
        "specialist2": make_staff("chuyenvien2", agency=agency, role=Role.SPECIALIST),
        "outsider": make_staff(
            "vanthu-tp", agency=agency_tree["justice"], role=Role.CLERK
        ),
    }


def make_mail(
    *,
    attachments: list[tuple[str, bytes, str]],
    sender: str = "vanthu@ubnd.soctrang.example.vn",
    subject: str = "Công văn số 15/UBND-VP về tiếp nhận văn bản điện tử",
    message_id: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Văn thư UBND tỉnh <{sender}>"
    message["To"] = "vanthu@so-tttt.example.vn"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="ubnd.soctrang.example.vn")
    message["Date"] = "Mon, 02 Mar 2026 10:00:00 +0700"
    message.set_content("Kính gửi Sở Thông tin và Truyền thông.")
    for name, content, media_type in attachments:
        main, sub = media_type.split("/")
        message.add_attachment(content, maintype=main, subtype=sub, filename=name)
    return message.as_bytes()


@pytest.fixture
def mail_factory() -> Callable[..., bytes]:
    return make_mail


@pytest.fixture
def imap_server() -> Iterator[Any]:
    try:
        with dovecot_server() as server:
            yield server
    except ServerUnavailable as exc:
        _server_or_fail(exc)


@pytest.fixture
def smtp(settings) -> Iterator[Any]:
    """Django's SMTP backend pointed at a real aiosmtpd server."""
    try:
        context = smtp_server()
        server = context.__enter__()
    except (OSError, RuntimeError) as exc:
        _server_or_fail(ServerUnavailable(str(exc)))
        return
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield server
    finally:
        context.__exit__(None, None, None)


def reload(document: IncomingDocument) -> IncomingDocument:
    return IncomingDocument.objects.get(pk=document.pk)
