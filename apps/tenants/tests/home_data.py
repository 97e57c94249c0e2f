"""Rows for the home page tests: `n` of everything some role's home lists, written straight
through the ORM (the panels read them; the services that normally write them have tests of
their own). Everything is placed relative to the organization's own now and today."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.audit.services import access_record
from apps.clients import services as client_services
from apps.clients.models import CarePlan, Client
from apps.core import clock
from apps.documentation.models import FormSubmission, FormTemplate
from apps.notifications.models import Delivery, Notification
from apps.scheduling import timing
from apps.scheduling.models import Schedule, Shift, Visit
from apps.staff.models import Certification, Staff, TrainingProgram, TrainingRecord
from conftest import person

_numbers = count(1)


def make_staff(organization, *, user=None, supervisor=None, **fields) -> Staff:
    n = next(_numbers)
    values = {
        "employee_id": f"H{n:05d}",
        "first_name": "Dana",
        "last_name": f"Okafor{n}",
        "email": f"home{n}@example.org",
        "hire_date": dt.date(2020, 1, 6),
        "user": user,
        "supervisor": supervisor,
    } | fields
    with organization:
        return Staff.objects.create(**values)


def make_shift(organization, *, start: dt.datetime, hours: float = 8, staff=None, schedule=None, **fields) -> Shift:
    """A shift starting at the aware instant `start`, in a published schedule unless told."""
    zone = clock.zone(organization)
    local = start.astimezone(zone).replace(second=0, microsecond=0)
    end = (local + dt.timedelta(hours=hours)).astimezone(zone)
    with organization:
        if schedule is None:
            schedule = published_schedule(organization, local.date())
        starts_at, ends_at = timing.bounds(local.date(), local.time().replace(tzinfo=None), end.time(), zone)
        # timing.bounds reads an end before the start as the next day's.
        return Shift.objects.create(
            schedule=schedule,
            staff=staff,
            shift_date=local.date(),
            start_time=local.time().replace(tzinfo=None),
            end_time=end.time(),
            starts_at=starts_at,
            ends_at=ends_at,
            **fields,
        )


def published_schedule(organization, day: dt.date, *, status=Schedule.Status.PUBLISHED) -> Schedule:
    with organization:
        return Schedule.objects.create(
            schedule_name=f"Week {next(_numbers)}",
            start_date=day - dt.timedelta(days=7),
            end_date=day + dt.timedelta(days=14),
            status=status,
        )


def make_client(organization, **fields) -> Client:
    n = next(_numbers)
    values: dict[str, Any] = {"first_name": "Maria", "last_name": f"Lopez{n}", "date_of_birth": dt.date(1990, 5, 17)}
    values |= fields
    with organization:
        return client_services.client_save(actor=person(organization, "admin"), organization=organization, **values)


def fill(organization, n: int, *, dsp_staff: Staff | None = None, manager_staff: Staff | None = None) -> None:
    """`n` rows for every panel of every role."""
    today = clock.today(organization)
    now = timezone.now()
    with organization:
        admin = person(organization, "admin")
        hr_role = Role.objects.get(name="HR Manager")
        program = TrainingProgram.objects.create(program_name=f"CPR {next(_numbers)}", frequency_months=12)
        for i in range(n):
            # Pending invitations and failed deliveries (the admin's).
            User.objects.create(email=f"invited{next(_numbers)}@example.org", status=User.Status.PENDING, role=hr_role)
            note = Notification.objects.create(user=admin, notification_type="x", title="Hello", message="Hi")
            Delivery.objects.create(notification=note, channel="email", status=Delivery.Status.FAILED, last_error="550")
            # Care plans waiting and due (the manager's).
            client = make_client(organization)
            CarePlan.objects.create(
                client=client, plan_type="ISP", title=f"Plan {i}", start_date=today, status=CarePlan.Status.UNDER_REVIEW
            )
            CarePlan.objects.create(
                client=client,
                plan_type="ISP",
                title=f"Active plan {i}",
                start_date=today - dt.timedelta(days=300),
                review_date=today + dt.timedelta(days=3),
                status=CarePlan.Status.ACTIVE,
            )
            # Certifications expiring and expired, overdue training (HR's; the manager's team).
            member = make_staff(organization, supervisor=manager_staff)
            for expiry in (today + dt.timedelta(days=10), today - dt.timedelta(days=10)):
                Certification.objects.create(
                    staff=member,
                    certification_type="CPR",
                    certification_name="CPR",
                    issuing_organization="Red Cross",
                    issue_date=today - dt.timedelta(days=400),
                    expiry_date=expiry,
                )
            TrainingRecord.objects.create(
                staff=member,
                program=program,
                completed_on=today - dt.timedelta(days=400),
                expires_on=today - dt.timedelta(days=35),
            )
            # Open shifts this week and later, drafts not yet published (the scheduler's).
            make_shift(organization, start=now + dt.timedelta(hours=1, minutes=i))
            published_schedule(organization, today + dt.timedelta(days=7 * (i + 1)), status=Schedule.Status.DRAFT)
            # Today's EVV exceptions.
            worker = make_staff(organization)
            shift = make_shift(organization, start=now - dt.timedelta(minutes=30 + i), staff=worker)
            Visit.objects.create(
                shift=shift,
                staff=worker,
                clock_in_at=now - dt.timedelta(minutes=20 + i),
                clock_out_at=now - dt.timedelta(minutes=10),
                status=Visit.Status.EXCEPTION,
                exception_codes=[Visit.Exception.NO_LOCATION],
            )
            # Record access (the auditor's).
            access_record(obj=client, user=admin)
            # The DSP's own shifts and clients.
            if dsp_staff is not None:
                make_shift(organization, start=now + dt.timedelta(days=1 + i), staff=dsp_staff)
                client_services.care_team_add(client=client, user=dsp_staff.user)
                # A finished visit whose note is due, and an incident waiting for review.
                done = make_shift(organization, start=now - dt.timedelta(days=1 + i, hours=3), hours=2, staff=dsp_staff)
                Visit.objects.create(
                    shift=done,
                    staff=dsp_staff,
                    client=client,
                    clock_in_at=done.starts_at,
                    clock_out_at=done.ends_at,
                    status=Visit.Status.VERIFIED,
                )
                incident = FormTemplate.objects.get(starter="incident_report")
                assert dsp_staff.user is not None  # the DSP's staff record is linked to their account
                FormSubmission.objects.create(
                    form_template=incident,
                    template_version=incident.versions.get(version=incident.version),
                    client=client,
                    staff=dsp_staff.user,
                    status=FormSubmission.Status.SUBMITTED,
                    submitted_at=now,
                    review_due_at=now + dt.timedelta(hours=24 - i),
                )
    ContentType.objects.clear_cache()
