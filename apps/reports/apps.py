from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from apps.core import home, navigation
        from apps.reports import catalog, dashboards

        catalog.register_all()
        # No permission on the entry: navigation takes one, and each report has its own. The
        # index lists the ones the person may open (and says when there are none).
        navigation.register(navigation.NavItem(key="reports", label=_("Reports"), url_name="reports:index", order=45))
        for panel in dashboards.PANELS:
            home.register(panel)
