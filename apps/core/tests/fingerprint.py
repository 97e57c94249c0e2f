"""A fingerprint of every table of some schemas (row count and an md5 of the rows), to show that
requests changed nothing: no GET changes state, and another organization's POSTs change nothing
in this one. Bookkeeping that a read may write is named and excepted here, nothing else."""

from __future__ import annotations

from django.db import connection

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


def fingerprint_sql(schemas: list[str]) -> str:
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
            # bandit B608: schema, table and column names from the catalog.
            f"SELECT '{schema}.{table}', count(*), md5(coalesce(string_agg({row}, ',' ORDER BY {row}), ''))"  # nosec B608
            f' FROM "{schema}"."{table}"{where}'
        )
    return " UNION ALL ".join(parts)


def fingerprint(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in after.keys() | before.keys() if after.get(t) != before.get(t))
