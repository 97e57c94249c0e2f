from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _documents_page(request, pk, **kwargs):
    from apps.staff.views import documents_page

    return documents_page(request, pk, **kwargs)


def _certification_documents_changed(certification):
    from apps.staff.services import certification_documents_changed

    certification_documents_changed(certification)


class StaffConfig(AppConfig):
    name = "apps.staff"
    label = "staff"
    verbose_name = _("Staff")

    def ready(self):
        from apps.core import home, jobs, navigation
        from apps.files import attachments
        from apps.notifications import defaults
        from apps.staff import home as staff_home
        from apps.staff import jobs as staff_jobs

        navigation.register(
            navigation.NavItem(
                key="staff", label=_("Staff"), url_name="staff:directory", permission="staff.view_staff", order=20
            )
        )
        attachments.register("staff.staff", page=_documents_page)
        attachments.register("staff.certification", on_change=_certification_documents_changed)
        attachments.register("staff.trainingrecord")
        defaults.register(staff_jobs.CERT_EXPIRING_KIND)
        defaults.register(staff_jobs.TRAINING_DUE_KIND)
        jobs.register(staff_jobs.CERT_EXPIRING)
        jobs.register(staff_jobs.TRAINING_DUE)
        jobs.register(staff_jobs.CERT_STATUS)
        for panel in staff_home.PANELS:
            home.register(panel)
