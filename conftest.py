"""Shared test fixtures.

Two organizations (alpha and beta) are provisioned once per test session, by cloning the
template schema exactly as production does, and committed. Each test then runs inside a
transaction that is rolled back, so the suite stays fast as it grows. Later issues add
a user per role to each organization here.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from apps.core import page_cache
from apps.tenants import host_cache

TEST_ORGANIZATIONS = {
    "alpha": {"name": "Alpha Community Living", "primary_color": "#7c3aed", "timezone": "America/Chicago"},
    "beta": {"name": "Beta Home Care", "primary_color": "#b45309", "timezone": "Europe/Madrid"},
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from apps.tenants import services
    from apps.tenants.models import Organization

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for subdomain, spec in TEST_ORGANIZATIONS.items():
            if not Organization.objects.filter(subdomain=subdomain).exists():
                services.organization_create(
                    subdomain=subdomain,
                    contact_email=f"office@{subdomain}.test",
                    admin_email=f"admin@{subdomain}.test",
                    **spec,
                )
        connection.set_schema_to_public()
    yield


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    # A test's organizations are rolled back with its transaction; cached hosts and pages
    # must not outlive them.
    host_cache.clear()
    page_cache.clear()
    yield
    host_cache.clear()
    page_cache.clear()
    if hasattr(connection, "set_schema_to_public"):
        connection.set_schema_to_public()


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


@pytest.fixture
def client_a(org_a) -> Client:
    return host_client(org_a.primary_host)


@pytest.fixture
def client_b(org_b) -> Client:
    return host_client(org_b.primary_host)


@pytest.fixture
def public_client(db) -> Client:
    return host_client("localhost")


pytest_plugins = ["browser"]
