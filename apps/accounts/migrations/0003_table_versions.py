"""People's names and roles appear on other apps' cached pages (care teams, the compliance
matrix): their writes change the tables' versions (apps.core.versions)."""

from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles_sessions_two_factor"), ("core", "0001_table_versions")]

    operations = [watch("accounts_user"), watch("accounts_role")]
