"""Content-Security-Policy and Permissions-Policy on every page (issue 8.12)."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    return {
        part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_pages_forbid_inline_and_foreign_script(client) -> None:
    response = client.get("/tai-khoan/dang-nhap/")
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["default-src"]
    assert "camera=()" in response["Permissions-Policy"]


def test_no_template_carries_inline_script_or_handlers() -> None:
    """What the policy forbids must not be written: it would silently not run."""
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            if "application/json" not in match.group(0):
                offenders.append(f"{path}: {match.group(0)}")
        offenders += [f"{path}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
    assert offenders == []
