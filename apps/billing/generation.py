"""Billable services: made from verified visits in bulk, entered by hand with a reason,
re-checked, voided.

Generation is set-based from the start: a month of an agency's visits (100,000) is read in
one query, priced and checked in memory against data fetched once for the whole month
(apps.billing.validation), and written with one COPY and one INSERT … ON CONFLICT DO NOTHING
on the unique `visit` column, so running it again (or twice at once) creates nothing new.
Rows inserted this way bypass the change log's model hooks; the log records people's changes
to them (re-check, void) as usual.

Claims (apps.billing.claims) set CLAIMED; nothing here ever changes a claimed service back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.billing import bulk, validation
from apps.billing.models import BillableService, Coverage, ServiceAuthorization
from apps.billing.rates import rates_on, total_for
from apps.billing.units import units_for
from apps.core import clock
from apps.scheduling.models import Service, Shift, Visit

Status = BillableService.Status
OPEN_STATUSES = (Status.READY, Status.BLOCKED)


@dataclass(slots=True)
class Candidate:
    """A billable service about to be inserted: the columns generation fills, without a
    model instance per visit."""

    visit_id: uuid.UUID
    client_id: uuid.UUID
    staff_id: uuid.UUID
    service_id: uuid.UUID
    service_date: dt.date
    start_time: dt.time
    end_time: dt.time
    starts_at: dt.datetime
    ends_at: dt.datetime
    minutes: int
    units: Decimal
    pk: None = None
    payer_id: uuid.UUID | None = None
    authorization_id: uuid.UUID | None = None
    rate: Decimal = Decimal("0.00")
    total_amount: Decimal = Decimal("0.00")
    status: str = Status.READY
    blocking_reasons: list[str] = field(default_factory=list)


@dataclass
class GenerationResult:
    visits: int = 0  # verified visits in the period without a billable service yet
    created: int = 0
    ready: int = 0
    blocked: int = 0
    skipped: int = 0  # visits with no client or no known service: nothing to bill


def match(rows: Sequence) -> None:
    """Set each row's payer (its client's first-ranked coverage on the date), authorization
    (the active one of that client, service and payer covering the date that ends first),
    rate and total; in three queries for any number of rows."""
    if not rows:
        return
    days = [row.service_date for row in rows]
    first, last = min(days), max(days)
    clients = {row.client_id for row in rows}
    coverages = defaultdict(list)
    for client_id, payer_id, start, end in (
        Coverage.objects.filter(client_id__in=clients, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .order_by("rank", "-start_date")
        .values_list("client_id", "payer_id", "start_date", "end_date")
    ):
        coverages[client_id].append((start, end, payer_id))
    authorizations = defaultdict(list)
    for pk, client_id, service_id, payer_id, start, end in (
        ServiceAuthorization.objects.filter(
            client_id__in=clients,
            status=ServiceAuthorization.Status.ACTIVE,
            start_date__lte=last,
            end_date__gte=first,
        )
        .order_by("end_date", "authorization_number")
        .values_list("pk", "client_id", "service_id", "payer_id", "start_date", "end_date")
    ):
        authorizations[(client_id, service_id, payer_id)].append((start, end, pk))
    for row in rows:
        day = row.service_date
        row.payer_id = next(
            (p for start, end, p in coverages.get(row.client_id, ()) if start <= day and (end is None or day <= end)),
            None,
        )
        row.authorization_id = next(
            (
                pk
                for start, end, pk in authorizations.get((row.client_id, row.service_id, row.payer_id), ())
                if start <= day <= end
            ),
            None,
        )
    rates = rates_on((row.payer_id, row.service_id, row.service_date) for row in rows)
    for row in rows:
        row.rate = rates[(row.payer_id, row.service_id, row.service_date)]
        row.total_amount = total_for(row.units, row.rate)


def judge(rows: Sequence, *, visits_ok: dict | None = None) -> None:
    """Set each row's blocking reasons and, from them, READY or BLOCKED."""
    for row, reasons in zip(rows, validation.blocking_reasons(rows, visits_ok=visits_ok), strict=True):
        row.blocking_reasons = reasons
        row.status = Status.BLOCKED if reasons else Status.READY


