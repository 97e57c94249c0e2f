"""Schedules: the week's schedule a shift joins, saving (a new schedule or changes, by their
values; schedule_save for an instance the Django admin built), checking, publishing (the staff
on it are told) and the status changes (lock, archive, reopen)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.permissions import can
from apps.scheduling import conflicts, timing
from apps.scheduling import rules as org_rules
from apps.scheduling.models import (
    ConflictOverride,
    Schedule,
    Shift,
    automatic_schedule_name,
)
from apps.scheduling.services.common import (
    Conflicts,
    ensure_editable,
    existing_schedule,
    keep_overrides,
    lock_schedules_of,
    may_pass,
)

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.clients.models import ClientLocation


def schedule_name(location, first: dt.date) -> str:
    """The name of a schedule made for a location's week, in the active language (stored as
    made; shown through Schedule.display_name, rebuilt for each reader)."""
    return automatic_schedule_name(location, first)


def schedule_for(*, location, day: dt.date, organization, actor) -> Schedule:
    """The schedule of the location (None: agency-wide) holding `day`, created as a draft for
    the organization's week when there is none: a shift outside every schedule was missing
    from its week and publishing told nobody about it."""
    first = timing.week_of(day, org_rules.for_organization(organization).week_start)
    lock_schedules_of(location)
    found = existing_schedule(location=location, day=day)
    if found is not None:
        return found
    schedule = Schedule(
        # A long location name is shortened so the name fits its column.
        schedule_name=schedule_name(location, first)[: Schedule._meta.get_field("schedule_name").max_length],
        name_is_automatic=True,
        schedule_type=Schedule.Type.WEEKLY,
        start_date=first,
        end_date=first + dt.timedelta(days=6),
        location=location,
        created_by=actor,
    )
    schedule.full_clean()
    schedule.save()
    return schedule


@transaction.atomic
def schedule_save(*, schedule: Schedule, actor) -> Schedule:
    if not schedule._state.adding:
        ensure_editable(Schedule.objects.select_for_update().get(pk=schedule.pk), actor)
    if schedule._state.adding:
        schedule.created_by = actor
    schedule.full_clean()
    lock_schedules_of(schedule.location)
    _refuse_overlap(schedule)
    schedule.save()
    return schedule


@transaction.atomic
def schedule_create(
    *,
    actor: User,
    schedule_name: str,
    schedule_type: str,
    start_date: dt.date,
    end_date: dt.date,
    location: ClientLocation | None,
    notes: str,
) -> Schedule:
    schedule = Schedule(
        schedule_name=schedule_name,
        schedule_type=schedule_type,
        start_date=start_date,
        end_date=end_date,
        location=location,
        notes=notes,
    )
    return schedule_save(schedule=schedule, actor=actor)


@transaction.atomic
def schedule_update(
    *,
    schedule: Schedule,
    actor: User,
    schedule_name: str,
    name_is_automatic: bool,
    schedule_type: str,
    start_date: dt.date,
    end_date: dt.date,
    location: ClientLocation | None,
    notes: str,
) -> Schedule:
    """`name_is_automatic`: the name was left as made for its week (shown in the reader's
    language, kept as stored); a typed name is the schedule's own from then on."""
    schedule.schedule_name, schedule.name_is_automatic = schedule_name, name_is_automatic
    schedule.schedule_type, schedule.start_date, schedule.end_date = schedule_type, start_date, end_date
    schedule.location, schedule.notes = location, notes
    return schedule_save(schedule=schedule, actor=actor)


def _refuse_overlap(schedule: Schedule) -> None:
    """One live schedule per place and day: a second one beside a week's schedule splits its
    shifts, and publishing one would tell staff only half of the week."""
    if schedule.status == Schedule.Status.ARCHIVED:
        return
    other = (
        Schedule.objects.filter(start_date__lte=schedule.end_date, end_date__gte=schedule.start_date)
        .filter(Q(location__isnull=True) if schedule.location_id is None else Q(location_id=schedule.location_id))
        .exclude(status=Schedule.Status.ARCHIVED)
        .exclude(pk=schedule.pk)
        .order_by("start_date", "pk")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "start_date": _(
                    "“%(name)s” (%(start)s–%(end)s) already covers these days for this place. Change or "
                    "archive it instead of adding a second schedule."
                )
                % {
                    "name": other.display_name,
                    "start": date_format(other.start_date),
                    "end": date_format(other.end_date),
                }
            }
        )


