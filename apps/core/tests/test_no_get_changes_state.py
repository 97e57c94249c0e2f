"""No GET changes state: every GET URL of the organization's URLconf, requested as each system
role (and signed out), and of the platform's URLconf, as a platform operator (and signed out),
leaves every table of the organization's schema and of the public schema as it was. A GET
that wrote would let any page (a link, a cross-site image) act in a person's name.

The URLs are read from the URLconf itself (apps/core/tests/urlmap.py), so a new view is
covered without editing this test.
Bookkeeping that a read may write is named and excepted in apps/core/tests/fingerprint.py,
nothing else.
"""

from __future__ import annotations

import pytest

from apps.core.tests.fingerprint import changed_tables, fingerprint, fingerprint_sql
from apps.core.tests.urlmap import get_urls
from conftest import host_client, signed_in

pytestmark = pytest.mark.slow

ROLES = ["admin", "manager", "dsp", "nurse", "scheduler", "billing", "hr", "auditor", "outsider"]


def _assert_no_get_changes_anything(urls: list[str], clients: dict, schemas: list[str]) -> None:
    """Each URL as each client; the schemas' fingerprint after each URL must be the one before."""
    sql = fingerprint_sql(schemas)
    before = fingerprint(sql)
    changed, failed = [], []
    for url in urls:
        for who, client in clients.items():
            response = client.get(url)
            if response.status_code >= 500:
                failed.append(f"{url} as {who}: {response.status_code}")
        after = fingerprint(sql)
        if after != before:
            changed.append(f"{url}: {', '.join(changed_tables(before, after))}")
            before = after
    assert not changed, "GET requests changed tables:\n" + "\n".join(changed)
    assert not failed, "GET requests failed:\n" + "\n".join(failed)


def test_no_get_request_changes_any_table_whoever_asks(org_a, records):
    with org_a:
        urls = get_urls(records)
    clients = {role: signed_in(org_a, role) for role in ROLES}
    clients["signed out"] = host_client(org_a.primary_host)
    # A first request per person starts their session's bookkeeping, as signing in would.
    for client in clients.values():
        client.get("/hello")
    _assert_no_get_changes_anything(urls, clients, [org_a.schema_name, "public"])
    assert len(urls) > 100, urls


def test_no_get_request_on_the_platforms_host_changes_any_table(org_a, records):
    """The platform's URLconf (landing, sign-in pages, the operators' admin) on its host, as a
    platform operator and signed out: the public schema and the organization's stay as they were."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    connection.set_schema_to_public()
    operator = get_user_model().objects.create_superuser(email="operator@platform.test", password=None)
    urls = get_urls(records, "starline.urls_public")
    operator_client = host_client("localhost")
    operator_client.force_login(operator)
    clients = {"operator": operator_client, "signed out": host_client("localhost")}
    for client in clients.values():
        client.get("/hello")
    _assert_no_get_changes_anything(urls, clients, [org_a.schema_name, "public"])
    assert any(url.startswith("/admin/tenants/organization/") for url in urls), urls
