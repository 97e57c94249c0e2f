"""Staff jobs: certification expiry reminders (at the certification's reminder_days_before),
training due reminders, and certification status following the dates."""

from __future__ import annotations

import datetime as dt

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role, User
from apps.core import clock
from apps.core.jobs import Job
from apps.core.tenancy import current_organization
from apps.notifications import defaults
from apps.notifications import jobs as notification_jobs
from apps.notifications import services as notifications
from apps.staff import selectors, services
from apps.staff.models import Certification, Staff, TrainingRecord

CERT_EXPIRING_KIND = defaults.Kind(
    key="certification.expiring",
    label=_("Certification expiring"),
    variables=["person", "certification", "expires"],
    title=_("{{ certification }} expires on {{ expires }}"),
    message=_("{{ person }}'s {{ certification }} expires on {{ expires }}. Plan the renewal."),
    sample={"person": "Dana O.", "certification": "CPR", "expires": "2026-12-15"},
)
TRAINING_DUE_KIND = defaults.Kind(
    key="training.due",
    label=_("Training due"),
    variables=["person", "program", "due"],
    title=_("{{ program }} is due on {{ due }}"),
    message=_("{{ person }} needs to repeat {{ program }} by {{ due }}."),
    sample={"person": "Dana O.", "program": "Medication administration", "due": "2026-12-15"},
)


def _hr() -> list[Role]:
    return list(Role.objects.filter(name="HR Manager"))


def _recipients(staff: Staff) -> list[User | Role]:
    """The person (when they have an account), their supervisor's account, and HR."""
    people: list[User | Role] = []
    if staff.user is not None and staff.user.status == User.Status.ACTIVE:
        people.append(staff.user)
    if staff.supervisor is not None and staff.supervisor.user is not None:
        people.append(staff.supervisor.user)
    return people + _hr()


def certification_reminders(*, day: dt.date | None = None) -> int:
    """Each current certification within its own reminder_days_before of expiry: one
    reminder per certification and expiry date, however often this runs."""
    today = day or clock.today()
    schema = current_organization().schema_name
    # The longest reminder period is ten years (the field's limit); each certification then
    # waits for its own.
    candidates = selectors.expiring_certifications(within_days=3650, today=today).select_related(
        "staff__supervisor__user"
    )
    due = (cert for cert in candidates if _expiry(cert) <= today + dt.timedelta(days=cert.reminder_days_before))

    def claim(cert: Certification) -> Certification | None:
        key = f"cert_expiring:{schema}:{cert.pk}:{_expiry(cert).isoformat()}"
        return cert if notification_jobs.claim([key]) else None

    def reminder(cert: Certification) -> notifications.Reminder:
        return notifications.Reminder(
            recipients=_recipients(cert.staff),
            type=CERT_EXPIRING_KIND.key,
            context={
                "person": cert.staff.display_name,
                "certification": cert.certification_name,
                "expires": _expiry(cert).isoformat(),
            },
            priority="high" if _expiry(cert) <= today + dt.timedelta(days=7) else "normal",
            channels=["in_app", "email"],
            link=f"/staff/{cert.staff_id}/certifications/",
        )

    return notifications.remind(due, claim=claim, reminder=reminder)


def _expiry(cert: Certification) -> dt.date:
    assert cert.expiry_date is not None  # expiring_certifications() filters on it
    return cert.expiry_date


def training_reminders(*, day: dt.date | None = None, within_days: int = 30) -> int:
    """Training that expires within 30 days and has no newer completion: one reminder per
    record."""
    today = day or clock.today()
    schema = current_organization().schema_name
    latest = (
        TrainingRecord.objects.filter(passed=True, staff__employment_status=Staff.Status.ACTIVE)
        .order_by("staff_id", "program_id", "-completed_on")
        .distinct("staff_id", "program_id")
    )
    due = TrainingRecord.objects.filter(
        pk__in=latest.values("pk"), expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=within_days)
    ).select_related("program", "staff__user", "staff__supervisor__user")

    def claim(record: TrainingRecord) -> TrainingRecord | None:
        return record if notification_jobs.claim([f"training_due:{schema}:{record.pk}"]) else None

    def reminder(record: TrainingRecord) -> notifications.Reminder:
        assert record.expires_on is not None  # the query above filters on it
        return notifications.Reminder(
            recipients=_recipients(record.staff),
            type=TRAINING_DUE_KIND.key,
            context={
                "person": record.staff.display_name,
                "program": record.program.program_name,
                "due": record.expires_on.isoformat(),
            },
            channels=["in_app", "email"],
            link=f"/staff/{record.staff_id}/training/",
        )

    return notifications.remind(due, claim=claim, reminder=reminder)


CERT_EXPIRING = Job(
    name="certifications.expiring",
    description=_("Remind staff, supervisors and HR of certifications about to expire."),
    run=certification_reminders,
    schedule=crontab(minute=30, hour=12),
)
TRAINING_DUE = Job(
    name="training.due",
    description=_("Remind staff, supervisors and HR of training due within 30 days."),
    run=training_reminders,
    schedule=crontab(minute=45, hour=12),
)


CERT_STATUS = Job(
    name="certifications.expire",
    description=_("Mark certifications past their expiry date as expired."),
    run=services.certifications_expire,
    schedule=crontab(minute=10, hour=6),
)
