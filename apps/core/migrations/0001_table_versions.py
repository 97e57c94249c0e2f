from django.db import migrations, models

from apps.core.versions import DROP_FUNCTION, FUNCTION


def create_function(apps, schema_editor):
    # Shared by every schema's triggers: created once, with the public schema.
    if getattr(schema_editor.connection, "schema_name", "public") == "public":
        for statement in FUNCTION:
            schema_editor.execute(statement, params=None)


def drop_function(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") == "public":
        for statement in DROP_FUNCTION:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="TableVersion",
            fields=[
                ("name", models.CharField(max_length=63, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_function, drop_function),
    ]
