"""The schema editor: Django's, with the constraints of an added column named on Citus, and
without Django's `<column>_like` indexes (apps.core.db.indexes says why they serve nothing here).

Citus refuses `ALTER TABLE ... ADD COLUMN` carrying an unnamed CHECK, UNIQUE or PRIMARY KEY
constraint on a distributed table ("all constraints in Citus must have explicit names"), which
is what Django writes for a new PositiveIntegerField or a unique field. On Citus the added
column's constraints get the names PostgreSQL would have chosen itself (`<table>_<column>_check`,
`<table>_<column>_key`, `<table>_pkey`), so a schema migrated on Citus matches one migrated on
plain PostgreSQL, where nothing changes.
"""

from __future__ import annotations

from django.db.backends.postgresql.schema import DatabaseSchemaEditor as PostgresSchemaEditor

NAMEDATALEN = 64


def default_constraint_name(table: str, column: str | None, label: str) -> str:
    """PostgreSQL's own choice (makeObjectName): the longer of table and column is cut first
    until the name fits in NAMEDATALEN - 1 bytes. Names here are ASCII, as Django's are."""
    overhead = len(label) + 1 + (1 if column else 0)
    available = NAMEDATALEN - 1 - overhead
    table_chars, column_chars = len(table), len(column or "")
    while table_chars + column_chars > available:
        if table_chars > column_chars:
            table_chars -= 1
        else:
            column_chars -= 1
    parts = [table[:table_chars], *([column[:column_chars]] if column else []), label]
    return "_".join(parts)


class DatabaseSchemaEditor(PostgresSchemaEditor):
    _naming_column_constraints = False

    def _create_like_index_sql(self, model, field):
        # Only a case-sensitive LIKE 'abc%' could use it; every organization's clone would
        # still have to create it (apps.core.db.indexes). Dropping one when a field changes
        # stays Django's: it says DROP INDEX IF EXISTS.
        return None

    def add_field(self, model, field):
        if not getattr(self.connection, "citus_version", None):
            return super().add_field(model, field)
        table = model._meta.db_table
        name = self.quote_name(default_constraint_name(table, field.column, "check"))
        self._naming_column_constraints = True
        # An instance attribute shadows the class's template for this one statement.
        self.sql_check_constraint = f"CONSTRAINT {name} CHECK (%(check)s)"
        try:
            return super().add_field(model, field)
        finally:
            del self.sql_check_constraint
            self._naming_column_constraints = False

    def _iter_column_sql(self, column_db_type, params, model, field, field_db_params, include_default):
        table = model._meta.db_table
        for part in super()._iter_column_sql(column_db_type, params, model, field, field_db_params, include_default):
            if self._naming_column_constraints and part == "UNIQUE":
                yield f"CONSTRAINT {self.quote_name(default_constraint_name(table, field.column, 'key'))} UNIQUE"
            elif self._naming_column_constraints and part == "PRIMARY KEY":
                yield f"CONSTRAINT {self.quote_name(default_constraint_name(table, None, 'pkey'))} PRIMARY KEY"
            else:
                yield part
