from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    """The home panel of open findings is a kept page: it names this table."""

    dependencies = [("compliance", "0001_initial"), ("core", "0001_table_versions")]

    operations = [watch("compliance_finding")]
