"""A clerk keeps an e-file in a real browser: opens it from the catalogue, files a
registered incoming document and a one-stop dossier, closes it (with the
confirmation), has the archive package built and downloads it, which verifies. The catalogue
and the file's page also work at 390 px wide."""

import pytest
from playwright.sync_api import Page, expect

from backoffice.records.models import EFile
from backoffice.records.verify import archive_verify
from tests.backoffice.records import conftest as records
from tests.e2e.conftest import ARTIFACTS
from tests.fixtures.browser import no_horizontal_scroll, sign_in
from tests.fixtures.records import make_incoming

# The records tests' fixtures, under names of this module.
records_desk = records.desk
records_dossier = records.dossier

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def test_clerk_opens_files_closes_and_downloads_an_efile(
    live_server, page: Page, records_desk, records_dossier, celery_eager, tmp_path
) -> None:
    desk, dossier = records_desk, records_dossier
    incoming = make_incoming(desk.agency, 51)
    base = live_server.url
    sign_in(page, base, desk.clerk)

    page.click("#link-records")
    expect(page.locator("h1")).to_contain_text("Danh mục hồ sơ năm")
    expect(page.locator("#catalogue")).to_contain_text("01.HC")
    page.locator("details.open-file summary").first.click()
    page.locator("form.open-form button[type=submit]").first.click()
    expect(page.locator("h1")).to_contain_text(f"01.HC/{desk.entry.year}")
    efile = EFile.objects.get()

    # File the incoming document, found by its number-symbol.
    page.select_option("#id_kind", "incoming")
    page.fill("#id_q", "51/UBND")
    page.click("#search-form button[type=submit]")
    page.locator("#candidates button").first.click()
    expect(page.locator(".messages")).to_contain_text("Đã đưa")
    # And the dossier, found by its code.
    page.select_option("#id_kind", "dossier")
    page.fill("#id_q", dossier.code)
    page.click("#search-form button[type=submit]")
    page.locator("#candidates button").first.click()
    expect(page.locator("#efile-items tbody tr")).to_have_count(2)
    expect(page.locator("#efile-items")).to_contain_text(dossier.code)
    assert efile.items.count() == 2

    # Close: the checkbox and the browser's confirmation.
    page.check("#id_confirm")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#close-efile")
    expect(page.locator("#efile-status")).to_have_text("Đã đóng")
    expect(page.locator("#efile-counts")).to_contain_text("2 /")
    assert incoming.efile_item.efile_id == efile.pk

    # The package is built by the worker (in-process here), then downloaded.
    page.click("#prepare-archive")
    expect(page.locator(".messages")).to_contain_text("Đang tạo gói lưu trữ")
    page.reload()
    with page.expect_download() as download_info:
        page.click("#download-archive-1")
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    report = archive_verify(saved)
    assert report["valid"] is True and report["entries"] > 4

    # Phone width: the catalogue and the file's page fit.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/backoffice/luu-tru/ho-so/{efile.pk}/")
    no_horizontal_scroll(page)
    page.goto(f"{base}/backoffice/luu-tru/")
    no_horizontal_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "efiles-390.png"), full_page=True)
