"""Rewrite the values of encrypted columns in bulk: the migrations that encrypt (and decrypt)
existing rows, and rotate_encryption_keys.

Set-based: rows are read in keyset batches and each batch is written back with one UPDATE
from arrays (`unnest`), not one UPDATE per row, so a schema with many thousands of clients
is rewritten in a few dozen statements. The caller holds the transaction (a migration is one
per schema; the rotation command opens one per table).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connection

from apps.core.tenancy import schema_name

BATCH = 2000


def _column_types(table: str, columns: Sequence[str]) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attname = ANY(%s) AND NOT attisdropped",
            [f'"{table}"', list(columns)],
        )
        return dict(cursor.fetchall())


def table_exists(table: str) -> bool:
    """Whether the current schema itself has the table (the search path also reaches public's
    shared tables, which are rewritten once, from public)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{schema_name()}"."{table}"'])
        return cursor.fetchone()[0] is not None


def rewrite(
    table: str,
    columns: Sequence[str],
    convert: Callable[[str], str | None],
    *,
    pk: str = "id",
    where: str = "",
    batch: int = BATCH,
) -> int:
    """Pass every non-empty value of `columns` in `table` (of the current schema), as text,
    through `convert`, which returns the new text or None to keep it. `where` narrows the
    rows read (SQL, no parameters). Returns how many values changed."""
    types = _column_types(table, [pk, *columns])
    selected = ", ".join(f'"{c}"::text' for c in columns)
    condition = f" AND ({where})" if where else ""
    arrays = ", ".join(["%s::text[]"] * (len(columns) + 1))
    names = ", ".join(["pk", *(f"c{i}" for i in range(len(columns)))])
    assignments = ", ".join(f'"{c}" = v.c{i}::{types[c]}' for i, c in enumerate(columns))
    update = (
        f'UPDATE "{table}" AS t SET {assignments} FROM unnest({arrays}) AS v({names})'  # noqa: S608 - table and columns from the models' meta, quoted # nosec B608
        f' WHERE t."{pk}" = v.pk::{types[pk]}'
    )
    changed = 0
    last = None
    with connection.cursor() as cursor:
        while True:
            after = f' AND "{pk}" > %s::{types[pk]}' if last is not None else ""
            cursor.execute(
                f'SELECT "{pk}"::text, {selected} FROM "{table}" WHERE TRUE{condition}{after}'  # noqa: S608 - table and columns from the models' meta, quoted # nosec B608
                # Locked until the caller's transaction ends: a save in between is not undone.
                f' ORDER BY "{pk}" LIMIT {int(batch)} FOR UPDATE',
                [last] if last is not None else [],
            )
            rows = cursor.fetchall()
            if not rows:
                return changed
            last = rows[-1][0]
            written: list[list] = [[] for _ in range(len(columns) + 1)]
            for row in rows:
                new = [convert(value) if value not in (None, "") else None for value in row[1:]]
                if all(value is None for value in new):
                    continue
                changed += sum(value is not None for value in new)
                written[0].append(row[0])
                for i, (old, value) in enumerate(zip(row[1:], new, strict=True), start=1):
                    written[i].append(old if value is None else value)
            if written[0]:
                cursor.execute(update, written)
