from django.db import migrations


class Migration(migrations.Migration):
    """The client-number sequence behind generated client IDs, and the seed's full-text
    index on client names (raw SQL: selectors.NAME_VECTOR must match it character for
    character for PostgreSQL to use it)."""

    dependencies = [("clients", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS clients_client_number_seq START 1",
            "DROP SEQUENCE IF EXISTS clients_client_number_seq",
        ),
        migrations.RunSQL(
            "CREATE INDEX client_fulltext_idx ON clients_client "
            "USING gin (to_tsvector('english', first_name || ' ' || last_name))",
            "DROP INDEX IF EXISTS client_fulltext_idx",
        ),
    ]
