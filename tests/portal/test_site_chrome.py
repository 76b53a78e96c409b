"""Issue 15: the frame of every page — sign-out, skip link, titles, phone menu —
the site's own 404/500 pages, and the API's index at /api/v1/."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.db import OperationalError

import pytest

pytestmark = pytest.mark.django_db

SITE = "Cổng dịch vụ công Một Cửa"
ROOT = Path(__file__).resolve().parents[2]


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_a_signed_in_citizen_has_a_sign_out_button_that_signs_out(
    signed_in_citizen,
) -> None:
    html = signed_in_citizen.get("/").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*id="sign-out"', html)
    assert form and form.group(1) == "/tai-khoan/dang-xuat/"
    assert "Đăng xuất" in html
    assert signed_in_citizen.post(form.group(1)).status_code == 302
    after = signed_in_citizen.get("/").content.decode()
    assert 'id="sign-out"' not in after and "Đăng nhập" in after


def test_signed_in_staff_have_a_sign_out_button(
    verified_client, make_staff, agency_tree
) -> None:
    client = verified_client(make_staff("tiepnhan", agency=agency_tree["ward"]))
    html = client.get("/backoffice/").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*id="sign-out"', html)
    assert form and form.group(1) == "/backoffice/account/logout/"
    client.post(form.group(1))
    assert client.get("/backoffice/").status_code == 302  # back to the login page


def test_every_page_has_a_skip_link_a_menu_button_and_a_titled_main(client) -> None:
    html = client.get("/").content.decode()
    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    assert '<main id="main" tabindex="-1">' in html
    assert re.search(
        r'<button type="button" class="menu-toggle" aria-expanded="false" '
        r'aria-controls="site-nav"',
        html,
    )
    assert 'id="site-nav"' in html
    assert title(html).endswith(f" — {SITE}")


@pytest.mark.parametrize(
    "path", ["/", "/thu-tuc/", "/tra-cuu-ho-so/", "/tai-khoan/dang-nhap/"]
)
def test_page_titles_are_the_page_then_the_site_name_once(client, path) -> None:
    text = title(client.get(path).content.decode())
    head, _, site = text.rpartition(" — ")
    assert site == SITE and head and SITE not in head


def test_a_procedure_page_title_names_the_procedure(client, birth_registration) -> None:
    html = client.get(f"/thu-tuc/{birth_registration.code}/").content.decode()
    assert title(html) == f"{birth_registration.name} — {SITE}"


def test_an_unknown_page_is_the_sites_own_404(client) -> None:
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="not-found"' in html and 'class="site-header"' in html
    assert title(html) == f"Không tìm thấy trang — {SITE}"
    assert "Traceback" not in html and "DEBUG" not in html


def test_an_unknown_api_address_keeps_the_api_error_body(client) -> None:
    response = client.get("/api/v1/khong-co/", follow=True)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "/api/v1/" in response.json()["detail"]


def test_the_api_root_is_an_index_with_a_link_to_its_docs(client) -> None:
    response = client.get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    assert body["docs"] == "http://testserver/api/v1/docs"
    assert body["openapi"] == "http://testserver/api/v1/openapi.json"
    paths = {e["path"] for e in body["endpoints"]}
    assert "/api/v1/procedures" in paths and "/api/v1/dossiers/{code}/status" in paths
    assert client.get("/api/v1/docs").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    for path in paths:  # the index lists only operations that exist
        assert path in schema["paths"]


def test_the_500_page_has_the_sites_look_without_the_database(rf) -> None:
    from backoffice.core.errors import server_error

    try:
        raise RuntimeError("bí mật")
    except RuntimeError:
        response = server_error(rf.get("/thu-tuc/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert 'class="site-header"' in html and "/static/portal/site.css" in html
    assert "bí mật" not in html
    try:
        raise OperationalError("down")
    except OperationalError:
        assert server_error(rf.get("/")).status_code == 503


def test_the_readme_run_does_not_debug(tmp_path) -> None:
    """config.settings.dev (scripts/run's default) must not show tracebacks."""
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", VAR_DIR=str(tmp_path))
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


def test_public_form_templates_are_served_but_dossier_files_are_not(
    client, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "procedures" / "templates").mkdir(parents=True)
    (tmp_path / "procedures" / "templates" / "to-khai.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "dossiers" / "X").mkdir(parents=True)
    (tmp_path / "dossiers" / "X" / "cccd.pdf").write_bytes(b"%PDF-1.7 private")
    ok = client.get("/media/procedures/templates/to-khai.pdf")
    assert ok.status_code == 200
    assert client.get("/media/dossiers/X/cccd.pdf", follow=True).status_code == 404


def test_the_portal_pages_headings_go_through_the_catalogue(
    client, monkeypatch
) -> None:
    """The home, catalogue and library pages are made by migrations with Vietnamese
    titles; their headings and <title> are translated like every other string."""
    from django.utils import translation

    from portal.models import DocumentIndexPage, HomePage, ProcedureIndexPage

    strings = (ROOT / "portal/templates/portal/_page_strings.html").read_text()
    pages = [HomePage, ProcedureIndexPage, DocumentIndexPage]
    for model in pages:
        page = model.objects.get()
        assert f'{{% trans "{page.title}" as' in strings
        assert f'{{% trans "{page.intro}" as' in strings

    real = translation._trans.gettext
    monkeypatch.setattr(
        translation._trans,
        "gettext",
        lambda message: {"Thủ tục hành chính": "Administrative procedures"}.get(
            message, real(message)
        ),
    )
    html = client.get("/en/thu-tuc/").content.decode()
    assert "<h1>Administrative procedures</h1>" in html
    assert title(html).startswith("Administrative procedures — ")
