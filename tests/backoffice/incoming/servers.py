"""Real mail servers on loopback for the incoming tests (and the bench).

IMAP: Debian's dovecot-imapd, started with a throwaway configuration in a
temporary directory: plaintext login on 127.0.0.1 and a free port, a passwd-file
with one user, Maildir storage in the directory. Dovecot refuses to run its login
processes as root, so when the tests run as root the server runs as `nobody`
(the directory is handed to that user); otherwise as the current user.

SMTP: aiosmtpd's Controller on a free port, keeping every delivered message.
"""

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


class ServerUnavailable(RuntimeError):
    """The server could not be started here."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ImapServer:
    host: str
    port: int
    username: str
    password: str
    folder: Path

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.username, self.password)
        return client

    def append(self, raw: bytes, mailbox: str = "INBOX") -> None:
        client = self.client()
        try:
            status, data = client.append(mailbox, None, None, raw)
            if status != "OK":
                raise RuntimeError(f"APPEND failed: {data!r}")
        finally:
            client.logout()

    def append_many(self, messages: list[bytes]) -> None:
        client = self.client()
        try:
            for raw in messages:
                client.append("INBOX", None, None, raw)
        finally:
            client.logout()


def _run_as() -> tuple[str, str, int, int]:
    if os.geteuid() != 0:
        user = pwd.getpwuid(os.geteuid()).pw_name
        group = grp.getgrgid(os.getegid()).gr_name
        return user, group, os.geteuid(), os.getegid()
    entry = pwd.getpwnam("nobody")
    return "nobody", grp.getgrgid(entry.pw_gid).gr_name, entry.pw_uid, entry.pw_gid


DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {user}
}}
service auth-worker {{
  user = {user}
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


@contextlib.contextmanager
def dovecot_server(
    username: str = "vanthu@so-tttt.example.vn",
    password: str = "Mailbox-pass-1",  # noqa: S107 — a throwaway mailbox
) -> Iterator[ImapServer]:
    """A dovecot IMAP server on a free loopback port, stopped on exit."""
    if not Path(DOVECOT).exists():
        raise ServerUnavailable(
            "dovecot is not installed (apt-get install dovecot-imapd)"
        )
    user, group, uid, gid = _run_as()
    root = Path(tempfile.mkdtemp(prefix="motcua-imap-"))
    process = None
    try:
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir()
        (root / "users").write_text(f"{username}:{{PLAIN}}{password}\n")
        for attempt in range(5):
            port = free_port()
            (root / "dovecot.conf").write_text(
                DOVECOT_CONF.format(
                    root=root, user=user, group=group, uid=uid, gid=gid, port=port
                )
            )
            for path in [root, *root.rglob("*")]:
                os.chown(path, uid, gid)
            os.chmod(root, 0o755)  # noqa: S103 — dovecot runs as nobody
            process = subprocess.Popen(  # noqa: S603
                [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
                user=uid if os.geteuid() == 0 else None,
                group=gid if os.geteuid() == 0 else None,
                extra_groups=[] if os.geteuid() == 0 else None,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            server = ImapServer("127.0.0.1", port, username, password, root)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    server.client().logout()
                    break
                except (OSError, imaplib.IMAP4.error):
                    time.sleep(0.1)
            else:
                output = b""
                if process.poll() is not None and process.stdout:
                    output = process.stdout.read()
                log = (
                    (root / "dovecot.log").read_text()
                    if (root / "dovecot.log").exists()
                    else ""
                )
                process.kill()
                process.wait()
                process = None
                if attempt == 4:
                    raise ServerUnavailable(
                        f"dovecot did not start: {output.decode(errors='replace')} {log}"
                    )
                continue
            yield server
            return
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


@contextlib.contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    """aiosmtpd on a free loopback port, keeping the delivered messages."""
    from aiosmtpd.controller import Controller

    server = SmtpServer("127.0.0.1", 0)

    class Handler:
        async def handle_DATA(self, smtp, session, envelope):
            message = message_from_bytes(envelope.content, policy=default_policy)
            message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
            server.messages.append(message)
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    server.port = controller.port
    try:
        yield server
    finally:
        controller.stop()
