"""The reports' queries: each one aggregate query whatever the number of rows, returning
plain dicts keyed by the report's column keys (apps/reports/catalog.py names the columns)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncMonth, TruncWeek
from django.utils.translation import gettext as _

from apps.audit.models import LogEntry
from apps.audit.services import content_type_id
from apps.billing.models import BillableService, ServiceAuthorization
from apps.clients.models import Client
from apps.core import clock
from apps.documentation.models import FormSubmission, FormTemplate
from apps.scheduling.models import Visit
from apps.staff import selectors as staff_selectors
from apps.staff.models import Staff

# Hours over this in a workweek are overtime (the US federal rule, FLSA: a fixed seven days the
# employer chooses, here the organization's week).
OVERTIME_AFTER = Decimal(40)
HUNDREDTH = Decimal("0.01")


def _hours(duration: dt.timedelta | None) -> Decimal:
    if not duration:
        return Decimal("0.00")
    return (Decimal(duration.total_seconds()) / 3600).quantize(HUNDREDTH)


def _instants(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of `start`, start of the day after `end`) in the organization's zone."""
    return clock.start_of_day(start), clock.start_of_day(end + dt.timedelta(days=1))


# --- census ---------------------------------------------------------------------------------------


def census(filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Clients by location (and none) and current status."""
    clients = Client.objects.all()
    if filters.get("location"):
        clients = clients.filter(location=filters["location"])
    if filters.get("status"):
        clients = clients.filter(status=filters["status"])
    by_status = {status: Count("id", filter=Q(status=status)) for status in Client.Status.values}
    found = (
        clients.values("location_id", "location__name")
        .annotate(**by_status, total=Count("id"))
        .order_by(F("location__name").asc(nulls_last=True), "location_id")
    )
    nowhere = _("No location")
    return [{**row, "location": row["location__name"] or nowhere} for row in found]


def client_roster(filters: dict[str, Any]) -> Sequence[dict[str, Any]]:
    """The census client by client: who is counted where, for a surveyor's or a payer's list.
    One query; the location's name comes by its join, the status's words from the choices."""
    clients = Client.objects.all()
    if filters.get("location"):
        clients = clients.filter(location=filters["location"])
    if filters.get("status"):
        clients = clients.filter(status=filters["status"])
    if query := filters.get("q"):
        clients = clients.filter(
            Q(last_name__icontains=query) | Q(first_name__icontains=query) | Q(client_id__istartswith=query)
        )
    statuses = {value: str(label) for value, label in Client.Status.choices}
    nowhere = _("No location")
    found = clients.order_by("last_name", "first_name", "client_id").values_list(
        "client_id",
        "last_name",
        "first_name",
        "date_of_birth",
        "status",
        "location__name",
        "admission_date",
        "discharge_date",
    )

    def row(values: tuple) -> dict[str, Any]:
        client_id, last, first, born, status, location, admitted, discharged = values
        return {
            "client_id": client_id,
            "client": f"{last}, {first}",
            "date_of_birth": born,
            "status": statuses.get(status, status),
            "location": location or nowhere,
            "admitted": admitted,
            "discharged": discharged,
        }

    return QueryRows(found, row)


class QueryRows(Sequence):
    """A report's rows read as they are needed: its length counted in the database, a page
    read as a slice (a roster of 10,000 clients shows 50 at a time without reading the other
    9,950), every row in chunks for an export. A report whose rows are a list of people, with
    nothing to add up, returns these; aggregate reports return a list."""

    def __init__(self, queryset, make: Callable[[Any], dict[str, Any]]) -> None:
        self.queryset = queryset
        self.make = make
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __getitem__(self, index):  # type: ignore[override]  # a slice gives a list, as a list's does
        if isinstance(index, slice):
            return [self.make(values) for values in self.queryset[index]]
        return self.make(self.queryset[index])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for values in self.queryset.iterator(chunk_size=2000):
            yield self.make(values)


# --- staff hours (payroll) -----------------------------------------------------------------------


def payroll_week_start() -> int:
    """The weekday the organization's weeks start on (0 = Monday; Sunday by default): its
    workweek, the one scheduling warns about overtime in and payroll counts overtime by."""
    from apps.core.tenancy import current_organization
    from apps.scheduling import rules

    return rules.for_organization(current_organization()).week_start


def payroll_weeks(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The organization's whole weeks covering [start, end]: overtime is counted by the week,
    so a week is never cut in two."""
    from apps.scheduling.timing import week_of

    first_weekday = payroll_week_start()
    first = week_of(start, first_weekday)
    last = week_of(end, first_weekday) + dt.timedelta(days=6)
    return first, last


def _week_of(instant: str, first_weekday: int):
    """The first day of the organization's week holding `instant`, in its zone, in SQL.
    PostgreSQL's weeks start on Monday: the instant is moved forward by the days from the
    organization's first weekday to Monday, truncated to its Monday, and moved back."""
    shift = dt.timedelta(days=(7 - first_weekday) % 7)
    moved = ExpressionWrapper(F(instant) + Value(shift), output_field=DateTimeField())
    monday = TruncWeek(moved, output_field=DateField(), tzinfo=clock.zone())
    return Cast(ExpressionWrapper(monday - Value(shift), output_field=DateTimeField()), DateField())


def staff_hours(filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Hours worked (clocked-out visits) by person and week, split into regular and overtime.
    Only hourly staff earn overtime; salaried and contract hours are all regular."""
    first, last = payroll_weeks(filters["start"], filters["end"])
    since, until = _instants(first, last)
    visits = Visit.objects.filter(clock_out_at__isnull=False, clock_in_at__gte=since, clock_in_at__lt=until)
    if filters.get("pay_type"):
        visits = visits.filter(staff__pay_type=filters["pay_type"])
    if query := filters.get("q"):
        visits = visits.filter(
            Q(staff__last_name__icontains=query)
            | Q(staff__first_name__icontains=query)
            | Q(staff__employee_id__istartswith=query)
        )
    worked = ExpressionWrapper(F("clock_out_at") - F("clock_in_at"), output_field=DurationField())
    found = (
        visits.annotate(week=_week_of("clock_in_at", payroll_week_start()))
        .values("staff_id", "staff__employee_id", "staff__first_name", "staff__last_name", "staff__pay_type", "week")
        .annotate(worked=Sum(worked))
        .order_by("staff__last_name", "staff__first_name", "staff_id", "week")
    )
    pay_types = dict(Staff.PayType.choices)
    rows = []
    for row in found:
        hours = _hours(row["worked"])
        overtime = (
            max(hours - OVERTIME_AFTER, Decimal("0.00")) if row["staff__pay_type"] == "hourly" else Decimal("0.00")
        )
        rows.append(
            {
                "employee_id": row["staff__employee_id"],
                "name": f"{row['staff__last_name']}, {row['staff__first_name']}",
                "pay_type": str(pay_types.get(row["staff__pay_type"], "")),
                "week": row["week"],
                "regular": hours - overtime,
                "overtime": overtime,
                "hours": hours,
            }
        )
    return rows


# --- billing -------------------------------------------------------------------------------------


def billing(filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Billable services (void ones left out) by payer and month of service."""
    services = BillableService.objects.exclude(status=BillableService.Status.VOID).filter(
        service_date__gte=filters["start"], service_date__lte=filters["end"]
    )
    if filters.get("payer"):
        services = services.filter(payer=filters["payer"])
    found = (
        services.annotate(month=TruncMonth("service_date"))
        .values("payer_id", "payer__name", "month")
        .annotate(
            services=Count("id"),
            units=Sum("units"),
            amount=Sum("total_amount"),
            claimed=Sum("total_amount", filter=Q(status=BillableService.Status.CLAIMED), default=Decimal("0.00")),
        )
        .order_by(F("payer__name").asc(nulls_last=True), "payer_id", "month")
    )
    return [{**row, "payer": row["payer__name"] or _("No payer")} for row in found]


# --- utilization against authorizations ----------------------------------------------------------


def utilization(filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Authorizations in force during the period, with the units used under each (what is
    billable or claimed against it, as billing counts it: blocked services do not use it up)."""
    authorizations = ServiceAuthorization.objects.filter(start_date__lte=filters["end"], end_date__gte=filters["start"])
    if filters.get("payer"):
        authorizations = authorizations.filter(payer=filters["payer"])
    if query := filters.get("q"):
        authorizations = authorizations.filter(
            Q(client__last_name__icontains=query)
            | Q(client__first_name__icontains=query)
            | Q(client__client_id__istartswith=query)
            | Q(authorization_number__istartswith=query)
        )
    # Summed per authorization in a subquery (an index lookup each), not by joining every
    # billable service and grouping the wide rows: with 100,000 services a month that sort
    # took 300 ms for a thousand authorizations.
    used = (
        BillableService.objects.filter(
            authorization=OuterRef("pk"),
            status__in=[BillableService.Status.READY, BillableService.Status.CLAIMED],
        )
        .order_by()
        .values("authorization")
        .annotate(units=Sum("units"))
        .values("units")
    )
    found = (
        authorizations.annotate(used=Coalesce(Subquery(used), Decimal("0.00")))
        .values(
            "client__client_id",
            "client__first_name",
            "client__last_name",
            "payer__name",
            "service__code",
            "authorization_number",
            "start_date",
            "end_date",
            "units_authorized",
            "used",
        )
        .order_by("client__last_name", "client__first_name", "client__client_id", "start_date", "authorization_number")
    )
    return [
        {
            "client_id": row["client__client_id"],
            "client": f"{row['client__last_name']}, {row['client__first_name']}",
            "payer": row["payer__name"],
            "service": row["service__code"],
            "authorization": row["authorization_number"],
            "start": row["start_date"],
            "end": row["end_date"],
            "authorized": row["units_authorized"],
            "used": row["used"],
            "remaining": row["units_authorized"] - row["used"],
            "percent": (row["used"] * 100 / row["units_authorized"]).quantize(Decimal("0.1")),
        }
        for row in found
    ]


# --- certification and training compliance ---------------------------------------------------------


def compliance(filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Active staff and the certifications and mandatory training that apply to each (the
    staff app's compliance matrix, in its fixed number of queries): how many are current,
    expiring, expired or missing today."""
    matrix = staff_selectors.compliance_matrix(department=filters.get("department") or "")
    query = (filters.get("q") or "").lower()
    rows = []
    for line in matrix["rows"]:
        person = line["staff"]
        if query and not (
            query in person.last_name.lower()
            or query in person.first_name.lower()
            or person.employee_id.lower().startswith(query)
        ):
            continue
        cells = [cell for cell in line["cells"] if cell]
        rows.append(
            {
                "employee_id": person.employee_id,
                "name": f"{person.last_name}, {person.first_name}",
                "department": person.department,
                "job_title": person.job_title,
                "required": len(cells),
                "current": cells.count("current"),
                "expiring": cells.count("expiring"),
                "expired": cells.count("expired"),
                "missing": cells.count("missing"),
            }
        )
    return rows


# --- incidents -----------------------------------------------------------------------------------

# The incident report's yes/no questions that say what kind of incident it was (the starter
# template's keys, apps/documentation/starters.py); a report can be several kinds at once.
INCIDENT_KINDS = {"injury": "injury", "abuse": "abuse_suspected", "emergency": "emergency_services"}


def incidents(filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Incident reports sent (drafts left out) by the client's location and month of the
    report's date, counted by kind; "other" are those answering no to every kind."""
    reports = FormSubmission.objects.filter(
        form_template__form_type=FormTemplate.Type.INCIDENT_REPORT,
        service_date__gte=filters["start"],
        service_date__lte=filters["end"],
    ).exclude(status=FormSubmission.Status.DRAFT)
    if filters.get("location"):
        reports = reports.filter(client__location=filters["location"])
    kinds = {name: Q(**{f"submission_data__{key}": "yes"}) for name, key in INCIDENT_KINDS.items()}
    any_kind = kinds["injury"] | kinds["abuse"] | kinds["emergency"]
    found = (
        reports.annotate(month=TruncMonth("service_date"))
        .values("client__location_id", "client__location__name", "month")
        .annotate(
            incidents=Count("id"),
            **{name: Count("id", filter=condition) for name, condition in kinds.items()},
            of_a_kind=Count("id", filter=any_kind),
        )
        .order_by(F("client__location__name").asc(nulls_last=True), "client__location_id", "month")
    )
    nowhere = _("No location")
    return [
        {
            "location": row["client__location__name"] or nowhere,
            "month": row["month"],
            "incidents": row["incidents"],
            "injury": row["injury"],
            "abuse": row["abuse"],
            "emergency": row["emergency"],
            "other": row["incidents"] - row["of_a_kind"],
        }
        for row in found
    ]


# --- EVV exceptions -------------------------------------------------------------------------------


def evv_exceptions(filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Visits by exception (a visit with two exceptions counts under each), those still
    awaiting review and those resolved. One row of conditional counts, turned into a row per
    exception that happened."""
    since, until = _instants(filters["start"], filters["end"])
    visits = Visit.objects.filter(clock_in_at__gte=since, clock_in_at__lt=until)
    if filters.get("location"):
        visits = visits.filter(location=filters["location"])
    counts: dict[str, Any] = {}
    for code in Visit.Exception.values:
        has = Q(exception_codes__contains=[code])
        counts[f"{code}__all"] = Count("id", filter=has)
        counts[f"{code}__open"] = Count("id", filter=has & Q(status=Visit.Status.EXCEPTION))
    found = visits.aggregate(**counts)
    rows = []
    for code, label in Visit.Exception.choices:
        total, waiting = found[f"{code}__all"], found[f"{code}__open"]
        if total:
            rows.append({"exception": str(label), "visits": total, "awaiting": waiting, "resolved": total - waiting})
    return rows


# --- PHI access by client ------------------------------------------------------------------------


def phi_access(filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Who read each client's record (the audit log's access entries), by client."""
    since, until = _instants(filters["start"], filters["end"])
    entries = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        content_type_id=content_type_id(Client),
        timestamp__gte=since,
        timestamp__lt=until,
    )
    if query := filters.get("q"):
        matching = (
            Client.objects.filter(
                Q(last_name__icontains=query) | Q(first_name__icontains=query) | Q(client_id__istartswith=query)
            )
            .annotate(key=Cast("id", CharField()))
            .values("key")
        )
        entries = entries.filter(object_pk__in=matching)
    found = (
        entries.values("object_pk")
        .annotate(accesses=Count("id"), people=Count("actor_id", distinct=True), last=Max("timestamp"))
        .order_by("object_pk")
    )
    rows = list(found)
    # The names in one more query, whatever the number of clients: the log keeps ids as text.
    names = {
        str(pk): (client_id, f"{last}, {first}")
        for pk, client_id, first, last in Client.objects.filter(
            pk__in=[row["object_pk"] for row in rows if _is_uuid(row["object_pk"])]
        ).values_list("pk", "client_id", "first_name", "last_name")
    }
    result = []
    for row in rows:
        client_id, name = names.get(row["object_pk"], ("", ""))
        result.append(
            {
                "client_id": client_id,
                "client": name,
                "accesses": row["accesses"],
                "people": row["people"],
                "last": clock.local(row["last"]).replace(tzinfo=None),
            }
        )
    result.sort(key=lambda r: (r["client"] == "", r["client"].lower(), r["client_id"]))
    return result


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# --- exports --------------------------------------------------------------------------------


def exports_of(user, *, query: str = ""):
    """The person's own exports, newest first (the "My exports" list): one query per page
    whatever its rows (the stored file comes with each). `query` matches the report's title
    in the person's language, or the format."""
    from apps.reports import registry
    from apps.reports.models import Export

    exports = Export.objects.select_related("file").filter(user=user)
    words = query.lower().split()[:5]
    if words:
        slugs = [
            report.slug
            for report in registry.all_reports()
            if all(word in f"{str(report.title).lower()} {report.slug}" for word in words)
        ]
        formats = [value for value in Export.Format.values if value in words]
        exports = exports.filter(Q(report__in=slugs) | Q(format__in=formats))
    return exports.order_by("-created_at", "-pk")


def get_export_for_user(user, pk: Any):
    """The export if it is the person's own, or they read every export record (org admins,
    auditors); 404 otherwise, as for one that does not exist."""
    from django.http import Http404

    from apps.accounts.permissions import can
    from apps.reports.models import Export

    export = Export.objects.select_related("file").filter(pk=pk).first()
    if export is None or not (export.user_id == user.pk or can(user, "reports.view_export")):
        raise Http404
    return export
