from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from apps.core import jobs as scheduled
        from apps.notifications import channels, jobs, services

        services.register_channel(channels.EMAIL, channels.queue_email)
        services.register_channel(channels.SMS, channels.queue_sms)
        scheduled.register(jobs.DIGEST)
