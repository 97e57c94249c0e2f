"""Drop the indexes that repeat another's leading columns, and Django's `_like` indexes
(apps.core.db.indexes): 71 of an organization's 438 indexes, each one a relation that every new
organization's clone had to create and every insert kept up to date.

It runs after the migrations that made them, in every schema (public included, where the
same rule holds); a schema migrated afresh never makes the `_like` ones (apps.core.db.schema).
Going back leaves the indexes dropped: nothing depends on them.
"""

from django.db import migrations

from apps.core.db.indexes import drop_statements, redundant_indexes


def forward(apps, schema_editor):
    schema = getattr(schema_editor.connection, "schema_name", "public")
    with schema_editor.connection.cursor() as cursor:
        found = redundant_indexes(cursor, schema)
    for statement in drop_statements(schema, found):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    # After every migration that made one of those indexes: the apps' latest when this was written.
    dependencies = [
        ("core", "0003_version_triggers_name_their_table"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
        ("axes", "0010_accessattemptexpiration"),
        ("accounts", "0006_organization_settings_permission"),
        ("audit", "0003_app_role_functions"),
        ("billing", "0005_claim_total_triggers_name_their_table"),
        ("branding", "0001_initial"),
        ("clients", "0011_audit_history_field_names"),
        ("compliance", "0004_watch_rules"),
        ("documentation", "0006_sensitive_answers"),
        ("files", "0004_file_expires_at"),
        ("notifications", "0007_delivery_outbox"),
        ("reports", "0004_export_files_expire"),
        ("scheduling", "0008_visit_clock_out_index"),
        ("staff", "0009_constraint_messages"),
        ("tenants", "0006_domain_once_per_organization_message"),
        ("themes", "0002_customtheme_name_unique_ci"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
