from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender, **kwargs):
    # Runs once, after the last app's permissions exist, so rules such as "*.view_*" reach
    # permissions that apps later in INSTALLED_APPS have just created.
    from django.apps import apps

    if sender is not list(apps.get_app_configs())[-1]:
        return
    from apps.accounts import services

    services.system_roles_sync()


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from apps.accounts import (
            backends,  # noqa: F401  (connects the user-cache hooks)
            selectors,
        )
        from apps.accounts import home as accounts_home
        from apps.core import home, navigation

        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
        home.person_tables(selectors.PEOPLE_TABLES)
        navigation.register(
            navigation.NavItem(
                key="people", label=_("People"), url_name="accounts:people", permission="accounts.view_user", order=80
            )
        )
        navigation.register(
            navigation.NavItem(
                key="roles", label=_("Roles"), url_name="accounts:roles", permission="accounts.view_role", order=85
            )
        )
        navigation.register(
            navigation.NavItem(
                key="security",
                label=_("Security"),
                url_name="accounts:security",
                permission="accounts.manage_security",
                order=90,
            )
        )
        for panel in accounts_home.PANELS:
            home.register(panel)
