"""Redis stopped under a running application: signed-in pages still serve (sessions come
from their table, caches miss), changes and sign-ins still work, nothing answers 500; Redis
started again, the cache fills again.

The application is pointed at a redis-server of the test's own (apps/core/tests/faults.py)
with the settings production uses when REDIS_URL is set (REDIS_CACHE_OPTIONS, sessions
through the cache); the machine's Redis is not touched.
"""

import pytest
import redis
from django.conf import settings
from django.test import override_settings

from apps.accounts.models import User
from apps.audit.models import LogEntry
from apps.core.tests.faults import RedisServer
from apps.notifications.models import Notification
from conftest import TEST_PASSWORD, host_client, person

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def on_redis(redis_server):
    """The application's cache and sessions on the test's Redis, as production sets them."""
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
            "KEY_PREFIX": "faults",
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    with override_settings(CACHES=caches, SESSION_ENGINE="apps.accounts.session_store"):
        if redis_server.process is None:
            redis_server.start()
        redis.Redis(port=redis_server.port).flushall()
        yield redis_server
        if redis_server.process is None:
            redis_server.start()


def _keys(server) -> int:
    return redis.Redis(port=server.port).dbsize()


@pytest.fixture
def maria(org_a):
    from apps.clients.tests.conftest import make_client

    return make_client(org_a)


def _pages(maria) -> list[str]:
    return ["/", "/clients/", f"/clients/{maria.pk}/", "/notifications/", "/accounts/profile/"]


def test_signed_in_pages_serve_while_redis_is_down_and_cache_again_once_it_is_back(on_redis, org_a, maria):
    browser = host_client(org_a.primary_host)
    response = browser.post("/accounts/sign-in/", {"email": "admin@alpha.test", "password": TEST_PASSWORD})
    assert response.status_code == 302
    for url in _pages(maria):
        assert browser.get(url).status_code == 200, url
    assert _keys(on_redis) > 0  # the session, the signed-in user, the bell's count…

    on_redis.stop()
    for url in _pages(maria):
        response = browser.get(url)
        # Still signed in (not sent to the sign-in page): the session came from its table.
        assert response.status_code == 200, url
    with org_a:
        # The client's record was opened with the cache down: the access is logged anyway.
        assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(maria.pk)).exists()

    on_redis.start()
    assert _keys(on_redis) == 0  # a Redis that lost everything
    for url in _pages(maria):
        assert browser.get(url).status_code == 200, url
    assert _keys(on_redis) > 0


def test_changes_sign_in_and_sign_out_work_while_redis_is_down(on_redis, org_a):
    admin = person(org_a, "admin")
    with org_a:
        Notification.objects.create(user=admin, notification_type="general.announcement", title="Hello", message="x")
    on_redis.stop()

    browser = host_client(org_a.primary_host)
    response = browser.post("/accounts/sign-in/", {"email": "admin@alpha.test", "password": TEST_PASSWORD})
    assert response.status_code == 302 and "sign-in" not in response["Location"]
    assert browser.get("/accounts/profile/").status_code == 200

    response = browser.post("/notifications/read-all/")
    assert response.status_code in (200, 302)
    with org_a:
        assert not Notification.objects.filter(user=admin, read_at__isnull=True).exists()
        # The user's own record is still read and written through the database.
        assert User.objects.get(pk=admin.pk).last_login is not None

    browser.post("/accounts/sign-out/")
    response = browser.get("/accounts/profile/")
    assert response.status_code == 302 and "sign-in" in response["Location"]

    on_redis.start()
    assert host_client(org_a.primary_host).get("/accounts/sign-in/").status_code == 200