def schedule_check(schedule: Schedule, *, organization) -> list[tuple[Shift, list[conflicts.Finding]]]:
    shifts = list(schedule.shifts.select_related("staff", "location").order_by("starts_at"))
    return list(zip(shifts, conflicts.check(shifts, organization=organization), strict=True))


@transaction.atomic
def schedule_publish(*, schedule: Schedule, actor, organization, override_reason: str = "") -> list:
    """Publish a draft: every shift checked together; blocking conflicts stop it unless
    overridden with a reason. The staff on it hear about it."""
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    if schedule.status != Schedule.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    results = schedule_check(schedule, organization=organization)
    overridden = _overridden(schedule)
    blocking = [(s, f) for s, found in results for f in found if f.blocking and (s.pk, f.code) not in overridden]
    if not may_pass([f for _s, f in blocking], actor=actor, reason=override_reason):
        raise Conflicts([f for _s, f in blocking], shifts=[s for s, _f in blocking])
    for s, f in blocking:
        keep_overrides([f], actor=actor, reason=override_reason, shift=s)
    schedule.status = Schedule.Status.PUBLISHED
    schedule.approved_by = actor
    schedule.approved_at = timezone.now()
    schedule.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _tell_staff(schedule, [s for s, _f in results])
    return results


def _overridden(schedule: Schedule) -> set[tuple]:
    """(shift, rule) pairs someone already let through with a reason since the shift last
    changed: publishing does not ask for them again. A later change to the shift (another
    time, another person) makes its conflicts new ones."""
    return set(
        ConflictOverride.objects.filter(shift__schedule=schedule, created_at__gte=F("shift__updated_at")).values_list(
            "shift_id", "code"
        )
    )


def _tell_staff(schedule: Schedule, shifts: list[Shift]) -> None:
    from apps.accounts.models import User
    from apps.notifications import services as notifications
    from apps.scheduling.jobs import PUBLISHED_KIND

    user_ids = {s.staff.user_id for s in shifts if s.staff is not None and s.staff.user_id}
    recipients = list(User.objects.filter(pk__in=user_ids, status=User.Status.ACTIVE))
    if recipients:
        notifications.notify(
            recipients=recipients,
            type=PUBLISHED_KIND.key,
            context={
                "schedule": schedule.display_name,
                "start": schedule.start_date.isoformat(),
                "end": schedule.end_date.isoformat(),
            },
            link="/scheduling/mine/",
            channels=["in_app", "email"],
        )


@transaction.atomic
def schedule_set_status(*, schedule: Schedule, status: str, actor) -> Schedule:
    """Lock a published schedule (no more changes but by admins), archive it, or reopen a
    locked one to published (admins)."""
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    allowed: dict[tuple[str, str], str] = {
        (Schedule.Status.PUBLISHED, Schedule.Status.LOCKED): "scheduling.publish_schedule",
        (Schedule.Status.LOCKED, Schedule.Status.PUBLISHED): "scheduling.change_locked_schedule",
        (Schedule.Status.PUBLISHED, Schedule.Status.ARCHIVED): "scheduling.publish_schedule",
        (Schedule.Status.LOCKED, Schedule.Status.ARCHIVED): "scheduling.publish_schedule",
        (Schedule.Status.DRAFT, Schedule.Status.ARCHIVED): "scheduling.change_schedule",
    }
    perm = allowed.get((schedule.status, status))
    if perm is None:
        raise ValidationError(
            _("A %(from)s schedule cannot become %(to)s.")
            % {"from": schedule.get_status_display().lower(), "to": Schedule.Status(status).label.lower()}
        )
    if not can(actor, perm):
        raise PermissionDenied
    schedule.status = status
    schedule.save(update_fields=["status", "updated_at"])
    return schedule