@transaction.atomic
def billables_generate(*, start: dt.date, end: dt.date, actor=None) -> GenerationResult:
    """Billable services for the verified, clocked-out visits whose clock-in falls on the
    organization's dates `start`..`end`. Visits not verified yet (open, awaiting review) are
    left for a later run; a verified visit whose shift is not completed is made BLOCKED."""
    if end < start:
        raise ValidationError({"end": _("The end date cannot be before the start date.")})
    zone = clock.zone()
    services = {s.pk: s for s in Service.objects.all()}
    by_code = Service.objects.filter(code=OuterRef("service_code")).values("pk")[:1]
    # The client, the service and whether the shift is done are worked out by the database:
    # fewer columns to read back for each of a month's visits.
    visits = (
        Visit.objects.filter(
            status=Visit.Status.VERIFIED,
            clock_out_at__isnull=False,
            clock_in_at__gte=clock.start_of_day(start),
            clock_in_at__lt=clock.start_of_day(end + dt.timedelta(days=1)),
            billable_service__isnull=True,
        )
        .order_by()
        .annotate(
            the_client=Coalesce("client_id", "shift__client_id"),
            the_service=Coalesce("shift__service_id", Subquery(by_code)),
            shift_done=Case(
                When(Q(shift_id__isnull=True) | Q(shift__status=Shift.Status.COMPLETED), then=Value(True)),
                default=Value(False),
            ),
        )
        .values_list("pk", "staff_id", "the_client", "the_service", "shift_done", "clock_in_at", "clock_out_at")
    )
    result = GenerationResult()
    rows: list[Candidate] = []
    visits_ok: dict[uuid.UUID, bool] = {}
    for pk, staff_id, client_id, service_id, shift_done, inn, out_or_none in visits:
        out = cast(dt.datetime, out_or_none)  # clocked out: the query says so
        result.visits += 1
        service = services.get(service_id)
        if service is None or client_id is None:
            result.skipped += 1
            continue
        local_in, local_out = inn.astimezone(zone), out.astimezone(zone)
        seconds = int((out - inn).total_seconds())
        rows.append(
            Candidate(
                visit_id=pk,
                client_id=client_id,
                staff_id=staff_id,
                service_id=service_id,
                service_date=local_in.date(),
                start_time=local_in.time().replace(microsecond=0),
                end_time=local_out.time().replace(microsecond=0),
                starts_at=inn,
                ends_at=out,
                minutes=seconds // 60,
                units=units_for(service=service, seconds=seconds),
            )
        )
        visits_ok[pk] = shift_done
    _one_day_unit_per_date(rows, services)
    match(rows)
    judge(rows, visits_ok=visits_ok)
    created = _insert(rows, actor=actor)
    bulk.analyze_after_bulk(BillableService._meta.db_table, rows=len(created))
    result.created = len(created)
    result.ready = sum(1 for status in created if status == Status.READY)
    result.blocked = result.created - result.ready
    return result


def _one_day_unit_per_date(rows: list[Candidate], services: dict) -> None:
    """A "day" service is billed once per client and date: a second visit the same day (in
    this run or already on record) gets no units."""
    daily = [row for row in rows if services[row.service_id].unit_type == Service.UnitType.DAY]
    if not daily:
        return
    seen = set(
        BillableService.objects.filter(
            service_id__in={row.service_id for row in daily},
            client_id__in={row.client_id for row in daily},
            service_date__gte=min(row.service_date for row in daily),
            service_date__lte=max(row.service_date for row in daily),
        )
        .exclude(status=Status.VOID)
        .values_list("client_id", "service_id", "service_date")
    )
    for row in sorted(daily, key=lambda r: r.starts_at):
        key = (row.client_id, row.service_id, row.service_date)
        if key in seen:
            row.units, row.total_amount = Decimal("0.00"), Decimal("0.00")
        seen.add(key)


NULL = "\\N"
_COLUMNS = (
    "created_at",
    "updated_at",
    "client_id",
    "staff_id",
    "service_id",
    "payer_id",
    "authorization_id",
    "visit_id",
    "source",
    "service_date",
    "start_time",
    "end_time",
    "starts_at",
    "ends_at",
    "minutes",
    "units",
    "rate",
    "total_amount",
    "status",
    "blocking_reasons",
    "reason",
    "notes",
    "created_by_id",
)


def _insert(rows: list[Candidate], *, actor) -> list[str]:
    """COPY the rows into a scratch table, then insert those whose visit has no billable yet;
    the statuses of the rows actually inserted."""
    if not rows:
        return []
    table = BillableService._meta.db_table
    columns = ", ".join(_COLUMNS)
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    with connection.cursor() as cursor:
        # The table's columns without its constraints: the ids are drawn on the way in.
        cursor.execute(
            f"CREATE TEMP TABLE billable_new ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608 - table and columns are the model's and this module's # nosec B608
        )
        with cursor.copy(f"COPY billable_new ({columns}) FROM STDIN") as copy:
            # COPY's text format written directly: the values are ids, dates, numbers and
            # reason codes (no tab, newline or backslash to escape), and a generic write_row
            # per row costs more than the whole insert.
            fixed = f"{now.isoformat()}\t{now.isoformat()}"
            tail = f"\t\t\t{actor_id or NULL}"  # reason and notes empty, then who
            lines = [
                "\t".join(
                    (
                        fixed,
                        str(row.client_id),
                        str(row.staff_id),
                        str(row.service_id),
                        str(row.payer_id) if row.payer_id else NULL,
                        str(row.authorization_id) if row.authorization_id else NULL,
                        str(row.visit_id),
                        BillableService.Source.VISIT,
                        row.service_date.isoformat(),
                        row.start_time.isoformat(),
                        row.end_time.isoformat(),
                        row.starts_at.isoformat(),
                        row.ends_at.isoformat(),
                        str(row.minutes),
                        str(row.units),
                        str(row.rate),
                        str(row.total_amount),
                        row.status,
                        "{" + ",".join(row.blocking_reasons) + "}",
                    )
                )
                + tail
                for row in rows
            ]
            copy.write("\n".join(lines) + "\n")
        # The table and column names are this module's constants, not input.
        cursor.execute(
            f"INSERT INTO {table} (id, {columns}) SELECT gen_random_uuid(), {columns} FROM billable_new"  # noqa: S608 - table and columns are the model's and this module's # nosec B608
            " ON CONFLICT (visit_id) DO NOTHING RETURNING status"
        )
        inserted = [status for (status,) in cursor.fetchall()]
        cursor.execute("DROP TABLE billable_new")
    return inserted


