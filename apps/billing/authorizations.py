"""Service authorizations: saving them, their status, and how much of each is used.

Utilization is computed for many authorizations at once (a list page, the nightly alerts):
one aggregate query for the units used in total and in the current week and month, and one
for the scheduled shifts still to come, whatever the number of authorizations."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.billing.generation import billables_recheck
from apps.billing.models import BillableService, ServiceAuthorization
from apps.billing.units import units_for
from apps.core import clock
from apps.scheduling.models import Service, Shift

FIELDS = (
    "client",
    "payer",
    "service",
    "authorization_number",
    "start_date",
    "end_date",
    "units_authorized",
    "period",
    "period_units",
    "status",
    "notes",
)
ZERO = Decimal("0.00")
UPCOMING_SHIFTS = (Shift.Status.SCHEDULED, Shift.Status.CONFIRMED)


@transaction.atomic
def authorization_save(
    *, authorization: ServiceAuthorization | None = None, actor, **fields: Any
) -> ServiceAuthorization:
    """Create or change an authorization. A change of its units or end date resets its
    notifications (a renewed authorization is announced again at 80%…); the client's
    billable services of that service are checked again, since units may now be free."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"authorization_save() got unexpected fields: {', '.join(sorted(unknown))}")
    creating = authorization is None
    authorization = authorization or ServiceAuthorization()
    before = (authorization.units_authorized, authorization.end_date, authorization.period_units)
    for name, value in fields.items():
        setattr(authorization, name, value)
    if authorization.period == ServiceAuthorization.Period.TOTAL:
        authorization.period_units = None
    elif authorization.period_units is None:
        raise ValidationError({"period_units": _("Give the units allowed per week or month.")})
    authorization.authorization_number = (authorization.authorization_number or "").strip()
    _check_next_to_fields(authorization)
    authorization.full_clean()
    if not creating and (authorization.units_authorized, authorization.end_date, authorization.period_units) != before:
        authorization.notified_80_at = authorization.notified_100_at = authorization.notified_ending_at = None
    authorization.save()
    _recheck(authorization)
    return authorization


@transaction.atomic
def authorization_set_status(*, authorization: ServiceAuthorization, status: str, actor) -> ServiceAuthorization:
    if status not in ServiceAuthorization.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    authorization.status = status
    authorization.save(update_fields=["status", "updated_at"])
    _recheck(authorization)
    return authorization


def _check_next_to_fields(authorization: ServiceAuthorization) -> None:
    """The table's constraints on dates and numbers, checked first so their messages show next
    to the field to correct (full_clean reports a constraint above the form, on no field)."""
    errors: dict[str, str] = {}
    start, end = authorization.start_date, authorization.end_date
    if start and end and end < start:
        errors["end_date"] = _("The end date cannot be before the start date.")
    number = authorization.authorization_number
    if (
        number
        and authorization.payer_id
        and ServiceAuthorization.objects.filter(payer_id=authorization.payer_id, authorization_number=number)
        .exclude(pk=authorization.pk)
        .exists()
    ):
        errors["authorization_number"] = _("This payer already has an authorization with this number.")
    if errors:
        raise ValidationError(errors)


def _recheck(authorization: ServiceAuthorization) -> None:
    billables_recheck(
        queryset_or_ids=BillableService.objects.filter(
            client_id=authorization.client_id, service_id=authorization.service_id
        )
    )


@dataclass
class Utilization:
    authorized: Decimal
    used: Decimal
    scheduled: Decimal
    remaining: Decimal
    percent_used: Decimal  # of the units authorized, one decimal place
    burn_per_day: Decimal
    burn_per_week: Decimal
    exhausts_on: dt.date | None  # at the burn rate so far; None when nothing is used
    period: str
    period_units: Decimal | None
    period_used: Decimal  # in the current week or month, for a capped authorization

    @property
    def bar_percent(self) -> int:
        """The bar's width: the percentage used, at most 100."""
        return min(int(self.percent_used), 100)

    @property
    def exhausted(self) -> bool:
        return self.remaining <= 0


