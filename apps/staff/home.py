"""Home page panels of the staff app (registered in StaffConfig.ready): HR's certifications
expiring and expired and overdue training; a supervisor's team certifications. Also the
person's own staff record, looked up once per request for every panel that needs it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from apps.core import clock, home
from apps.core.versions import tables_of
from apps.staff.models import Certification, Staff, TrainingProgram, TrainingRecord

# What the certification and training panels read.
STAFF_TABLES = tables_of(Staff, Certification, TrainingRecord, TrainingProgram)
# Certifications expiring within this many days are listed before they lapse.
EXPIRING_WITHIN_DAYS = 30


def own_staff(request) -> Staff | None:
    """The signed-in person's staff record (one query per request, whoever asks)."""
    return home.memo(request, "own_staff", lambda: Staff.objects.filter(user_id=request.user.pk).first())


def _current_certifications():
    # Not renewed (a renewal is a new record), held by someone still employed, not suspended
    # by hand: the certifications someone has to act on.
    return (
        Certification.objects.filter(renewed_by__isnull=True, staff__employment_status=Staff.Status.ACTIVE)
        .exclude(status=Certification.Status.SUSPENDED)
        .select_related("staff")
        .only(
            "pk",
            "certification_name",
            "expiry_date",
            "staff_id",
            "staff__first_name",
            "staff__preferred_name",
            "staff__last_name",
            "staff__employee_id",
        )
    )


def certifications(request) -> dict:
    today = clock.today(request.organization)
    current = _current_certifications()
    return {
        "today": today,
        "expiring": home.rows_and_more(
            current.filter(
                expiry_date__gte=today, expiry_date__lte=today + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
            ).order_by("expiry_date", "pk")
        ),
        "expired": home.rows_and_more(current.filter(expiry_date__lt=today).order_by("-expiry_date", "pk")),
        "within_days": EXPIRING_WITHIN_DAYS,
    }


def overdue_training(request) -> dict:
    today = clock.today(request.organization)
    newer = TrainingRecord.objects.filter(
        staff_id=OuterRef("staff_id"),
        program_id=OuterRef("program_id"),
        passed=True,
        completed_on__gt=OuterRef("completed_on"),
    )
    rows = (
        TrainingRecord.objects.filter(passed=True, expires_on__lt=today, staff__employment_status=Staff.Status.ACTIVE)
        .filter(~Exists(newer))
        .select_related("staff", "program")
        .only(
            "pk",
            "expires_on",
            "staff_id",
            "staff__first_name",
            "staff__preferred_name",
            "staff__last_name",
            "staff__employee_id",
            "program__program_name",
        )
        .order_by("expires_on", "pk")
    )
    return {"today": today, **home.rows_and_more(rows)}


def _supervises_someone(request) -> bool:
    return Staff.objects.filter(supervisor__user_id=request.user.pk).exists()


def team_certifications(request) -> dict:
    today = clock.today(request.organization)
    rows = (
        _current_certifications()
        .filter(
            staff__supervisor__user_id=request.user.pk,
            expiry_date__lte=today + dt.timedelta(days=EXPIRING_WITHIN_DAYS),
        )
        .order_by("expiry_date", "pk")
    )
    return {"today": today, "within_days": EXPIRING_WITHIN_DAYS, **home.rows_and_more(rows)}


def my_certifications(request) -> dict | None:
    """The person's own certifications that lapse within the window or have lapsed without a
    renewal: staff are told first, not only HR. Left out when there are none."""
    own = own_staff(request)
    if own is None:
        return None
    today = clock.today(request.organization)
    rows = home.rows_and_more(
        _current_certifications()
        .filter(staff_id=own.pk, expiry_date__lte=today + dt.timedelta(days=EXPIRING_WITHIN_DAYS))
        .order_by("expiry_date", "pk")
    )
    if not rows["rows"]:
        return None
    return {"today": today, **rows}


PANELS = [
    home.Panel(
        key="certifications",
        title=_("Certifications expiring and expired"),
        template="staff/partials/_home_certifications.html",
        permissions=("staff.change_certification",),
        order=40,
        context=certifications,
        tables=STAFF_TABLES,
    ),
    home.Panel(
        key="overdue_training",
        title=_("Overdue training"),
        template="staff/partials/_home_overdue_training.html",
        permissions=("staff.change_trainingrecord",),
        order=41,
        context=overdue_training,
        tables=STAFF_TABLES,
    ),
    home.Panel(
        key="my_certifications",
        title=_("Your certifications to renew"),
        template="staff/partials/_home_my_certifications.html",
        # After the day's work (shifts, clients, notes due): renewing is this month's, not today's.
        order=14,
        context=my_certifications,
        tables=STAFF_TABLES,
    ),
    home.Panel(
        key="team_certifications",
        title=_("Your team's certifications"),
        template="staff/partials/_home_team_certifications.html",
        permissions=("staff.view_certification",),
        order=31,
        predicate=_supervises_someone,
        context=team_certifications,
        tables=STAFF_TABLES,
    ),
]
