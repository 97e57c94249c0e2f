"""The starter templates (apps/documentation/starters.py) in every schema this runs in.

The clone template is migrated like any organization, so it holds them and every new
organization gets them through the clone; organizations that exist already get them here.
A starter already there (by its `starter` key) is left as it is, so running this again, or
in an organization that renamed or edited one, changes nothing. Reversing removes the
starters nobody has filled in yet.
"""

from django.db import migrations

from apps.documentation.starters import STARTERS


def create_starters(apps, schema_editor):
    FormTemplate = apps.get_model("documentation", "FormTemplate")
    FormTemplateVersion = apps.get_model("documentation", "FormTemplateVersion")
    present = set(FormTemplate.objects.filter(starter__in=STARTERS).values_list("starter", flat=True))
    for key, values in STARTERS.items():
        if key in present:
            continue
        values = dict(values)
        # One default visit note per organization (one_default_visit_note): an organization
        # that already chose one keeps it.
        if values["is_default_visit_note"] and FormTemplate.objects.filter(is_default_visit_note=True).exists():
            values["is_default_visit_note"] = False
        template = FormTemplate.objects.create(starter=key, version=1, is_active=True, **values)
        FormTemplateVersion.objects.create(template=template, version=1, form_structure=values["form_structure"])


def remove_unused_starters(apps, schema_editor):
    FormTemplate = apps.get_model("documentation", "FormTemplate")
    FormTemplate.objects.filter(starter__in=STARTERS, submissions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("documentation", "0002_table_versions")]

    operations = [migrations.RunPython(create_starters, remove_unused_starters)]
