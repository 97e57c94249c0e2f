"""Listing a schema's tables without reading every schema's.

Django lists "the tables on the search path" by testing `pg_table_is_visible()` on every row of
`pg_class`; django-tenants narrows the search path to the one schema first, but the test still
runs over the whole catalog, which in a fleet of a thousand organizations is 640,000 rows: 0.2 to
0.3 s each time, and `migrate` asks several times per schema (is there a django_migrations table
yet?). Here the rows are first narrowed to that schema (its oid, read once: written as a list
of schemas, PostgreSQL costed the comparison above the visibility test and ran that first), and
the visibility test only decides among them, so the answer is the same: 0.1 s.
"""

from __future__ import annotations

# Django defines it there (with the comment column); django-stubs does not declare it.
from django.db.backends.postgresql.introspection import TableInfo  # type: ignore[attr-defined]
from django_tenants.postgresql_backend.introspection import (
    DatabaseSchemaIntrospection,
    DatabaseSchemaIntrospectionSearchPathContext,
)


class DatabaseIntrospection(DatabaseSchemaIntrospection):
    def get_table_list(self, cursor):
        with DatabaseSchemaIntrospectionSearchPathContext(cursor=cursor, connection=self.connection):
            # The search path is this one schema now, so current_schema() is it (or NULL when
            # it does not exist: no tables, as before); pg_catalog is searched implicitly and
            # its tables are left out, as Django leaves them out.
            cursor.execute(
                """
                SELECT c.relname,
                       CASE WHEN c.relispartition THEN 'p' WHEN c.relkind IN ('m', 'v') THEN 'v' ELSE 't' END,
                       obj_description(c.oid, 'pg_class')
                FROM pg_catalog.pg_class c
                WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
                  AND c.relkind IN ('f', 'm', 'p', 'r', 'v')
                  AND pg_catalog.pg_table_is_visible(c.oid)
                """
            )
            return [TableInfo(*row) for row in cursor.fetchall() if row[0] not in self.ignored_tables]
