from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "apps.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from apps.billing import kinds
        from apps.notifications import defaults

        for kind in kinds.ALL:
            defaults.register(kind)
