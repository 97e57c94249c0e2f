"""Large writes (a month of billable services, its claims) and the query planner."""

from __future__ import annotations

from django.db import connection

# A write this large changes what the planner should expect of a table (a month of services
# arriving at once); it is told at once rather than when autovacuum next gets to it, or the
# pages that read the table right after choose plans for the table as it was.
BULK_ROWS = 5_000


def analyze_after_bulk(*tables: str, rows: int) -> None:
    if rows < BULK_ROWS:
        return
    with connection.cursor() as cursor:
        for table in tables:
            # Through a function that runs as the table's owner: the app role owns nothing,
            # and PostgreSQL 15 skips ANALYZE for anyone else (apps/core/migrations/0002).
            cursor.execute("SELECT public.starline_analyze(%s::regclass)", [f'"{table}"'])
