"""Visits change their table's version too (apps.core.versions): the home's shift and EVV
panels are kept rendered until a visit is clocked, corrected or reviewed."""

from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0005_automatic_schedule_names_and_visit_labels")]

    operations = [watch("scheduling_visit")]
