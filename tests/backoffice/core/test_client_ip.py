"""One client address for every throttle and lockout (backoffice.core.net).

Behind TRUSTED_PROXY_COUNT proxies the client is read from X-Forwarded-For; with
none configured the header is ignored, whatever a client writes in it. The
throttle counters live in the shared "throttle" cache, not in a process's memory.
"""

from django.core.cache import caches
from django.test import Client, RequestFactory

import pytest

from backoffice.accounts.models import User
from backoffice.core.net import UNKNOWN_ADDRESS, client_ip

LOOKUP = "/api/v1/dossiers/KHONG-CO-20260101-0000001/status"


@pytest.fixture(autouse=True)
def _empty_throttle_cache():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def request(remote: str = "10.0.0.1", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        # No proxy: the socket address, a forged header changes nothing.
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        (0, "203.0.113.7", None, "203.0.113.7"),
        # One proxy: the address it appended, the last one.
        (1, "10.0.0.1", "198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.1", " 6.6.6.6 ,198.51.100.1 ", "198.51.100.1"),
        # Two proxies: the second from the right; what the client wrote is left.
        (2, "10.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        # Fewer hops than proxies, a missing or broken header: the socket address.
        (2, "10.0.0.1", "198.51.100.1", "10.0.0.1"),
        (1, "10.0.0.1", None, "10.0.0.1"),
        (1, "10.0.0.1", "", "10.0.0.1"),
        (1, "10.0.0.1", "not-an-address", "10.0.0.1"),
        # Ports some proxies add; IPv6; IPv4-mapped IPv6.
        (1, "10.0.0.1", "198.51.100.1:51234", "198.51.100.1"),
        (1, "10.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
        (1, "10.0.0.1", "2001:DB8:0::1", "2001:db8::1"),
        (0, "::ffff:203.0.113.7", None, "203.0.113.7"),
        # No socket address at all (a Unix socket): one shared bucket.
        (0, "", None, UNKNOWN_ADDRESS),
    ],
)
def test_client_ip(settings, count, remote, forwarded, expected) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request(remote, forwarded)) == expected


def test_every_throttle_and_the_login_lockout_use_it(settings) -> None:
    assert settings.RATELIMIT_IP_META_KEY == "backoffice.core.net.client_ip"
    assert settings.AXES_CLIENT_IP_CALLABLE == "backoffice.core.net.client_ip"
    assert settings.RATELIMIT_USE_CACHE == "throttle"
    assert "throttle" in settings.CACHES


def statuses(client: Client, count: int, **headers: str) -> list[int]:
    return [client.get(LOOKUP, **headers).status_code for _ in range(count)]


@pytest.mark.django_db
def test_clients_behind_the_proxy_get_separate_buckets(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.DOSSIER_LOOKUP_RATE = "3/m"
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert statuses(proxy, 4, **first) == [404, 404, 404, 429]
    # Another citizen behind the same proxy still has the whole allowance.
    assert statuses(proxy, 4, **second) == [404, 404, 404, 429]
    # A client cannot escape its bucket by prepending addresses of its own.
    forged = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.1"}
    assert statuses(proxy, 1, **forged) == [429]


@pytest.mark.django_db
def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    settings.DOSSIER_LOOKUP_RATE = "3/m"
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [
        client.get(LOOKUP, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert answers == [404, 404, 404, 429, 429]


@pytest.mark.django_db
def test_throttle_counters_live_in_the_shared_throttle_cache(settings, tmp_path):
    """Each gunicorn worker has its own memory: a count kept there lets every
    worker answer the full allowance. The counters belong in CACHES["throttle"]
    (Redis in production; here a file cache every process would share), and a
    process whose own memory is empty still sees them."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "this-process-only",
        },
        "throttle": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "throttle"),
        },
    }
    settings.DOSSIER_LOOKUP_RATE = "3/m"
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert statuses(client, 3) == [404, 404, 404]
    caches["default"].clear()  # as if the next request reached another worker
    assert statuses(client, 1) == [429]
    assert any((tmp_path / "throttle").iterdir())


@pytest.mark.django_db
def test_login_lockout_keys_on_the_client_behind_the_proxy(settings) -> None:
    """django-axes locks a username + client address out; behind a proxy the
    client address, not the proxy's, or one person locks out everybody."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3
    password = "Công-dân-2026!"
    User.objects.create_user(
        username="an@example.vn", email="an@example.vn", password=password
    )
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    attacker = {"HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for _ in range(3):
        proxy.post(
            "/tai-khoan/dang-nhap/",
            {"username": "an@example.vn", "password": "sai"},
            **attacker,
        )
    locked = proxy.post(
        "/tai-khoan/dang-nhap/",
        {"username": "an@example.vn", "password": password},
        **attacker,
    )
    assert locked.status_code == 429
    owner = Client(REMOTE_ADDR="10.0.0.1").post(
        "/tai-khoan/dang-nhap/",
        {"username": "an@example.vn", "password": password},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert owner.status_code == 302
