"""The starter rules (apps/compliance/starters.py) in every schema this runs in.

The clone template is migrated like any organization, so it holds them and every new
organization gets them through the clone; organizations that exist already get them here.
A starter already there (by its `starter` key) is left as it is, so running this again, or in
an organization that renamed or edited one, changes nothing. Reversing removes the starters
that have no findings yet.
"""

from django.db import migrations

from apps.compliance.starters import STARTERS


def create_starters(apps, schema_editor):
    ComplianceRule = apps.get_model("compliance", "ComplianceRule")
    present = set(ComplianceRule.objects.filter(starter__in=STARTERS).values_list("starter", flat=True))
    for key, values in STARTERS.items():
        if key not in present:
            ComplianceRule.objects.create(starter=key, is_active=True, **values)


def remove_unused_starters(apps, schema_editor):
    ComplianceRule = apps.get_model("compliance", "ComplianceRule")
    ComplianceRule.objects.filter(starter__in=STARTERS, findings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_table_versions")]

    operations = [migrations.RunPython(create_starters, remove_unused_starters)]
