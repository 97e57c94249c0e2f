"""A person's groups and own permissions change their tables' versions too (apps.core.versions):
kept pages name the people they show with `tables_of(User)`, which brings the user's
many-to-many link tables along. They change when a role is given or taken, rarely."""

from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_constraint_messages"), ("core", "0001_table_versions")]

    operations = [watch("accounts_user_groups"), watch("accounts_user_user_permissions")]