def utilization(
    authorizations: Sequence[ServiceAuthorization], *, today: dt.date | None = None
) -> dict[uuid.UUID, Utilization]:
    """Utilization of each authorization, by pk, in two queries for any number of them."""
    if not authorizations:
        return {}
    today = today or clock.today()
    week, month = today - dt.timedelta(days=today.weekday()), today.replace(day=1)
    ids = [a.pk for a in authorizations]
    used = {
        row["authorization_id"]: row
        # Used: what is billed or billable under it. Services it blocked (past its limit) are
        # delivered but not covered by it, so they do not use it up twice.
        for row in BillableService.objects.filter(
            authorization_id__in=ids, status__in=[BillableService.Status.READY, BillableService.Status.CLAIMED]
        )
        .values("authorization_id")
        .annotate(
            total=Sum("units"),
            week=Sum("units", filter=Q(service_date__gte=week, service_date__lt=week + dt.timedelta(days=7))),
            month=Sum("units", filter=Q(service_date__gte=month, service_date__lte=clock.month_end(today))),
        )
    }
    scheduled = _scheduled(authorizations, today)
    found = {}
    for a in authorizations:
        row = used.get(a.pk, {})
        spent = row.get("total") or ZERO
        remaining = a.units_authorized - spent
        elapsed = (min(today, a.end_date) - a.start_date).days + 1
        per_day = (spent / elapsed).quantize(Decimal("0.01"), ROUND_HALF_UP) if elapsed > 0 and spent else ZERO
        exhausts_on = None
        if spent and elapsed > 0:
            days_left = math.ceil(max(remaining, ZERO) * elapsed / spent)
            exhausts_on = min(today, a.end_date) + dt.timedelta(days=days_left) if days_left else today
        period_used = {"week": row.get("week"), "month": row.get("month")}.get(a.period) or ZERO
        found[a.pk] = Utilization(
            authorized=a.units_authorized,
            used=spent,
            scheduled=scheduled.get(a.pk, ZERO),
            remaining=remaining,
            percent_used=(spent * 100 / a.units_authorized).quantize(Decimal("0.1"), ROUND_HALF_UP),
            burn_per_day=per_day,
            burn_per_week=(per_day * 7).quantize(Decimal("0.01"), ROUND_HALF_UP),
            exhausts_on=exhausts_on,
            period=a.period,
            period_units=a.period_units,
            period_used=period_used,
        )
    return found


def _scheduled(authorizations: Sequence[ServiceAuthorization], today: dt.date) -> dict[uuid.UUID, Decimal]:
    """Units of the shifts still to come within each authorization's dates, converted by
    its service's rule (a "day" service counts one per date)."""
    keys: dict[tuple, list[ServiceAuthorization]] = defaultdict(list)
    for a in authorizations:
        if a.end_date >= today:
            keys[(a.client_id, a.service_id)].append(a)
    if not keys:
        return {}
    now = timezone.now()
    services = Service.objects.in_bulk({s for _, s in keys})
    shifts = Shift.objects.filter(
        client_id__in={c for c, _ in keys},
        service_id__in={s for _, s in keys},
        status__in=UPCOMING_SHIFTS,
        starts_at__gte=now,
        shift_date__lte=max(a.end_date for group in keys.values() for a in group),
    ).values_list("client_id", "service_id", "shift_date", "starts_at", "ends_at")
    totals: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    days_counted = set()
    for client_id, service_id, day, starts_at, ends_at in shifts:
        service = services[service_id]
        for a in keys.get((client_id, service_id), ()):
            if not a.start_date <= day <= a.end_date:
                continue
            if service.unit_type == Service.UnitType.DAY:
                if (a.pk, day) in days_counted:
                    continue
                days_counted.add((a.pk, day))
            totals[a.pk] += units_for(service=service, seconds=int((ends_at - starts_at).total_seconds()))
    return dict(totals)
