from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _client_billing_shown(user, client) -> bool:
    from apps.accounts.permissions import can

    return can(user, "billing.view_coverage")


class BillingConfig(AppConfig):
    name = "apps.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from apps.billing import jobs as billing_jobs
        from apps.billing import kinds
        from apps.clients import tabs
        from apps.core import jobs, navigation
        from apps.notifications import defaults

        navigation.register(
            navigation.NavItem(
                key="billing",
                label=_("Billing"),
                url_name="billing:home",
                permission="billing.view_serviceauthorization",
                order=40,
            )
        )
        tabs.register(
            tabs.Tab(
                key="billing", label=_("Billing"), url_name="billing:client", shown=_client_billing_shown, order=60
            )
        )
        for kind in kinds.ALL:
            defaults.register(kind)
        jobs.register(billing_jobs.AUTHORIZATION_ALERTS)
        jobs.register(billing_jobs.BILLABLE_GENERATION)
