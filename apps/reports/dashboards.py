"""The home's dashboard panels (registered in ReportsConfig.ready): numbers an agency watches,
drawn as charts on the server (apps.core.charts) with the numbers in a table behind each.

Each panel reads one aggregate query whatever the organization holds, and the home keeps it
rendered while its tables stand still (apps.core.home, apps.core.fragments). Each is shown to
the people whose permissions let them open what it counts, so custom roles get the panels
their permissions fit. A number links to the list of what it counts where that list has a
filter for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    DurationField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.billing import claim_selectors, lists, overview
from apps.billing.models import BillableService, Claim, Payer, ServiceAuthorization
from apps.billing.templatetags.money import money
from apps.clients.models import CarePlan, Client, ClientLocation
from apps.core import charts, clock, home
from apps.core.versions import tables_of
from apps.scheduling.conflicts import INACTIVE_SHIFT
from apps.scheduling.models import Schedule, Service, Shift, Visit

ZERO = Decimal("0")
HOUR = Decimal("0.1")


def _url(name: str, **query) -> str:
    return reverse(name) + ("?" + urlencode(query) if query else "")


def _hours(value) -> str:
    return floatformat(value, "1g")


# --- census by location and status -------------------------------------------------------------

# The statuses of a current client (discharged and deceased leave the census), in this order.
CENSUS_STATUSES = (Client.Status.ACTIVE, Client.Status.ON_HOLD, Client.Status.INACTIVE)
# Locations drawn one by one, the largest first; the rest share one bar.
CENSUS_LOCATIONS = 8


def census(request) -> dict:
    rows = (
        # client_location_idx (location, status).
        Client.objects.exclude(status__in=Client.CLOSED)
        .values("location_id", "location__name", "status")
        .annotate(clients=Count("pk"))
        .order_by()
    )
    counts: dict = {}
    names: dict = {}
    for row in rows:
        counts.setdefault(row["location_id"], dict.fromkeys(CENSUS_STATUSES, 0))[row["status"]] += row["clients"]
        names[row["location_id"]] = row["location__name"]
    placed = sorted(
        (key for key in counts if key is not None), key=lambda key: (-sum(counts[key].values()), names[key], str(key))
    )
    bars = [(names[key], counts[key], key) for key in placed[:CENSUS_LOCATIONS]]
    rest = placed[CENSUS_LOCATIONS:]
    if rest:
        shared = {status: sum(counts[key][status] for key in rest) for status in CENSUS_STATUSES}
        label = ngettext("%(count)s other location", "%(count)s other locations", len(rest)) % {"count": len(rest)}
        bars.append((label, shared, None))
    if None in counts:
        bars.append((_("No location"), counts[None], None))
    list_url = reverse("clients:list")
    series = [
        charts.Series(
            Client.Status(status).label,
            [bar[1][status] for bar in bars],
            urls=[_url("clients:list", location=bar[2], status=status) if bar[2] else "" for bar in bars],
        )
        for status in CENSUS_STATUSES
    ]
    chart = charts.stacked_bar_chart(
        _("Clients by location and status"),
        [bar[0] for bar in bars],
        series,
        label_header=_("Location"),
        total_urls=[_url("clients:list", location=bar[2]) if bar[2] else "" for bar in bars],
    )
    totals = {status: sum(bar[1][status] for bar in bars) for status in CENSUS_STATUSES}
    total = sum(totals.values())
    footer = charts.Row(
        charts.Cell(_("All locations")),
        (
            *(charts.Cell(charts.number(totals[s]), _url("clients:list", status=s)) for s in CENSUS_STATUSES),
            charts.Cell(charts.number(total), list_url),
        ),
    )
    chart = dataclasses.replace(chart, table=dataclasses.replace(chart.table, footer=footer))
    return {"chart": chart, "total": total, "list_url": list_url}


# --- open shifts, next 7 days -------------------------------------------------------------------

OPEN_SHIFT_DAYS = 7


def open_shifts_by_day(request) -> dict:
    organization = request.organization
    today = clock.today(organization)
    days = [today + dt.timedelta(days=n) for n in range(OPEN_SHIFT_DAYS)]
    counts = dict(
        # shift_open_idx (open shifts by start); those over already are not to fill any more,
        # and a locked or archived schedule's shifts cannot be filled (as the open-shift list).
        Shift.objects.filter(
            staff__isnull=True,
            starts_at__gte=clock.start_of_day(today, organization),
            starts_at__lt=clock.start_of_day(today + dt.timedelta(days=OPEN_SHIFT_DAYS), organization),
            ends_at__gt=timezone.now(),
        )
        .exclude(status__in=INACTIVE_SHIFT)
        .exclude(schedule__status__in=[Schedule.Status.LOCKED, Schedule.Status.ARCHIVED])
        .values("shift_date")
        .annotate(shifts=Count("pk"))
        .order_by()
        .values_list("shift_date", "shifts")
    )
    items = [charts.Item(formats.date_format(day, "D j"), counts.get(day, 0)) for day in days]
    list_url = reverse("scheduling:open_shifts")
    chart = charts.bar_chart(
        _("Open shifts by day, next 7 days"),
        items,
        horizontal=False,
        label_header=_("Day"),
        value_header=_("Open shifts"),
    )
    total = sum(item.value for item in items)
    footer = charts.Row(charts.Cell(_("Next 7 days")), (charts.Cell(charts.number(total), list_url),))
    chart = dataclasses.replace(chart, table=dataclasses.replace(chart.table, footer=footer))
    return {"chart": chart, "total": total, "list_url": list_url}


# --- care plans due for review ------------------------------------------------------------------

CARE_PLAN_HORIZON = 30
# The compliance rule type whose findings are these plans (apps/compliance/rule_types.py; named,
# not imported: nothing imports compliance).
CARE_PLAN_RULE_TYPE = "care_plan_review_due"


def care_plans_due(request) -> dict:
    today = clock.today(request.organization)
    day = dt.timedelta
    found = (
        CarePlan.objects.filter(
            # careplan_review_idx: the partial index on active plans' review dates.
            status=CarePlan.Status.ACTIVE,
            review_date__lte=today + day(CARE_PLAN_HORIZON),
        )
        # Discharged or deceased clients' plans have nothing left to review (as the rule finds).
        .exclude(client__status__in=Client.CLOSED)
        .aggregate(
            overdue=Count("pk", filter=Q(review_date__lt=today)),
            week=Count("pk", filter=Q(review_date__gte=today, review_date__lte=today + day(7))),
            fortnight=Count("pk", filter=Q(review_date__gt=today + day(7), review_date__lte=today + day(14))),
            month=Count("pk", filter=Q(review_date__gt=today + day(14))),
        )
    )
    items = [
        charts.Item(_("Overdue"), found["overdue"], tone="chart-alert"),
        charts.Item(_("Within 7 days"), found["week"]),
        charts.Item(_("In 8–14 days"), found["fortnight"]),
        charts.Item(_("In 15–30 days"), found["month"]),
    ]
    chart = charts.bar_chart(
        _("Active care plans by review date"), items, label_header=_("Review"), value_header=_("Care plans")
    )
    total = sum(found.values())
    # No page lists every client's plans by review date; the findings of the "care plan review
    # due" rules list them (each rule with its own horizon, the starter's 30 days as here), for
    # those who may read findings.
    list_url = (
        _url("compliance:findings", type=CARE_PLAN_RULE_TYPE)
        if request.user.has_perm("compliance.view_finding")
        else ""
    )
    footer = charts.Row(
        charts.Cell(_("Within %(days)s days or overdue") % {"days": CARE_PLAN_HORIZON}),
        (charts.Cell(charts.number(total), list_url),),
    )
    chart = dataclasses.replace(chart, table=dataclasses.replace(chart.table, footer=footer))
    return {"chart": chart, "total": total, "horizon": CARE_PLAN_HORIZON, "list_url": list_url}


# --- authorizations at risk ---------------------------------------------------------------------


def authorizations_at_risk(request) -> dict:
    """Active authorizations with 80% or more of their units used (used up among them), and
    those ending within 30 days: as the authorization list's filters count them."""
    today = clock.today(request.organization)
    used = Coalesce(
        Sum(
            "billable_services__units",
            # Used as utilization counts it: ready to bill or on a claim.
            filter=Q(billable_services__status__in=[BillableService.Status.READY, BillableService.Status.CLAIMED]),
        ),
        Value(ZERO),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    found = (
        ServiceAuthorization.objects.filter(status=ServiceAuthorization.Status.ACTIVE)
        .annotate(units_used=used)
        .aggregate(
            near=Count("pk", filter=Q(units_used__gte=F("units_authorized") * lists.NEAR_LIMIT)),
            used_up=Count("pk", filter=Q(units_used__gte=F("units_authorized"))),
            ending=Count(
                "pk",
                filter=Q(end_date__gte=today, end_date__lte=today + dt.timedelta(days=lists.ENDING_SOON_DAYS)),
            ),
        )
    )
    percent = int(lists.NEAR_LIMIT * 100)
    items = [
        charts.Item(
            _("%(percent)s%% or more used") % {"percent": percent},
            found["near"],
            _url("billing:authorizations", near=1),
        ),
        charts.Item(_("Used up"), found["used_up"], _url("billing:authorizations", used_up=1), tone="chart-alert"),
        charts.Item(
            _("Ending within %(days)s days") % {"days": lists.ENDING_SOON_DAYS},
            found["ending"],
            _url("billing:authorizations", status=ServiceAuthorization.Status.ACTIVE, ending=1),
        ),
    ]
    chart = charts.bar_chart(
        _("Active authorizations at risk"), items, label_header=_("Risk"), value_header=_("Authorizations")
    )
    return {"chart": chart, "total": found["near"] + found["ending"], "list_url": reverse("billing:authorizations")}


# --- hours delivered against authorized, this month ----------------------------------------------


def _days(later, earlier) -> Func:
    """Days from `earlier` to `later`, both included (PostgreSQL: date - date is an integer)."""
    return Func(later, earlier, template="(%(expressions)s + 1)", arg_joiner=" - ", output_field=IntegerField())


def hours_by_service(first: dt.date, last: dt.date, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """For each service billed by time: hours of verified visits that began in [start, end),
    and the hours authorized for [first, last] (each active authorization's units spread
    evenly over its days, no more than its weekly or monthly limit allows in that span), in
    one query."""
    units: DecimalField = DecimalField(max_digits=14, decimal_places=4)
    overlap = _days(Least(F("end_date"), Value(last)), Greatest(F("start_date"), Value(first)))
    share = F("units_authorized") * overlap / _days(F("end_date"), F("start_date"))
    in_span = Case(
        When(period=ServiceAuthorization.Period.MONTH, then=Least(share, F("period_units"))),
        When(period=ServiceAuthorization.Period.WEEK, then=Least(share, F("period_units") * overlap / Value(7))),
        default=share,
        output_field=units,
    )
    authorized = (
        ServiceAuthorization.objects.filter(
            service=OuterRef("pk"),
            status=ServiceAuthorization.Status.ACTIVE,
            start_date__lte=last,
            end_date__gte=first,
        )
        .order_by()
        .values("service")
        .annotate(units=Sum(in_span, output_field=units))
        .values("units")
    )
    delivered = (
        # visit_status_idx (status, clock-in). The visit records the service by its code.
        Visit.objects.filter(
            service_code=OuterRef("code"),
            status=Visit.Status.VERIFIED,
            clock_in_at__gte=start,
            clock_in_at__lt=end,
        )
        .order_by()
        .values("service_code")
        .annotate(time=Sum(F("clock_out_at") - F("clock_in_at"), output_field=DurationField()))
        .values("time")
    )
    rows = (
        Service.objects.filter(unit_type__in=[Service.UnitType.UNIT, Service.UnitType.HOUR])
        .annotate(
            authorized_units=Subquery(authorized, output_field=units),
            delivered=Subquery(delivered, output_field=DurationField()),
        )
        .filter(Q(authorized_units__gt=0) | Q(delivered__gt=dt.timedelta(0)))
        .order_by("code")
        .values("pk", "code", "name", "unit_type", "unit_minutes", "authorized_units", "delivered")
    )
    found = []
    for row in rows:
        # An "hour" service counts its units in hours; a "unit" one in units of unit_minutes.
        per_unit = Decimal(1) if row["unit_type"] == Service.UnitType.HOUR else Decimal(row["unit_minutes"]) / 60
        authorized_hours = (row["authorized_units"] or ZERO) * per_unit
        seconds = row["delivered"].total_seconds() if row["delivered"] else 0
        found.append(
            {
                "service_id": row["pk"],
                "code": row["code"],
                "name": row["name"],
                "delivered": (Decimal(int(seconds)) / 3600).quantize(HOUR, ROUND_HALF_UP),
                "authorized": authorized_hours.quantize(HOUR, ROUND_HALF_UP),
            }
        )
    return found


def hours_vs_authorized(request) -> dict:
    organization = request.organization
    first = clock.month_start(organization)
    last = clock.month_end(first)
    start = clock.start_of_day(first, organization)
    end = clock.start_of_day(last + dt.timedelta(days=1), organization)
    rows = hours_by_service(first, last, start, end)
    urls = [
        _url("billing:authorizations", service=row["service_id"], status=ServiceAuthorization.Status.ACTIVE)
        for row in rows
    ]
    within = [min(row["delivered"], row["authorized"]) for row in rows]
    # A service nobody holds an authorization for is not "over" one: its hours are drawn apart,
    # and its authorized cell has no link to an empty list.
    unauthorized = [row["delivered"] if not row["authorized"] else ZERO for row in rows]
    series = [
        charts.Series(_("Hours delivered"), within),
        charts.Series(
            _("Authorized, not yet delivered"),
            [row["authorized"] - w for row, w in zip(rows, within, strict=True)],
            tone="chart-muted",
        ),
        charts.Series(
            _("Delivered beyond authorized"),
            [row["delivered"] - w - u for row, w, u in zip(rows, within, unauthorized, strict=True)],
            tone="chart-alert",
        ),
        charts.Series(_("Delivered, no authorization"), unauthorized, tone="chart-s1"),
    ]
    urls = [url if row["authorized"] else "" for row, url in zip(rows, urls, strict=True)]
    table = charts.Table(
        headers=(_("Service"), _("Hours delivered"), _("Hours authorized"), _("Delivered of authorized")),
        rows=tuple(
            charts.Row(
                charts.Cell(f"{row['code']} · {row['name']}"),
                (
                    charts.Cell(_hours(row["delivered"])),
                    charts.Cell(_hours(row["authorized"]) if row["authorized"] else _("No authorization"), url),
                    charts.Cell(_percent(row["delivered"], row["authorized"])),
                ),
            )
            for row, url in zip(rows, urls, strict=True)
        ),
    )
    # Outside the f-string below: xgettext does not read inside one.
    none = _("none")
    chart = charts.stacked_bar_chart(
        _("Hours delivered against authorized, %(month)s") % {"month": formats.date_format(first, "YEAR_MONTH_FORMAT")},
        [row["code"] for row in rows],
        series,
        fmt=_hours,
        ends=[
            f"{_hours(row['delivered'])} / {_hours(row['authorized']) if row['authorized'] else none}" for row in rows
        ],
        table=table,
    )
    return {"chart": chart, "rows": rows, "month": first}


def _percent(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return "—"
    return _("%(percent)s%%") % {"percent": floatformat(part * 100 / whole, "0g")}


# --- claims by status ---------------------------------------------------------------------------


def claims_by_status(request) -> dict:
    rows = overview.claims_by_status()
    urls = [_url("billing:claims", status=row.status) for row in rows]
    table = charts.Table(
        headers=(_("Status"), _("Claims"), _("Amount")),
        rows=tuple(
            charts.Row(
                charts.Cell(str(row.label)), (charts.Cell(charts.number(row.count), url), charts.Cell(money(row.total)))
            )
            for row, url in zip(rows, urls, strict=True)
        ),
    )
    chart = charts.donut_chart(
        _("Claims by status"),
        [charts.Item(row.label, row.count, url) for row, url in zip(rows, urls, strict=True)],
        table=table,
    )
    return {"chart": chart, "total": sum(row.count for row in rows), "list_url": reverse("billing:claims")}


# --- receivables by age -------------------------------------------------------------------------

AGING_LABELS = {
    "days_0_30": gettext_lazy("0–30 days"),
    "days_31_60": gettext_lazy("31–60 days"),
    "days_61_90": gettext_lazy("61–90 days"),
    "days_90_plus": gettext_lazy("Over 90 days"),
}


def receivables_aging(request) -> dict:
    _rows, sums = claim_selectors.receivables(clock.today(request.organization))
    items = [
        charts.Item(AGING_LABELS[bucket], sums[bucket], _url("billing:claims", aging=bucket))
        for bucket in claim_selectors.BUCKETS
    ]
    chart = charts.bar_chart(
        _("Amounts owed by days since the claim was sent"),
        items,
        horizontal=False,
        fmt=money,
        label_header=_("Age"),
        value_header=_("Owed"),
    )
    list_url = reverse("billing:receivables")
    footer = charts.Row(charts.Cell(_("Total")), (charts.Cell(money(sums["total"]), list_url),))
    chart = dataclasses.replace(chart, table=dataclasses.replace(chart.table, footer=footer))
    return {"chart": chart, "total": sums["total"], "list_url": list_url}


PANELS = [
    home.Panel(
        key="census",
        title=gettext_lazy("Census"),
        template="reports/partials/_dashboard_census.html",
        permissions=("clients.view_client", "clients.view_clientlocation"),
        order=60,
        context=census,
        tables=tables_of(Client, ClientLocation),
    ),
    home.Panel(
        key="open_shifts_by_day",
        title=gettext_lazy("Open shifts, next 7 days"),
        template="reports/partials/_dashboard_open_shifts.html",
        permissions=("scheduling.view_shift",),
        order=61,
        context=open_shifts_by_day,
        tables=tables_of(Shift, Schedule),
    ),
    home.Panel(
        key="care_plans_due",
        title=gettext_lazy("Care plan reviews"),
        template="reports/partials/_dashboard_care_plans.html",
        permissions=("clients.view_client", "clients.view_careplan"),
        order=62,
        context=care_plans_due,
        tables=tables_of(CarePlan, Client),
    ),
    home.Panel(
        key="authorizations_at_risk",
        title=gettext_lazy("Authorizations at risk"),
        template="reports/partials/_dashboard_authorizations.html",
        permissions=("billing.view_serviceauthorization",),
        order=63,
        context=authorizations_at_risk,
        tables=tables_of(ServiceAuthorization, BillableService),
    ),
    home.Panel(
        key="hours_vs_authorized",
        title=gettext_lazy("Hours delivered this month"),
        template="reports/partials/_dashboard_hours.html",
        permissions=("billing.view_serviceauthorization", "scheduling.view_visit"),
        order=64,
        context=hours_vs_authorized,
        tables=tables_of(Service, ServiceAuthorization, Visit),
    ),
    home.Panel(
        key="claims_by_status",
        title=gettext_lazy("Claims by status"),
        template="reports/partials/_dashboard_claims.html",
        permissions=("billing.view_claim",),
        order=65,
        context=claims_by_status,
        tables=tables_of(Claim),
    ),
    home.Panel(
        key="receivables_aging",
        title=gettext_lazy("Receivables by age"),
        template="reports/partials/_dashboard_receivables.html",
        permissions=("billing.view_claim",),
        order=66,
        context=receivables_aging,
        tables=tables_of(Claim, Payer),
    ),
]
