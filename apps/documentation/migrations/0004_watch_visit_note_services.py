from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    """The incidents panel names FormTemplate's tables (apps.core.versions.tables_of), its
    visit-note services link table among them: every table a kept page names is watched."""

    dependencies = [("documentation", "0003_starter_templates")]

    operations = [watch("documentation_formtemplate_visit_note_services")]
