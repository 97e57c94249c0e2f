"""Writes to these tables change their versions (apps.core.versions): the pages that show them
reuse what they rendered until then."""

from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    dependencies = [("staff", "0006_prefix_search_indexes"), ("core", "0001_table_versions")]

    operations = [
        watch("staff_staff"),
        watch("staff_certification"),
        watch("staff_trainingrecord"),
        watch("staff_trainingprogram"),
        watch("staff_certificationrequirement"),
        watch("staff_trainingprogram_required_roles"),
        watch("staff_certificationrequirement_required_roles"),
    ]
