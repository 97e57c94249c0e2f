from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from apps.core import badges, home
        from apps.core import jobs as scheduled
        from apps.notifications import channels, defaults, domain_events, jobs, services, tasks
        from apps.notifications import home as notifications_home

        services.register_channel(channels.EMAIL, tasks.deliver_email)
        services.register_channel(channels.SMS, tasks.deliver_sms)
        scheduled.register(jobs.DIGEST)
        scheduled.register(jobs.OUTBOX)
        for kind in domain_events.ALL:
            defaults.register(kind)
        badges.register(
            badges.Badge(
                "notifications",
                template="notifications/partials/_bell.html",
                count=lambda request: services.unread_count(request.user),
            )
        )
        for panel in notifications_home.PANELS:
            home.register(panel)
