from django.db import migrations


class Migration(migrations.Migration):
    """The seed's full-text index on staff names (raw SQL: selectors.NAME_VECTOR must match
    it for PostgreSQL to use it)."""

    dependencies = [("staff", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX staff_fulltext_idx ON staff_staff "
            "USING gin (to_tsvector('english', first_name || ' ' || last_name))",
            "DROP INDEX IF EXISTS staff_fulltext_idx",
        )
    ]
