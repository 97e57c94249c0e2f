"""accounts.manage_organization: the organization settings page (apps/tenants/settings_views.py).
The Organization Admin role gets it with every other permission ("*") when system_roles_sync
runs after this migration; no other system role does."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_watch_user_links"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["last_name", "first_name", "email"],
                "permissions": [
                    ("access_admin", "Use the administration site"),
                    ("invite_user", "Invite people"),
                    ("manage_sessions", "See and end other people's sessions"),
                    ("manage_security", "Change the organization's sign-in policy"),
                    ("manage_organization", "Change the organization's settings"),
                    ("reset_two_factor", "Reset another person's two-factor sign-in"),
                ],
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
    ]
