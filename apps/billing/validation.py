"""Why a billable service cannot be billed yet: stable codes (stored in
BillableService.blocking_reasons) with labels for people.

Everything here is computed for many billables at once, in a handful of queries whatever
their number (generation checks a month of visits in one call): coverage, authorizations,
certifications, employment, the billables already on record, each fetched once for the
whole set and matched in memory."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.billing.models import BillableService, Coverage, ServiceAuthorization
from apps.core import clock
from apps.scheduling.models import Service, Shift, Visit
from apps.staff.models import Certification, Staff

NO_AUTHORIZATION = "no_authorization"
AUTHORIZATION_EXHAUSTED = "authorization_exhausted"
NO_COVERAGE = "no_coverage"
STAFF_NOT_CERTIFIED = "staff_not_certified"
STAFF_NOT_EMPLOYED = "staff_not_employed"
OVERLAP = "overlap"
FUTURE_DATE = "future_date"
VISIT_UNVERIFIED = "visit_unverified"

LABELS = {
    NO_AUTHORIZATION: _("No active authorization for this client, service and payer on the date"),
    AUTHORIZATION_EXHAUSTED: _("Not enough authorized units left"),
    NO_COVERAGE: _("The client has no coverage on the date"),
    STAFF_NOT_CERTIFIED: _("Staff lack a certification the service requires"),
    STAFF_NOT_EMPLOYED: _("Staff were not employed on the date"),
    OVERLAP: _("Overlaps another billable service for the same client and service"),
    FUTURE_DATE: _("The date of service is in the future"),
    VISIT_UNVERIFIED: _("The visit is not verified or its shift not completed"),
}
CODES = list(LABELS)


def label(code: str) -> str:
    return str(LABELS.get(code, code))


def labels(codes: Sequence[str]) -> list[str]:
    return [label(code) for code in codes]


def period_start(day: dt.date, period: str) -> dt.date | None:
    """The first day of the week (Monday) or month a day falls in, for a capped authorization."""
    if period == ServiceAuthorization.Period.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if period == ServiceAuthorization.Period.MONTH:
        return day.replace(day=1)
    return None


def on_record(row) -> bool:
    """A saved billable (a re-check), not a candidate about to be inserted (generation)."""
    state = getattr(row, "_state", None)
    return state is not None and not state.adding


def blocking_reasons(
    rows: Sequence[BillableService], *, visits_ok: dict[uuid.UUID, bool] | None = None
) -> list[list[str]]:
    """The blocking codes of each row, in the rows' order. Rows may be unsaved (generation)
    or on record (a re-check); `visits_ok` says, when the caller already knows, whether each
    row's visit is verified with its shift completed."""
    if not rows:
        return []
    found: list[list[str]] = [[] for _ in rows]
    today = clock.today()
    for i, row in enumerate(rows):
        if row.service_date > today:
            found[i].append(FUTURE_DATE)
    _coverage(rows, found)
    _authorization(rows, found)
    _staff(rows, found)
    _overlap(rows, found)
    _visits(rows, found, visits_ok)
    return [sorted(set(codes), key=CODES.index) for codes in found]


def _dates(rows) -> tuple[dt.date, dt.date]:
    days = [row.service_date for row in rows]
    return min(days), max(days)


