"""Indexes that cost without serving: found by rule, dropped once by a migration, kept out by a test.

Every index is a relation (a file, catalog rows, WAL at creation) that each new organization's
clone creates and every insert maintains. Provisioning is mostly PostgreSQL's own DDL, one
relation at a time (docs/scaling.md), so an organization carries only the indexes its queries use.
Two kinds were not:

- The index Django adds beside each foreign key when a composite index or unique constraint of
  the same table already starts with that column: a B-tree answers a lookup by its leading
  columns, so the composite serves the foreign key's joins and cascades as well.
- Django's `<column>_like` index (varchar_pattern_ops / text_pattern_ops) beside every indexed or
  unique text column, which only serves case-sensitive `LIKE 'abc%'`. Starline's prefix searches
  are case-insensitive (`UPPER(column) LIKE`), which such an index cannot answer: where a prefix
  search needs an index it has an expression index of its own (`staff_email_prefix_idx`). The
  schema editor (apps.core.db.schema) no longer makes them.

Unique indexes, the indexes behind constraints, partial and expression indexes, and partitioned
tables are never touched.
"""

from __future__ import annotations

from apps.core.db.catalog import SCHEMA_RELATIONS, ident

REDUNDANT_SQL = f"""
WITH tables AS (
    -- Through pg_depend (apps.core.db.catalog): a scan of pg_class, or of every index in the
    -- database, per schema cost a second and a half in each of a thousand organizations'
    -- migrations.
    SELECT oid, relname FROM ({SCHEMA_RELATIONS}) m WHERE relkind = 'r' AND NOT relispartition
), ix AS (
    SELECT i.indexrelid, i.indrelid, ic.relname AS name, c.relname AS tbl,
           i.indkey::text AS keys, i.indclass::text AS classes, i.indoption::text AS options,
           i.indisunique, am.amname = 'btree' AS btree,
           i.indpred IS NULL AND i.indexprs IS NULL AS plain,
           EXISTS (SELECT 1 FROM pg_constraint k  -- by its table: conindid has no index
                   WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid) AS backs_constraint,
           EXISTS (SELECT 1 FROM pg_opclass o WHERE o.oid = ANY (i.indclass::oid[])
                   AND o.opcname IN ('varchar_pattern_ops', 'text_pattern_ops')) AS pattern_ops
    FROM tables c
    JOIN pg_index i ON i.indrelid = c.oid
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    WHERE ic.relkind = 'i'
)
SELECT a.tbl, a.name,
       CASE WHEN a.pattern_ops THEN 'pattern_ops'
            ELSE (SELECT min(b.name) FROM ix b
                  WHERE b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.btree AND b.plain
                    AND NOT b.pattern_ops AND b.keys LIKE a.keys || ' %%'
                    AND b.classes LIKE a.classes || ' %%' AND b.options LIKE a.options || ' %%') END
FROM ix a
WHERE a.btree AND a.plain AND NOT a.indisunique AND NOT a.backs_constraint
  AND (
    (a.pattern_ops AND a.name LIKE '%%\\_like')
    OR EXISTS (SELECT 1 FROM ix b
               WHERE b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.btree AND b.plain
                 AND NOT b.pattern_ops AND b.keys LIKE a.keys || ' %%'
                 AND b.classes LIKE a.classes || ' %%' AND b.options LIKE a.options || ' %%')
  )
ORDER BY a.tbl, a.name
"""  # noqa: S608 - constant SQL; the schema is a parameter # nosec B608


def redundant_indexes(cursor, schema: str) -> list[tuple[str, str, str]]:
    """(table, index, why) for each index of `schema` that the rule above finds: why is
    "pattern_ops", or the name of the index whose leading columns it repeats."""
    cursor.execute(REDUNDANT_SQL, {"schema": ident(schema)})
    return [(table, name, why) for table, name, why in cursor.fetchall()]


def drop_statements(schema: str, indexes: list[tuple[str, str, str]]) -> list[str]:
    # Schema-qualified: a name alone could find another schema's index on the search path.
    return [f"DROP INDEX IF EXISTS {ident(schema)}.{ident(name)}" for _table, name, _why in indexes]
