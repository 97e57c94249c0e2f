"""Scheduling: schedules (the seed's `schedules`), shifts (`shifts`), appointments
(`appointments`), and what the seed leaves out: services (the type of service a shift
delivers, with the certifications it needs), conflict overrides, electronic visit
verification (Visit and its corrections) and each person's calendar feed.

Times: a shift keeps the seed's date and wall-clock times, and also its absolute start and
end (starts_at, ends_at), worked out in the organization's time zone when it is saved. An end
at or before the start means the next day (overnight); the absolute times make overlap,
rest and weekly-hours checks plain comparisons, right across daylight-saving changes.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _

from apps.core.models import BaseModel


class Service(BaseModel):
    """A type of service (the seed's `services`, and the EVV "type of service"): a code as the
    payer knows it (HCPCS, state codes), the certification types staff must hold to deliver
    it, and how it is billed: its unit, how minutes become units, its base rate and the HCPCS
    modifiers that go with its code on a claim line."""

    class UnitType(models.TextChoices):
        # The seed's unit_type enum.
        UNIT = "unit", _("Unit of time")
        HOUR = "hour", _("Hour")
        DAY = "day", _("Day")
        VISIT = "visit", _("Visit")

    class Rounding(models.TextChoices):
        # Whole minutes: a unit once more than half of it was delivered (7 minutes: none;
        # 8 minutes: one unit of 15; 23 minutes: two).
        EIGHT_MINUTE = "eight_minute", _("8-minute rule (more than half a unit counts)")
        DOWN = "down", _("Round down (only whole units)")
        # Exact seconds, half a unit or more counts (7½ minutes of 15 is one unit).
        NEAREST = "nearest", _("Round to the nearest unit")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    required_certifications = models.JSONField(_("required certifications"), default=list, blank=True)
    unit_type = models.CharField(_("unit"), max_length=10, choices=UnitType.choices, default=UnitType.UNIT)
    # The length of one unit ("unit of time") or the step hours are counted in ("hour").
    unit_minutes = models.PositiveSmallIntegerField(
        _("unit length (minutes)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
        help_text=_("15 for the usual quarter-hour unit. For hourly services, the step hours are counted in."),
    )
    rounding = models.CharField(_("rounding"), max_length=15, choices=Rounding.choices, default=Rounding.EIGHT_MINUTE)
    base_rate = models.DecimalField(
        _("base rate"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("Per unit, when the payer has no rate of its own for the date."),
    )
    modifiers = ArrayField(
        models.CharField(
            max_length=2,
            validators=[RegexValidator(r"^[A-Z0-9]{2}$", _("A modifier is two capital letters or digits (U1, HQ)."))],
        ),
        size=4,
        default=list,
        blank=True,
        verbose_name=_("HCPCS modifiers"),
        help_text=_("Up to four two-character modifiers, comma-separated (U1, HQ)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(base_rate__gte=0),
                name="service_base_rate_not_negative",
                violation_error_message=_("The base rate cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(unit_minutes__gte=1),
                name="service_unit_minutes_positive",
                violation_error_message=_("A unit lasts at least one minute."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Schedule(BaseModel):
    class Type(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        CUSTOM = "custom", _("Custom")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        LOCKED = "locked", _("Locked")
        ARCHIVED = "archived", _("Archived")

    schedule_name = models.CharField(_("name"), max_length=255)
    # Made by schedule_for for a location's week: shown rebuilt in the reader's language
    # (display_name) instead of the creator's words; a name someone typed stays as typed.
    name_is_automatic = models.BooleanField(_("automatic name"), default=False, editable=False)
    schedule_type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.WEEKLY)
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Where it applies (a home, the day program); blank for an agency-wide schedule.
    location = models.ForeignKey(
        "clients.ClientLocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="schedules",
        verbose_name=_("location"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-start_date", "schedule_name"]
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        permissions = [
            ("publish_schedule", _("Can publish schedules")),
            ("change_locked_schedule", _("Can change locked schedules")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="schedule_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name to show: an automatic one in the active language and date format."""
        if self.name_is_automatic:
            return automatic_schedule_name(self.location, self.start_date)
        return self.schedule_name

    def get_absolute_url(self) -> str:
        return reverse("scheduling:schedule", args=[self.pk])


def automatic_schedule_name(location, first) -> str:
    """The name of a schedule made for a location's week, in the active language."""
    from django.utils.translation import gettext, pgettext

    day = date_format(first, pgettext("date in a schedule's name", "M j, Y"))
    place = location.name if location is not None else gettext("Agency-wide")
    return gettext("%(location)s, week of %(date)s") % {"location": place, "date": day}


class Shift(BaseModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CONFIRMED = "confirmed", _("Confirmed")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        # Clocked out with an EVV exception: completed once someone allowed resolves it.
        NEEDS_REVIEW = "needs_review", _("Awaiting review")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No show")

    class Type(models.TextChoices):
        REGULAR = "regular", _("Regular")
        OVERTIME = "overtime", _("Overtime")
        HOLIDAY = "holiday", _("Holiday")
        ON_CALL = "on_call", _("On call")
        SPLIT = "split", _("Split")

    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("schedule")
    )
    # Blank: an open shift, for staff to claim or a manager to assign.
    staff = models.ForeignKey(
        "staff.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("staff")
    )
    location = models.ForeignKey(
        "clients.ClientLocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shifts",
        verbose_name=_("location"),
    )
    # An in-home visit is with one client; a shift at a home is with its residents.
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shifts",
        verbose_name=_("client"),
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("service")
    )
    shift_date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    break_start = models.TimeField(_("break starts"), null=True, blank=True)
    break_end = models.TimeField(_("break ends"), null=True, blank=True)
    meal_start = models.TimeField(_("meal starts"), null=True, blank=True)
    meal_end = models.TimeField(_("meal ends"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    shift_type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.REGULAR)
    is_mandatory = models.BooleanField(_("mandatory"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)
    # Not columns: set by selectors.with_findings for the pages that mark conflicts (conflicts'
    # Finding objects; that module imports this one).
    findings: list[Any]
    has_error: bool

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        permissions = [
            ("override_conflict", _("Can override a blocking schedule conflict")),
            ("claim_shift", _("Can claim open shifts")),
        ]
        indexes = [
            # The seed's indexes on staff, date, and staff + date.
            models.Index(fields=["staff", "shift_date"], name="shift_staff_date_idx"),
            models.Index(fields=["shift_date"], name="shift_date_idx"),
            # Overlap, rest and weekly-hours checks, and the week grid.
            models.Index(fields=["staff", "starts_at"], name="shift_staff_starts_idx"),
            models.Index(fields=["location", "starts_at"], name="shift_location_starts_idx"),
            models.Index(fields=["starts_at"], name="shift_open_idx", condition=Q(staff__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="shift_ends_after_start",
                violation_error_message=_("The shift must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{date_format(self.shift_date)} {time_format(self.start_time)}–{time_format(self.end_time)}"

    @property
    def is_open(self) -> bool:
        return self.staff_id is None

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def get_absolute_url(self) -> str:
        return reverse("scheduling:shift", args=[self.pk])


class ConflictOverride(BaseModel):
    """A blocking conflict a manager let through, with their reason."""

    shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.CASCADE, related_name="overrides")
    appointment = models.ForeignKey(
        "Appointment", null=True, blank=True, on_delete=models.CASCADE, related_name="overrides"
    )
    code = models.CharField(_("rule"), max_length=40)
    message = models.TextField(_("conflict"))
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("conflict override")
        verbose_name_plural = _("conflict overrides")

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


class Appointment(BaseModel):
    class Type(models.TextChoices):
        MEDICAL = "medical", _("Medical")
        THERAPY = "therapy", _("Therapy")
        SOCIAL = "social", _("Social")
        LEGAL = "legal", _("Legal")
        FAMILY_VISIT = "family_visit", _("Family visit")
        OUTING = "outing", _("Outing")

    Status = Shift.Status

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="appointments", verbose_name=_("client")
    )
    staff = models.ForeignKey(
        "staff.Staff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
        verbose_name=_("staff"),
    )
    appointment_type = models.CharField(_("type"), max_length=20, choices=Type.choices, blank=True)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    location = models.TextField(_("where"), blank=True)
    start_datetime = models.DateTimeField(_("starts"))
    end_datetime = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    requires_transport = models.BooleanField(_("needs transport"), default=False)
    transport_staff = models.ForeignKey(
        "staff.Staff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transports",
        verbose_name=_("driver"),
    )
    reminder_sent = models.BooleanField(_("reminder sent"), default=False, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["start_datetime"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["client"], name="appointment_client_idx"),
            models.Index(fields=["start_datetime"], name="appointment_start_idx"),
            models.Index(fields=["transport_staff", "start_datetime"], name="appointment_driver_idx"),
            models.Index(fields=["staff", "start_datetime"], name="appointment_staff_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_datetime__gt=models.F("start_datetime")),
                name="appointment_ends_after_start",
                violation_error_message=_("The appointment must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scheduling:appointment", args=[self.pk])


class Visit(BaseModel):
    """Electronic visit verification: one clock-in/clock-out of a shift or appointment, with
    the six data elements of the 21st Century Cures Act (service type, client, date,
    location, staff, start and end time)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Clocked in")
        VERIFIED = "verified", _("Verified")
        # Clocked out with exceptions nobody has resolved yet (as the shift's own state reads).
        EXCEPTION = "exception", _("Awaiting review")

    class Exception(models.TextChoices):
        OUTSIDE_GEOFENCE = "outside_geofence", _("Outside the geofence")
        NO_LOCATION = "no_location", _("No location from the device")
        NO_SITE_COORDINATES = "no_site_coordinates", _("The client or location has no coordinates")
        LOW_ACCURACY = "low_accuracy", _("Location too imprecise")
        MANUAL_ENTRY = "manual_entry", _("Times entered or corrected by hand")
        EARLY_OR_LATE = "early_or_late", _("Clocked in far from the scheduled time")
        EARLY_CLOCK_OUT = "early_clock_out", _("Clocked out before the scheduled end")
        LATE_CLOCK_OUT = "late_clock_out", _("Clocked out after the scheduled end")
        SHORT_VISIT = "short_visit", _("Shorter than the minimum visit")

    class Reason(models.TextChoices):
        COMMUNITY_ACTIVITY = "community_activity", _("Service delivered in the community")
        DEVICE_PROBLEM = "device_problem", _("Phone or GPS problem")
        CLIENT_ELSEWHERE = "client_elsewhere", _("Client was at another address")
        FORGOT_TO_CLOCK = "forgot_to_clock", _("Forgot to clock in or out")
        SCHEDULE_CHANGE = "schedule_change", _("Schedule changed")
        OTHER = "other", _("Other (see note)")

    shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.PROTECT, related_name="visits", verbose_name=_("shift")
    )
    appointment = models.ForeignKey(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("appointment"),
    )
    staff = models.ForeignKey("staff.Staff", on_delete=models.PROTECT, related_name="visits", verbose_name=_("staff"))
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("client"),
    )
    location = models.ForeignKey(
        "clients.ClientLocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("location"),
    )
    service_code = models.CharField(_("service"), max_length=20, blank=True)
    clock_in_at = models.DateTimeField(_("clocked in"))
    clock_in_latitude = models.DecimalField(
        _("latitude at clock-in"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    clock_in_longitude = models.DecimalField(
        _("longitude at clock-in"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    clock_in_accuracy_m = models.FloatField(_("accuracy at clock-in (m)"), null=True, blank=True)
    clock_in_distance_m = models.FloatField(_("distance at clock-in (m)"), null=True, blank=True)
    clock_out_at = models.DateTimeField(_("clocked out"), null=True, blank=True)
    clock_out_latitude = models.DecimalField(
        _("latitude at clock-out"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    clock_out_longitude = models.DecimalField(
        _("longitude at clock-out"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    clock_out_accuracy_m = models.FloatField(_("accuracy at clock-out (m)"), null=True, blank=True)
    clock_out_distance_m = models.FloatField(_("distance at clock-out (m)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    exception_codes = models.JSONField(_("exceptions"), default=list, blank=True)
    reason_code = models.CharField(_("reason"), max_length=30, choices=Reason.choices, blank=True)
    reason_note = models.TextField(_("reason note"), blank=True)
    # A clock-out exception needs its own reason, whatever was said at clock-in.
    clock_out_reason_code = models.CharField(
        _("reason at clock-out"), max_length=30, choices=Reason.choices, blank=True
    )
    clock_out_reason_note = models.TextField(_("reason note at clock-out"), blank=True)
    # Who accepted a visit with exceptions (scheduling.verify_visit), when and why.
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    resolution_note = models.TextField(_("resolution note"), blank=True)

    class Meta:
        ordering = ["-clock_in_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        permissions = [
            ("correct_visit", _("Can correct visit times")),
            ("verify_visit", _("Can resolve visit exceptions")),
        ]
        indexes = [
            models.Index(fields=["-clock_in_at"], name="visit_clock_in_idx"),
            # Visits without their note, latest first (the homes' panel): found in this order
            # without sorting every visit ever made.
            models.Index(
                fields=["-clock_out_at", "-id"],
                condition=models.Q(clock_out_at__isnull=False),
                name="visit_clock_out_idx",
            ),
            models.Index(fields=["status", "-clock_in_at"], name="visit_status_idx"),
            models.Index(fields=["staff", "-clock_in_at"], name="visit_staff_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(shift__isnull=False) | Q(appointment__isnull=False),
                name="visit_of_shift_or_appointment",
                violation_error_message=_("A visit belongs to a shift or an appointment."),
            ),
            # One open visit per person: clocked in once until clocked out.
            models.UniqueConstraint(
                fields=["staff"],
                condition=Q(clock_out_at__isnull=True),
                name="visit_one_open",
                violation_error_message=_("This person is already clocked in to another visit: clock out first."),
            ),
            models.CheckConstraint(
                condition=Q(clock_out_at__isnull=True) | Q(clock_out_at__gt=models.F("clock_in_at")),
                name="visit_out_after_in",
                violation_error_message=_("The clock-out time must be after the clock-in time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {date_format(timezone.localtime(self.clock_in_at), 'DATETIME_FORMAT')}"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:visit", args=[self.pk])

    @property
    def minutes(self) -> int | None:
        """How long the visit lasted, in whole minutes (None while clocked in)."""
        if self.clock_out_at is None:
            return None
        return int((self.clock_out_at - self.clock_in_at).total_seconds() // 60)

    @property
    def length(self) -> tuple[int, int] | None:
        """The visit's length as (hours, minutes), for pages."""
        return None if self.minutes is None else divmod(self.minutes, 60)


class VisitCorrection(BaseModel):
    """A change made by hand to a visit's times, with who, why and the values before."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=30)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("visit correction")
        verbose_name_plural = _("visit corrections")

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class CalendarFeed(BaseModel):
    """A staff member's iCalendar feed. The URL's secret is shown once; only its hash is kept,
    so the database alone cannot be used to read anyone's calendar. Revoking deletes it."""

    staff = models.OneToOneField("staff.Staff", on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.staff)

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