def _coverage(rows, found) -> None:
    first, last = _dates(rows)
    spans = defaultdict(list)
    coverages = (
        Coverage.objects.filter(client_id__in={row.client_id for row in rows}, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("client_id", "start_date", "end_date")
    )
    for client_id, start, end in coverages:
        spans[client_id].append((start, end))
    for i, row in enumerate(rows):
        day = row.service_date
        if not any(start <= day and (end is None or day <= end) for start, end in spans.get(row.client_id, ())):
            found[i].append(NO_COVERAGE)


def _authorization(rows, found) -> None:
    """No authorization that fits the row; and, in date order, the rows beyond its units
    (in total, or in their week or month)."""
    ids = {row.authorization_id for row in rows if row.authorization_id}
    authorizations = {a.pk: a for a in ServiceAuthorization.objects.filter(pk__in=ids)}
    for i, row in enumerate(rows):
        a = authorizations.get(row.authorization_id)
        if (
            a is None
            or a.status != ServiceAuthorization.Status.ACTIVE
            or (a.client_id, a.service_id, a.payer_id) != (row.client_id, row.service_id, row.payer_id)
            or not a.start_date <= row.service_date <= a.end_date
        ):
            found[i].append(NO_AUTHORIZATION)
    if not authorizations:
        return
    # Everything else drawing on these authorizations: claimed services have been billed and
    # count first; the rest take units in date order, each only if it still fits.
    mine = {row.pk for row in rows if on_record(row)}
    others = (
        BillableService.objects.filter(authorization_id__in=authorizations)
        .exclude(status=BillableService.Status.VOID)
        .exclude(pk__in=mine)
        .values_list("pk", "authorization_id", "service_date", "starts_at", "units", "status")
    )
    queue: list[tuple] = []
    used: dict[tuple, Decimal] = defaultdict(Decimal)
    for pk, authorization_id, day, starts_at, units, status in others:
        a = authorizations[authorization_id]
        if status == BillableService.Status.CLAIMED:
            _draw(used, a, day, units)
        else:
            queue.append((day, starts_at or day_start(day), pk.int, None, a, units))
    for i, row in enumerate(rows):
        a = authorizations.get(row.authorization_id)
        if a is not None and NO_AUTHORIZATION not in found[i] and row.status != BillableService.Status.VOID:
            queue.append((row.service_date, row.starts_at or day_start(row.service_date), i, i, a, row.units))
    queue.sort(key=lambda item: item[:3])
    for day, _starts, _pk, index, a, units in queue:
        if _fits(used, a, day, units):
            _draw(used, a, day, units)
        elif index is not None:
            found[index].append(AUTHORIZATION_EXHAUSTED)


def day_start(day: dt.date) -> dt.datetime:
    # Services without times (none are made so today) sort first in their day.
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _fits(used, a, day, units) -> bool:
    if used[(a.pk, None)] + units > a.units_authorized:
        return False
    start = period_start(day, a.period)
    return start is None or a.period_units is None or used[(a.pk, start)] + units <= a.period_units


def _draw(used, a, day, units) -> None:
    used[(a.pk, None)] += units
    start = period_start(day, a.period)
    if start is not None:
        used[(a.pk, start)] += units


def _staff(rows, found) -> None:
    staff = {
        pk: (hired, left)
        for pk, hired, left in Staff.objects.filter(pk__in={row.staff_id for row in rows}).values_list(
            "pk", "hire_date", "termination_date"
        )
    }
    required = {
        pk: list(types or [])
        for pk, types in Service.objects.filter(pk__in={row.service_id for row in rows}).values_list(
            "pk", "required_certifications"
        )
    }
    kinds = {kind for types in required.values() for kind in types}
    held = defaultdict(list)
    if kinds:
        certificates = (
            Certification.objects.filter(staff_id__in=staff, certification_type__in=kinds)
            .exclude(status=Certification.Status.SUSPENDED)
            .values_list("staff_id", "certification_type", "issue_date", "expiry_date")
        )
        for staff_id, kind, issued, expires in certificates:
            held[(staff_id, kind)].append((issued, expires))
    for i, row in enumerate(rows):
        day = row.service_date
        hired, left = staff.get(row.staff_id, (None, None))
        # As scheduling reads it: the termination date is the first day no longer employed.
        if hired is None or day < hired or (left is not None and day >= left):
            found[i].append(STAFF_NOT_EMPLOYED)
        for kind in required.get(row.service_id, ()):
            spans = held.get((row.staff_id, kind), ())
            if not any(issued <= day and (expires is None or day <= expires) for issued, expires in spans):
                found[i].append(STAFF_NOT_CERTIFIED)
                break


def _overlap(rows, found) -> None:
    timed = [(i, row) for i, row in enumerate(rows) if row.starts_at and row.ends_at]
    if not timed:
        return
    first = min(row.starts_at for _, row in timed)
    last = max(row.ends_at for _, row in timed)
    mine = {row.pk for _, row in timed if on_record(row)}
    spans: dict[tuple, list[tuple[Any, Any, int | None]]] = defaultdict(list)
    others = (
        BillableService.objects.filter(
            client_id__in={row.client_id for _, row in timed}, starts_at__lt=last, ends_at__gt=first
        )
        .exclude(status=BillableService.Status.VOID)
        .exclude(pk__in=mine)
        .values_list("client_id", "service_id", "starts_at", "ends_at")
    )
    for client_id, service_id, start, end in others:
        spans[(client_id, service_id)].append((start, end, None))
    for i, row in timed:
        if row.status != BillableService.Status.VOID:
            spans[(row.client_id, row.service_id)].append((row.starts_at, row.ends_at, i))
    for items in spans.values():
        if len(items) < 2:
            continue
        items.sort(key=lambda item: item[0])
        # A sweep: each span against the latest end seen so far, and that span back.
        latest_end, latest_index = items[0][1], items[0][2]
        for start, end, index in items[1:]:
            if start < latest_end:
                if index is not None:
                    found[index].append(OVERLAP)
                if latest_index is not None:
                    found[latest_index].append(OVERLAP)
            if end > latest_end:
                latest_end, latest_index = end, index


def _visits(rows, found, visits_ok) -> None:
    with_visit = [(i, row.visit_id) for i, row in enumerate(rows) if row.visit_id]
    if not with_visit:
        return
    if visits_ok is None:
        visits_ok = {
            pk: status == Visit.Status.VERIFIED
            and out is not None
            and (shift is None or shift == Shift.Status.COMPLETED)
            for pk, status, out, shift in Visit.objects.filter(pk__in=[v for _, v in with_visit]).values_list(
                "pk", "status", "clock_out_at", "shift__status"
            )
        }
    for i, visit_id in with_visit:
        if not visits_ok.get(visit_id, False):
            found[i].append(VISIT_UNVERIFIED)
