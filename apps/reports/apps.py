from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from apps.core import home
        from apps.reports import dashboards

        for panel in dashboards.PANELS:
            home.register(panel)
