from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "apps.scheduling"
    label = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self):
        from apps.core import home, jobs, navigation
        from apps.notifications import defaults
        from apps.scheduling import home as scheduling_home
        from apps.scheduling import jobs as scheduling_jobs

        navigation.register(
            navigation.NavItem(key="scheduling", label=_("Schedule"), url_name="scheduling:home", order=30)
        )
        defaults.register(scheduling_jobs.PUBLISHED_KIND)
        defaults.register(scheduling_jobs.REMINDER_KIND)
        jobs.register(scheduling_jobs.APPOINTMENT_REMINDERS)
        for panel in scheduling_home.PANELS:
            home.register(panel)
