"""One register page (core/register.html) serves the incoming and the outgoing
register books (issue 9, duplication D4/D5): same filters, export, print."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "table_id", "back"),
    [
        (
            "/backoffice/van-ban-den/so/",
            "incoming-register",
            "/backoffice/van-ban-den/",
        ),
        ("/backoffice/van-ban-di/so/", "outgoing-register", "/backoffice/van-ban-di/"),
    ],
)
def test_both_registers_extend_the_one_register_page(
    office,
    verified_client,
    url,
    table_id,
    back,
):
    response = verified_client(office.clerk).get(url)

    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "core/register.html" in names
    html = response.content.decode()
    assert f'id="{table_id}"' in html
    assert f'href="{back}"' in html
    assert 'id="print-register"' in html and "core/print.js" in html
    assert html.count('name="agency"') == 1
