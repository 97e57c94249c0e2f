"""Shared test fixtures.

Two organizations (alpha and beta) are provisioned once per test session, by cloning the
template schema exactly as production does, and committed, each with one active user per
system role (`admin@alpha.test`, `dsp@alpha.test`, …) and an `outsider@` with no role.
Each test then runs inside a transaction that is rolled back, so the suite stays fast as
it grows.
"""

from __future__ import annotations

import datetime as dt
import os
import urllib.parse

import pytest
from django.db import connection
from django.test import Client

from apps.core import fragments, page_cache, throttle
from apps.staff import selectors as staff_selectors
from apps.tenants import host_cache

TEST_PASSWORD = "correct horse battery staple 42"
TEST_ORGANIZATIONS = {
    # STARLINE_TEST_ALPHA_TZ moves alpha to another zone (`make test-times` runs it in US Pacific).
    "alpha": {
        "name": "Alpha Community Living",
        "primary_color": "#7c3aed",
        "timezone": os.environ.get("STARLINE_TEST_ALPHA_TZ") or "America/Chicago",
    },
    "beta": {"name": "Beta Home Care", "primary_color": "#b45309", "timezone": "Europe/Madrid"},
}


def pytest_configure(config):
    _own_redis_database_per_worker()
    _start_the_clock(config)


def _own_redis_database_per_worker() -> None:
    """Under pytest-xdist each worker has a test database of its own (pytest-django appends
    `_gw0`, `_gw1`…), and needs a Redis database of its own too: every test starts with
    `cache.clear()`, a FLUSHDB, which would empty the other worker's cache and sessions in the
    middle of its test. Worker N takes the database N+1 after REDIS_URL's (`.ci/run`'s 1: 2, 3).
    Settings are loaded by now but no cache connection is open yet, and the Celery worker test
    starts its worker on settings.REDIS_URL, so all three names move together."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    from django.conf import settings

    if not worker.startswith("gw") or not settings.REDIS_URL:
        return
    url = urllib.parse.urlsplit(settings.REDIS_URL)
    own = url._replace(path=f"/{int(url.path.strip('/') or 0) + 1 + int(worker[2:])}").geturl()
    if settings.CELERY_BROKER_URL == settings.REDIS_URL:
        settings.CELERY_BROKER_URL = own
    settings.CACHES["default"]["LOCATION"] = own
    settings.REDIS_URL = os.environ["REDIS_URL"] = own


def _start_the_clock(config) -> None:
    """STARLINE_TEST_NOW (an ISO 8601 instant with its offset) starts the whole run at that
    moment, the clock ticking on from there: `make test-times` runs the date-sensitive tests
    at a Sunday 01:00 UTC, daylight-saving change days, New Year's Eve and 29 February, so a
    test that reads the wrong zone's "today" fails here and not on some Sunday night in CI."""
    value = os.environ.get("STARLINE_TEST_NOW")
    if value:
        import time_machine

        instant = dt.datetime.fromisoformat(value)
        if instant.tzinfo is None:
            raise pytest.UsageError("STARLINE_TEST_NOW needs a UTC offset, e.g. 2026-12-06T01:00:00+00:00")
        config._starline_clock = time_machine.travel(instant, tick=True)
        config._starline_clock.start()


def pytest_report_header(config):
    if os.environ.get("STARLINE_TEST_NOW"):
        zone = TEST_ORGANIZATIONS["alpha"]["timezone"]
        return f"clock set to {os.environ['STARLINE_TEST_NOW']} (alpha in {zone})"
    return None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from apps.tenants import services
    from apps.tenants.models import Organization

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for subdomain, spec in TEST_ORGANIZATIONS.items():
            kept = Organization.objects.filter(subdomain=subdomain)
            if kept.exists():
                # A database kept from an earlier run (--reuse-db: `make test-times` keeps one
                # across its instants) takes this run's zone.
                kept.exclude(timezone=spec["timezone"]).update(timezone=spec["timezone"])
            else:
                organization = services.organization_create(
                    subdomain=subdomain,
                    contact_email=f"office@{subdomain}.test",
                    admin_email=f"admin@{subdomain}.test",
                    **spec,
                )
                with organization:
                    _create_people(subdomain)
        connection.set_schema_to_public()
    yield


