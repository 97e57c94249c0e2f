"""Rate limits per address on the pages where a secret is guessed (apps.core.throttle)."""

import re

import pytest
from django.core.cache import caches

from apps.core import throttle
from conftest import TEST_PASSWORD

SMALL = {"sign_in": "3/5m", "password_reset": "2/h", "link": "3/h", "feed": "3/h"}


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.THROTTLE_RATES = dict(SMALL)


def _sign_in(client, email="billing@alpha.test", password="not the password", **extra):  # noqa: S107 - a wrong password on purpose
    return client.post("/accounts/sign-in/", {"email": email, "password": password}, **extra)


def test_sign_in_posts_beyond_the_limit_get_a_branded_429_with_retry_after(client_a):
    # Each try names another account: spraying, which the per-account lockout never sees.
    for n in range(3):
        assert _sign_in(client_a, email=f"nobody{n}@alpha.test").status_code == 400
    response = _sign_in(client_a, email="nobody9@alpha.test")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 300
    page = response.content.decode()
    assert "Too many requests" in page
    assert re.search(r"/theme-[0-9a-f]{12}\.css", page)  # the organization's own look, not a bare error


def test_a_refused_sign_in_is_refused_even_with_the_right_password(org_a, client_a):
    for _ in range(3):
        _sign_in(client_a, email="nobody@alpha.test")
    response = _sign_in(client_a, password=TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client_a.session


def test_showing_the_sign_in_page_is_not_counted(client_a):
    for _ in range(10):
        assert client_a.get("/accounts/sign-in/").status_code == 200
    assert _sign_in(client_a, password=TEST_PASSWORD).status_code == 302


def test_the_limit_is_per_address(client_a):
    for _ in range(4):
        _sign_in(client_a, REMOTE_ADDR="203.0.113.7")
    assert _sign_in(client_a, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert _sign_in(client_a, password=TEST_PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_the_limit_is_per_host_organizations_and_platform_apart(client_a, client_b, public_client):
    for _ in range(4):
        _sign_in(client_a)
    assert _sign_in(client_a).status_code == 429
    assert _sign_in(client_b, email="billing@beta.test", password=TEST_PASSWORD).status_code == 302
    assert _sign_in(public_client, email="nobody@example.org").status_code == 400


def test_the_platform_host_sign_in_is_limited_too(public_client):
    for _ in range(3):
        assert _sign_in(public_client, email="nobody@example.org").status_code == 400
    assert _sign_in(public_client, email="nobody@example.org").status_code == 429


def test_a_forwarded_address_is_ignored_unless_a_setting_trusts_the_proxy(client_a, settings):
    # Untrusted, a made-up X-Forwarded-For per request changes nothing: REMOTE_ADDR counts.
    for n in range(3):
        _sign_in(client_a, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert _sign_in(client_a, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429

    # Behind our proxy: the address it appended (right-most) is the client.
    settings.THROTTLE_TRUST_X_FORWARDED_FOR = True
    assert _sign_in(client_a, HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.50").status_code == 400
    for _ in range(3):
        _sign_in(client_a, HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.60")
    assert _sign_in(client_a, HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.60").status_code == 429
    assert _sign_in(client_a, HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.61").status_code == 400


def test_password_reset_requests_are_limited(client_a, mailoutbox):
    for _ in range(2):
        assert client_a.post("/accounts/password/reset/", {"email": "billing@alpha.test"}).status_code == 302
    response = client_a.post("/accounts/password/reset/", {"email": "billing@alpha.test"})
    assert response.status_code == 429
    assert len(mailoutbox) == 2
    assert client_a.get("/accounts/password/reset/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/MQ/not-a-token/",
        "/accounts/invitation/MQ/not-a-token/",
        "/accounts/verify-email/MQ/not-a-token/",
        "/documentation/sign/not-a-token/",
        "/scheduling/feed/not-a-token.ics",
    ],
)
def test_guessing_tokens_in_links_is_limited_get_requests_included(client_a, path):
    for _ in range(3):
        assert client_a.get(path).status_code != 429
    response = client_a.get(path)
    assert response.status_code == 429
    assert response["Retry-After"]


def test_the_platform_host_links_are_limited_too(public_client):
    for _ in range(3):
        assert public_client.get("/accounts/invitation/MQ/not-a-token/").status_code == 400
    assert public_client.get("/accounts/invitation/MQ/not-a-token/").status_code == 429


def test_htmx_requests_get_a_429_fragment_not_a_whole_page(client_a):
    for _ in range(3):
        _sign_in(client_a)
    response = _sign_in(client_a, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    body = response.content.decode()
    assert "too many requests" in body.lower()
    assert "<html" not in body
    assert response["Retry-After"]


def test_the_429_page_is_in_the_visitors_language(client_a):
    client_a.cookies["django_language"] = "es"
    for _ in range(3):
        _sign_in(client_a)
    response = _sign_in(client_a)
    assert response.status_code == 429
    assert "Demasiadas solicitudes" in response.content.decode()


def test_counts_are_kept_in_the_shared_cache_while_it_works(client_a):
    for _ in range(3):
        _sign_in(client_a)
    # Not in this process: forgetting the local counts changes nothing.
    throttle.clear_local()
    assert _sign_in(client_a).status_code == 429


@pytest.mark.parametrize("ignoring_errors", [False, True], ids=["raising", "as-configured-ignoring-errors"])
def test_with_the_cache_down_counting_carries_on_in_the_process(client_a, settings, ignoring_errors):
    # A real Redis client pointed at a port where nothing listens (this checkout's spare
    # range): every cache call fails as it would with Redis stopped. Configured as the
    # project configures Redis, the client swallows the error and answers None instead.
    options = {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": ignoring_errors}
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:8089/0",
            "OPTIONS": options,
        },
    }
    settings.THROTTLE_CACHE = "down"
    if not ignoring_errors:
        with pytest.raises(Exception):  # noqa: B017 - whichever error the client raises
            caches["down"].get("anything")
    for _ in range(3):
        assert _sign_in(client_a).status_code == 400
    assert _sign_in(client_a).status_code == 429
    # The counts were this process's: forgetting them lets the address in again.
    throttle.clear_local()
    assert _sign_in(client_a, password=TEST_PASSWORD).status_code == 302


def test_a_rate_that_does_not_parse_fails_the_system_check(settings):
    settings.THROTTLE_RATES = {"sign_in": "thirty a minute"}
    errors = throttle.check_rates()
    assert [e.id for e in errors] == ["starline.E101"]


@pytest.mark.parametrize(
    ("text", "limit", "seconds"), [("30/5m", 30, 300), ("10/h", 10, 3600), ("100/60", 100, 60), ("0/m", 0, 60)]
)
def test_rates_read_as_count_per_period(text, limit, seconds):
    assert throttle.Rate.parse(text) == throttle.Rate(limit=limit, seconds=seconds)


def test_a_limit_of_zero_turns_a_throttle_off(client_a, settings):
    settings.THROTTLE_RATES = {**SMALL, "sign_in": "0/m"}
    for n in range(6):
        assert _sign_in(client_a, email=f"nobody{n}@alpha.test").status_code == 400