def _ids(queryset_or_ids: QuerySet | Iterable) -> QuerySet[BillableService]:
    if isinstance(queryset_or_ids, QuerySet):
        return BillableService.objects.filter(pk__in=queryset_or_ids.values("pk"))
    return BillableService.objects.filter(pk__in=list(queryset_or_ids))


@transaction.atomic
def billables_recheck(*, queryset_or_ids: QuerySet | Iterable) -> int:
    """Match, price and check again the ready and blocked services among these (coverage or
    an authorization may have been added since): BLOCKED becomes READY once nothing blocks
    it, and back. Claimed and void services are left as they are. Returns how many changed."""
    rows = list(
        _ids(queryset_or_ids)
        .filter(status__in=OPEN_STATUSES)
        .select_for_update()
        .order_by("service_date", "starts_at", "pk")
    )
    if not rows:
        return 0
    before = {row.pk: _state(row) for row in rows}
    match(rows)
    judge(rows)
    changed = [row for row in rows if _state(row) != before[row.pk]]
    for row in changed:
        row.updated_at = timezone.now()
    BillableService.objects.bulk_update(
        changed,
        ["payer", "authorization", "rate", "total_amount", "status", "blocking_reasons", "updated_at"],
        batch_size=1000,
    )
    return len(changed)


def _state(row) -> tuple:
    return (row.payer_id, row.authorization_id, row.rate, row.total_amount, row.status, tuple(row.blocking_reasons))


def _neighbours(billable: BillableService) -> QuerySet[BillableService]:
    """The open services whose checks this one's change can alter: its client's services of
    the same service (overlap, the authorization's units)."""
    return BillableService.objects.filter(
        client_id=billable.client_id, service_id=billable.service_id, status__in=OPEN_STATUSES
    )


@transaction.atomic
def billable_create_manual(
    *,
    client,
    staff,
    service: Service,
    service_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    reason: str,
    actor,
    units: Decimal | None = None,
) -> BillableService:
    """A service delivered without a verified visit (a paper timesheet, a visit EVV missed),
    with the reason it is entered by hand. Units from the times by the service's rule unless
    given; an end at or before the start is the next day."""
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Say why this service is entered by hand.")
    if units is not None and units < 0:
        errors["units"] = _("Units cannot be negative.")
    if errors:
        raise ValidationError(errors)
    zone = clock.zone()
    starts_at = dt.datetime.combine(service_date, start_time).replace(tzinfo=zone)
    ends_at = dt.datetime.combine(service_date, end_time).replace(tzinfo=zone)
    if ends_at <= starts_at:
        ends_at += dt.timedelta(days=1)
    seconds = int((ends_at - starts_at).total_seconds())
    billable = BillableService(
        client=client,
        staff=staff,
        service=service,
        source=BillableService.Source.MANUAL,
        service_date=service_date,
        start_time=start_time,
        end_time=end_time,
        starts_at=starts_at,
        ends_at=ends_at,
        minutes=seconds // 60,
        units=(units if units is not None else units_for(service=service, seconds=seconds)).quantize(Decimal("0.01")),
        reason=reason,
        created_by=actor,
    )
    match([billable])
    judge([billable])
    billable.save(force_insert=True)
    return billable


@transaction.atomic
def billable_void(*, billable: BillableService, actor, reason: str) -> BillableService:
    """Take a service out of billing (a duplicate, not billable), keeping it on record with
    the reason; the services it held units or time from are checked again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this service is void.")})
    billable = BillableService.objects.select_for_update().get(pk=billable.pk)
    if billable.status == Status.CLAIMED:
        raise ValidationError(_("This service is on a claim: void or replace the claim instead."))
    if billable.status == Status.VOID:
        raise ValidationError(_("This service is already void."))
    billable.status = Status.VOID
    note = _("Void: %(reason)s") % {"reason": reason}
    billable.notes = f"{billable.notes}\n{note}".strip()
    billable.save(update_fields=["status", "notes", "updated_at"])
    billables_recheck(queryset_or_ids=_neighbours(billable))
    return billable
