"""Appointment reminders: once each, to the staff member and the driver, within the window."""

import datetime as dt

from django.utils import timezone

from apps.clients.tests.conftest import make_client
from apps.notifications.models import Notification
from apps.scheduling import jobs
from apps.scheduling.models import Appointment
from apps.scheduling.tests.conftest import make_staff
from conftest import person


def test_reminders_go_once_to_the_staff_member_and_the_driver_within_the_window(org_a):
    client = make_client(org_a)
    escort = make_staff(org_a, user=person(org_a, "dsp"))
    driver = make_staff(org_a, user=person(org_a, "nurse"))
    now = timezone.now()
    with org_a:
        soon = Appointment.objects.create(
            client=client,
            title="Dentist",
            staff=escort,
            requires_transport=True,
            transport_staff=driver,
            start_datetime=now + dt.timedelta(hours=3),
            end_datetime=now + dt.timedelta(hours=4),
        )
        later = Appointment.objects.create(
            client=client,
            title="Annual review",
            staff=escort,
            start_datetime=now + dt.timedelta(days=3),
            end_datetime=now + dt.timedelta(days=3, hours=1),
        )
        assert jobs.appointment_reminders() == 1
        assert jobs.appointment_reminders() == 0
        soon.refresh_from_db()
        later.refresh_from_db()
        assert soon.reminder_sent and not later.reminder_sent
        reminded = set(
            Notification.objects.filter(notification_type="appointment.reminder").values_list("user__email", flat=True)
        )
    assert reminded == {"dsp@alpha.test", "nurse@alpha.test"}


def test_a_cancelled_appointment_gets_no_reminder(org_a):
    client = make_client(org_a)
    escort = make_staff(org_a, user=person(org_a, "dsp"))
    now = timezone.now()
    with org_a:
        Appointment.objects.create(
            client=client,
            title="Cancelled",
            staff=escort,
            status="cancelled",
            start_datetime=now + dt.timedelta(hours=3),
            end_datetime=now + dt.timedelta(hours=4),
        )
        assert jobs.appointment_reminders() == 0