def _create_people(subdomain: str) -> None:
    from apps.accounts.models import Role, User
    from apps.accounts.seed import DEMO_PEOPLE

    for local, role_name, first, last in [*DEMO_PEOPLE, ("outsider", None, "Otto", "Outside")]:
        role = Role.objects.get(name=role_name) if role_name else None
        user = User.objects.filter(email=f"{local}@{subdomain}.test").first() or User(email=f"{local}@{subdomain}.test")
        user.first_name, user.last_name, user.role = first, last, role
        user.status, user.email_verified = User.Status.ACTIVE, True
        user.set_password(TEST_PASSWORD)
        user.save()
        user.groups.set([role.group] if role else [])


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    # A test's organizations are rolled back with its transaction; cached hosts and pages
    # must not outlive them.
    from django.core.cache import cache

    from apps.accounts import backends

    # The shared cache outlives each test's rolled-back transaction: start empty.
    cache.clear()
    host_cache.clear()
    page_cache.clear()
    fragments.clear()
    staff_selectors.requirements_clear()
    backends.clear()
    # Rate-limit counts (apps.core.throttle) live in the cache above, or in the process
    # when the cache fails: every test starts with none.
    throttle.clear_local()
    yield
    host_cache.clear()
    page_cache.clear()
    backends.clear()
    if hasattr(connection, "set_schema_to_public"):
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _statements_before_commit_run_at_once(request):
    """Audit entries are written with their transaction's COMMIT (apps/core/db), and a test's
    transaction never commits: inside tests they are written at once. apps/audit/tests
    check the queue itself; browser tests, whose server commits, use the real path."""
    marker = request.node.get_closest_marker("django_db")
    if "db" not in request.fixturenames and marker is None:
        yield
        return
    request.getfixturevalue("db")
    connection.run_before_commit_at_once = True
    yield
    connection.run_before_commit_at_once = False


@pytest.fixture
def one_minute():
    """The test runs inside one calendar minute, for tests that count a page's queries.

    A page that shows health information logs the read once a minute per reader
    (apps.audit.services.access_record), so a warm-up request and a counted one on either
    side of a minute's turn differ by that entry's INSERT, whatever the rows: one such test
    failed in CI that way. The clock jumps to the start of the next minute and ticks on from
    there, so the test has a whole minute; it moves forward, never back, so nothing made
    before it (a transaction's now() included) lies in the test's future."""
    import time_machine

    now = dt.datetime.now(dt.UTC)
    with time_machine.travel(now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1), tick=True):
        yield


@pytest.fixture
def org_a(db):
    from apps.tenants.models import Organization

    return Organization.objects.get(subdomain="alpha")


@pytest.fixture
def org_b(db):
    from apps.tenants.models import Organization

    return Organization.objects.get(subdomain="beta")


def host_client(host: str, **kwargs) -> Client:
    return Client(HTTP_HOST=host, **kwargs)


def person(organization, local: str):
    """A user of the organization by the local part of their email (admin, dsp, outsider…)."""
    from apps.accounts.models import User

    with organization:
        return User.objects.select_related("role").get(email=f"{local}@{organization.subdomain}.test")


def signed_in(organization, local: str) -> Client:
    """A client on the organization's host, signed in as that person (no second factor)."""
    client = host_client(organization.primary_host)
    with organization:
        client.force_login(person(organization, local))
    return client


@pytest.fixture
def client_a(org_a) -> Client:
    return host_client(org_a.primary_host)


@pytest.fixture
def client_b(org_b) -> Client:
    return host_client(org_b.primary_host)


@pytest.fixture
def public_client(db) -> Client:
    return host_client("localhost")


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto in server mode: a real HTTP S3 (and KMS) endpoint, started once for the session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto_s3(moto_endpoint, monkeypatch):
    """A boto3 S3 client of the moto server, with the credentials boto3 insists on."""
    import boto3

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    return boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")


pytest_plugins = ["apps.core.tests.browser"]


def pytest_collection_modifyitems(items):
    # pytest-django creates the test database only when some collected test asks for it.
    # Browser tests reach it through the live server, so they ask explicitly: run alone,
    # they would otherwise talk to the development database.
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)
    # The slow files first (a stable sort: each file's tests stay in order). pytest-xdist hands
    # out whole files in this order (the Makefile's --no-loadscope-reorder), so the longest
    # start at once and the short ones fill in around them; otherwise the one-test crawler
    # came last and a worker ran it alone for a minute while the other sat idle.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


class Renders:
    """Counts how often `template` is rendered inside the block: a kept page renders none."""

    def __init__(self, template: str):
        self.template = template
        self.count = 0

    def __enter__(self):
        from django.test.signals import template_rendered

        template_rendered.connect(self._seen)
        return self

    def __exit__(self, *exc):
        from django.test.signals import template_rendered

        template_rendered.disconnect(self._seen)

    def _seen(self, sender, template, **kwargs):
        if template.name == self.template:
            self.count += 1
