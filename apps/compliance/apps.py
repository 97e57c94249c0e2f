from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "apps.compliance"
    label = "compliance"
    verbose_name = _("Compliance")

    def ready(self):
        from apps.compliance import jobs as compliance_jobs
        from apps.compliance import kinds, rule_types  # noqa: F401 - the registry fills itself on import
        from apps.compliance.home import PANELS
        from apps.core import home, jobs, navigation
        from apps.notifications import defaults

        navigation.register(
            navigation.NavItem(
                key="compliance",
                label=_("Compliance"),
                url_name="compliance:findings",
                permission="compliance.view_finding",
                order=45,
            )
        )
        defaults.register(kinds.FINDINGS)
        jobs.register(compliance_jobs.EVALUATE)
        for panel in PANELS:
            home.register(panel)
