from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    """Home panels (notes due, incidents to review) are kept pages: they name these tables."""

    dependencies = [("documentation", "0001_initial"), ("core", "0001_table_versions")]

    operations = [
        watch("documentation_formtemplate"),
        watch("documentation_formsubmission"),
    ]
