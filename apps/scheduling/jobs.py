"""Scheduling notifications: a published schedule, and appointment reminders (which set the
seed's `reminder_sent`)."""

from __future__ import annotations

import datetime as dt
import uuid

from celery.schedules import crontab
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.jobs import Job
from apps.notifications import defaults

PUBLISHED_KIND = defaults.Kind(
    key="schedule.published",
    label=_("Schedule published"),
    variables=["schedule", "start", "end"],
    title=_("New schedule: {{ schedule }}"),
    message=_("Your shifts from {{ start }} to {{ end }} are published."),
    sample={"schedule": "Maple House, week 49", "start": "2026-12-06", "end": "2026-12-12"},
)

REMINDER_KIND = defaults.Kind(
    key="appointment.reminder",
    label=_("Appointment reminder"),
    variables=["title", "client", "when", "where"],
    title=_("Appointment: {{ title }}"),
    message=_("{{ client }} · {{ when }} · {{ where }}"),
    sample={"title": "Dentist", "client": "Jordan E.", "when": "2026-12-04 10:30", "where": "Main St Dental"},
)


def appointment_reminders(*, day: dt.date | None = None) -> int:
    """Remind the staff member and the driver of each appointment starting within the
    organization's reminder window (24 hours by default). Each appointment is claimed by
    setting reminder_sent in the same transaction as its notification, so a run that dies
    halfway leaves the rest for the next and none is sent twice."""
    from apps.core.tenancy import current_organization
    from apps.notifications import services as notifications
    from apps.scheduling import rules
    from apps.scheduling.models import Appointment

    window = dt.timedelta(hours=rules.for_organization(current_organization()).reminder_hours)
    now = timezone.now()
    pending = (
        Appointment.objects.filter(reminder_sent=False, start_datetime__gt=now, start_datetime__lte=now + window)
        .exclude(status__in=["cancelled", "no_show", "completed"])
        .values_list("pk", flat=True)
    )

    def claim(pk: uuid.UUID) -> Appointment | None:
        # The row is the claim: locked (another run holding it skips it) and marked sent in
        # the transaction that sends its reminder.
        appointment = (
            Appointment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("client", "staff__user", "transport_staff__user")
            .filter(pk=pk, reminder_sent=False)
            .first()
        )
        if appointment is not None:
            appointment.reminder_sent = True
            appointment.save(update_fields=["reminder_sent", "updated_at"])
        return appointment

    def reminder(appointment: Appointment) -> notifications.Reminder:
        recipients = {
            person.user
            for person in (appointment.staff, appointment.transport_staff)
            if person is not None and person.user is not None and person.user.is_active
        }
        return notifications.Reminder(
            recipients=list(recipients),
            type=REMINDER_KIND.key,
            context={
                "title": appointment.title,
                "client": appointment.client.display_name,
                "when": timezone.localtime(appointment.start_datetime).strftime("%Y-%m-%d %H:%M"),
                "where": appointment.location or "—",
            },
            link=appointment.get_absolute_url(),
            channels=["in_app", "sms"],
        )

    return notifications.remind(list(pending), claim=claim, reminder=reminder)


APPOINTMENT_REMINDERS = Job(
    name="appointments.remind",
    description=_("Remind staff and drivers of appointments in the next day."),
    run=appointment_reminders,
    schedule=crontab(minute="*/15"),
)
