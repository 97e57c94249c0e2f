"""Files change their table's version too (apps.core.versions): a client's overview shows the
client's photo, a file, and is kept rendered until one of the tables it reads changes."""

from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    dependencies = [("files", "0002_constraint_messages"), ("core", "0001_table_versions")]

    operations = [watch("files_file")]
