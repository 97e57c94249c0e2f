from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _client_documentation_shown(user, client) -> bool:
    from apps.documentation.selectors import sees_client_documentation

    return sees_client_documentation(user, client)


def _note_after_clock_out(visit, user):
    from apps.documentation.views.notes import note_url_after_clock_out

    return note_url_after_clock_out(visit, user)


class DocumentationConfig(AppConfig):
    name = "apps.documentation"
    label = "documentation"
    verbose_name = _("Documentation")

    def ready(self):
        from apps.clients import tabs
        from apps.core import home, navigation
        from apps.documentation import kinds
        from apps.documentation.home import PANELS
        from apps.notifications import defaults
        from apps.scheduling import hooks

        navigation.register(
            navigation.NavItem(
                key="documentation", label=_("Documentation"), url_name="documentation:submissions", order=35
            )
        )
        defaults.register(kinds.INCIDENT_ALERT)
        defaults.register(kinds.SUBMITTED)
        defaults.register(kinds.REJECTED)
        tabs.register(
            tabs.Tab(
                key="documentation",
                label=_("Documentation"),
                url_name="documentation:client",
                shown=_client_documentation_shown,
                order=35,
            )
        )
        hooks.after_clock_out(_note_after_clock_out)
        for panel in PANELS:
            home.register(panel)
