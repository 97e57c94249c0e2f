from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from apps.core import home, jobs, navigation
        from apps.notifications import defaults
        from apps.reports import catalog, dashboards, kinds
        from apps.reports import jobs as report_jobs

        catalog.register_all()
        # Each report has a permission of its own: the entry shows to whoever may open one, and
        # the index lists those.
        navigation.register(
            navigation.NavItem(
                key="reports",
                label=_("Reports"),
                url_name="reports:index",
                any_permissions=tuple(report.permission for report in catalog.ALL),
                order=45,
            )
        )
        for panel in dashboards.PANELS:
            home.register(panel)
        # HR's certification panel lists certificates; the compliance report counts what each
        # person is required to hold (training too): the panel says so and links here.
        home.register_link(
            home.Link(
                panel="certifications",
                label=_("Certification and training compliance report"),
                url_name=f"reports:{catalog.COMPLIANCE.slug}",
                permission=catalog.COMPLIANCE.permission,
            )
        )
        for kind in kinds.ALL:
            defaults.register(kind)
        jobs.register(report_jobs.PURGE_EXPORTS)
