"""A real OpenID Connect provider for tests: node-oidc-provider (server.mjs)
started on a free loopback port, and a helper that plays the citizen at its
login and consent pages over HTTP.

`npm ci` in this folder installs it (scripts/install does so when node is
present). A provider that cannot start fails the test: it is never skipped.
"""

import json
import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

HERE = Path(__file__).resolve().parent
START_TIMEOUT = 30

CLIENT_ID = "motcua-portal"
CLIENT_SECRET = "motcua-portal-secret"
OTHER_CLIENT_ID = "other-portal"
OTHER_CLIENT_SECRET = "other-portal-secret"
SUBJECT = "vneid-000001"
PASSWORD = "Vneid@2026"
CITIZEN_ID = "079090001234"
ACCOUNTS = {
    SUBJECT: {
        "password": PASSWORD,
        "claims": {
            "name": "Trần Thị Mai",
            "citizen_id": CITIZEN_ID,
            "email": "mai@example.vn",
            "email_verified": True,
        },
    },
    "vneid-000002": {
        "password": PASSWORD,
        "claims": {"name": "Không Số", "citizen_id": "12345"},
    },
}


@dataclass
class OIDCProvider:
    issuer: str
    discovery: dict[str, Any]
    log: Path
    clients: list[dict[str, Any]] = field(default_factory=list)

    def django_settings(self) -> dict[str, Any]:
        """Settings that point the portal at this provider as client A."""
        return {
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_PROVIDER_NAME": "VNeID",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.discovery["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": self.discovery["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": self.discovery["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": self.discovery["jwks_uri"],
        }


def _clients(redirect_uris: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "client_id": client_id,
            "client_secret": secret,
            "client_name": name,
            "redirect_uris": redirect_uris,
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
        }
        for client_id, secret, name in (
            (CLIENT_ID, CLIENT_SECRET, "Cổng Một Cửa"),
            (OTHER_CLIENT_ID, OTHER_CLIENT_SECRET, "Cổng khác"),
        )
    ]


@contextmanager
def oidc_provider_running(
    tmp_path: Path, redirect_uris: list[str]
) -> Iterator[OIDCProvider]:
    """Start the provider with clients A and B on `redirect_uris`; stop it after."""
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "The test OIDC provider is not installed: node and `npm ci` in "
            "tests/support/oidc/ are needed (scripts/install does this)."
        )
    clients = _clients(redirect_uris)
    log = tmp_path / "oidc-provider.log"
    env = {
        **os.environ,
        "OIDC_TEST_CONFIG": json.dumps(
            {"clients": clients, "accounts": ACCOUNTS, "id_claim": "citizen_id"}
        ),
    }
    with log.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 — fixed argv, test-only
            [node, str(HERE / "server.mjs")],
            cwd=HERE,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    try:
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
        line = process.stdout.readline() if ready else b""
        if not line:
            pytest.fail(
                f"The test OIDC provider did not start: {log.read_text()[-2000:]}"
            )
        issuer = json.loads(line)["issuer"]
        discovery = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=10
        ).json()
        yield OIDCProvider(issuer=issuer, discovery=discovery, log=log, clients=clients)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def citizen_consents(
    authorize_url: str,
    *,
    redirect_prefix: str,
    login: str = SUBJECT,
    password: str = PASSWORD,
) -> str:
    """Play the citizen at the provider: log in and consent, over HTTP. Returns
    the address the provider sends the browser back to (redirect_uri?code&state)."""
    session = requests.Session()
    url = authorize_url
    for _ in range(20):
        if url.startswith(redirect_prefix):
            return url
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            continue
        response.raise_for_status()
        action = "login" if 'name="login"' in response.text else "confirm"
        data = {"login": login, "password": password} if action == "login" else {}
        response = session.post(
            f"{url.rstrip('/')}/{action}", data=data, allow_redirects=False, timeout=10
        )
        if not response.is_redirect:
            raise AssertionError(f"The provider refused {action}: {response.text}")
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("The provider never redirected back.")
