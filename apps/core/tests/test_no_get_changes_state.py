"""No GET changes state: every GET URL of the organization's URLconf, requested as each system
role (and signed out), leaves every table of the organization's schema and of the public schema
as it was. A GET that wrote would let any page (a link, a cross-site image) act in a person's
name.

The URLs are read from the URLconf itself (apps/core/tests/urlmap.py), so a new view is
covered without editing this test.
Bookkeeping that a read may write is named and excepted below, nothing else.
"""

from __future__ import annotations

from django.db import connection

from apps.core.tests.urlmap import get_urls
from conftest import host_client, signed_in

ROLES = ["admin", "manager", "dsp", "nurse", "scheduler", "billing", "hr", "auditor", "outsider"]

# Bookkeeping a read may write, by table and column: these columns are left out of the
# fingerprint; a new row or any other column changing still counts.
BOOKKEEPING_COLUMNS = {
    # The session list shows when each session was last used; it slides with every request.
    "accounts_usersession": {"last_seen_at", "expires_at"},
    # The calendar feed page says when a calendar app last fetched the feed.
    "scheduling_calendarfeed": {"last_used_at"},
}
# Reading a client record is logged by design (who, what, when): access entries may be added,
# and only those. Other audit entries (a change, a sign-in) count like any other row. The log
# is partitioned by month (audit_logentry_p2026_12, ...): the filter applies to every partition.
ROW_FILTERS = {"audit_logentry": "action <> 3"}
SKIPPED_TABLES = {
    # Sessions live in the cache, but a database-backed session would slide with each request.
    "django_session",
    # The head of the audit log's hash chain moves with every entry, access entries included;
    # the entries themselves are checked above.
    "audit_chainhead",
}


def _fingerprint_sql(schemas: list[str]) -> str:
    """One statement: a row count and an md5 of every table's rows, bookkeeping left out."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name, array_agg(column_name::text ORDER BY ordinal_position)"
            " FROM information_schema.columns WHERE table_schema = ANY(%s)"
            " AND table_name IN (SELECT table_name FROM information_schema.tables"
            "   WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE')"
            " GROUP BY table_schema, table_name ORDER BY 1, 2",
            [schemas, schemas],
        )
        tables = cursor.fetchall()
    parts = []
    for schema, table, columns in tables:
        if table in SKIPPED_TABLES:
            continue
        kept = [c for c in columns if c not in BOOKKEEPING_COLUMNS.get(table, set())]
        row = "ROW(" + ", ".join(f'"{c}"' for c in kept) + ")::text"
        filters = [condition for prefix, condition in ROW_FILTERS.items() if table.startswith(prefix)]
        where = f" WHERE {filters[0]}" if filters else ""
        parts.append(
            f"SELECT '{schema}.{table}', count(*), md5(coalesce(string_agg({row}, ',' ORDER BY {row}), ''))"  # nosec B608 # schema, table and column names from the catalog
            f' FROM "{schema}"."{table}"{where}'
        )
    return " UNION ALL ".join(parts)


def _fingerprint(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def test_no_get_request_changes_any_table_whoever_asks(org_a, records):
    with org_a:
        urls = get_urls(records)
    clients = {role: signed_in(org_a, role) for role in ROLES}
    clients["signed out"] = host_client(org_a.primary_host)
    # A first request per person starts their session's bookkeeping, as signing in would.
    for client in clients.values():
        client.get("/hello")
    sql = _fingerprint_sql([org_a.schema_name, "public"])
    before = _fingerprint(sql)
    changed, failed = [], []
    for url in urls:
        for role, client in clients.items():
            response = client.get(url)
            if response.status_code >= 500:
                failed.append(f"{url} as {role}: {response.status_code}")
        after = _fingerprint(sql)
        if after != before:
            tables = sorted(t for t in after.keys() | before.keys() if after.get(t) != before.get(t))
            changed.append(f"{url}: {', '.join(tables)}")
            before = after
    assert not changed, "GET requests changed tables:\n" + "\n".join(changed)
    assert not failed, "GET requests failed:\n" + "\n".join(failed)
    assert len(urls) > 100, urls
