"""Writes to these tables change their versions (apps.core.versions): the week grid reuses
what it rendered until then."""

from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial"), ("core", "0001_table_versions")]

    operations = [
        watch("scheduling_shift"),
        watch("scheduling_appointment"),
        watch("scheduling_service"),
        watch("scheduling_schedule"),
    ]
