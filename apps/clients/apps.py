from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _documents_page(request, pk, **kwargs):
    from apps.clients.views import documents_page

    return documents_page(request, pk, **kwargs)


class ClientsConfig(AppConfig):
    name = "apps.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self):
        from apps.clients import home as client_home
        from apps.clients import jobs as client_jobs
        from apps.clients import kinds
        from apps.core import home, jobs, navigation
        from apps.files import attachments
        from apps.notifications import defaults

        navigation.register(navigation.NavItem(key="clients", label=_("Clients"), url_name="clients:list", order=10))
        attachments.register("clients.client", page=_documents_page)
        attachments.register("clients.careplan")
        defaults.register(kinds.REVIEW_DUE_KIND)
        defaults.register(kinds.SUBMITTED_KIND)
        jobs.register(client_jobs.REVIEW_DUE)
        jobs.register(client_jobs.EXPIRE)
        for panel in client_home.PANELS:
            home.register(panel)
