from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "apps.tenants"
    label = "tenants"
    verbose_name = _("Organizations")

    def ready(self):
        from apps.core import jobs, navigation
        from apps.tenants import domain_jobs

        navigation.register(
            navigation.NavItem(key="home", label=_("Home"), url_name="home", order=0, requires_login=False)
        )
        navigation.register(
            navigation.NavItem(
                key="settings",
                label=_("Settings"),
                url_name="orgsettings:index",
                permission="accounts.manage_organization",
                order=95,
            )
        )
        jobs.register(domain_jobs.RECHECK)
