"""Writes to these tables change their versions (apps.core.versions): the pages that show them
reuse what they rendered until then."""

from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_prefix_search_indexes"), ("core", "0001_table_versions")]

    operations = [
        watch("clients_client"),
        watch("clients_clientlocation"),
        watch("clients_clientuserobjectpermission"),
        watch("clients_clientcontact"),
        watch("clients_careplan"),
    ]
