"""Each dashboard panel's numbers equal what independent SQL counts in the same data, with
the rows each must leave out beside them and another organization's rows in its own schema."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from apps.billing.templatetags.money import money
from apps.core import charts, clock, fragments
from apps.reports.tests import dashboard_data as data
from apps.scheduling.models import Service
from conftest import signed_in

D = dt.timedelta


def _panels(org, local: str = "admin") -> dict:
    fragments.clear()
    response = signed_in(org, local).get("/")
    assert response.status_code == 200
    return {panel["key"]: panel["context"] for panel in response.context["panels"]}


def _sql(org, query: str, params=()) -> list[tuple]:
    with org, connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _cells(chart: charts.Chart) -> dict[str, list[str]]:
    return {row.head.text: [cell.text for cell in row.cells] for row in chart.table.rows}


def test_the_census_counts_current_clients_by_location_and_status(org_a, org_b):
    data.fill(org_a, 2)
    data.fill(org_b, 1)
    census = _panels(org_a)["census"]
    rows = _sql(
        org_a,
        "SELECT coalesce(l.name, 'No location'), "
        "count(*) FILTER (WHERE c.status = 'active'), count(*) FILTER (WHERE c.status = 'on_hold'), "
        "count(*) FILTER (WHERE c.status = 'inactive'), count(*) "
        "FROM clients_client c LEFT JOIN clients_clientlocation l ON l.id = c.location_id "
        "WHERE c.status NOT IN ('discharged', 'deceased') GROUP BY 1",
    )
    assert _cells(census["chart"]) == {name: [str(v) for v in counts] for name, *counts in rows}
    (total,) = _sql(org_a, "SELECT count(*) FROM clients_client WHERE status NOT IN ('discharged', 'deceased')")[0]
    # Each round: four at a house, two without one (one with care plans); two closed.
    assert census["total"] == total == 2 * 6
    assert [cell.text for cell in census["chart"].table.footer.cells] == ["8", "2", "2", "12"]


def test_the_census_draws_the_largest_locations_and_groups_the_rest(org_a):
    from apps.reports.dashboards import CENSUS_LOCATIONS

    with org_a:
        houses = [data.location() for _ in range(CENSUS_LOCATIONS + 2)]
        for size, house in enumerate(houses, start=1):
            for _ in range(size):
                data.client(location=house)
    chart = _panels(org_a)["census"]["chart"]
    names = [row.head.text for row in chart.table.rows]
    assert names[:CENSUS_LOCATIONS] == [house.name for house in reversed(houses[2:])]
    assert names[CENSUS_LOCATIONS:] == ["2 other locations"]
    assert chart.table.rows[-1].cells[-1].text == "3"  # the two smallest: 1 + 2 clients
    # The drawn locations link to their clients by status; the group links nowhere.
    assert chart.table.rows[0].cells[0].url == f"/clients/?location={houses[-1].pk}&status=active"
    assert chart.table.rows[0].cells[-1].url == f"/clients/?location={houses[-1].pk}"
    assert chart.table.rows[-1].cells[0].url == ""


def test_open_shifts_are_counted_by_day_for_the_next_seven_days(org_a, org_b):
    data.fill(org_a, 3)
    data.fill(org_b, 1)
    today = clock.today(org_a)
    panel = _panels(org_a)["open_shifts_by_day"]
    rows = dict(
        _sql(
            org_a,
            "SELECT s.shift_date, count(*) FROM scheduling_shift s "
            "LEFT JOIN scheduling_schedule sc ON sc.id = s.schedule_id "
            # The test's clock, not the database's: `make test-times` moves only the first.
            "WHERE s.staff_id IS NULL AND s.shift_date BETWEEN %s AND %s AND s.ends_at > %s "
            "AND s.status NOT IN ('cancelled', 'no_show') AND coalesce(sc.status, '') NOT IN ('locked', 'archived') "
            "GROUP BY 1",
            [today, today + D(days=6), timezone.now()],
        )
    )
    expected = [str(rows.get(today + D(days=i), 0)) for i in range(7)]
    assert [row.cells[0].text for row in panel["chart"].table.rows] == expected
    assert panel["total"] == sum(rows.values()) == 6  # one a day ahead and one an hour ahead, three times
    assert panel["chart"].table.footer.cells[0].url == "/scheduling/open/"


def test_care_plan_reviews_are_counted_by_how_soon_they_fall_due(org_a, org_b):
    data.fill(org_a, 2)
    data.fill(org_b, 1)
    today = clock.today(org_a)
    with org_a:
        # A discharged client's plan, still active and overdue: nothing left to review.
        from apps.clients.models import CarePlan, Client

        plan = CarePlan.objects.filter(status="active").order_by("review_date").first()
        Client.objects.filter(pk=plan.client_id).update(status="discharged")
        left_out = CarePlan.objects.filter(client_id=plan.client_id, status="active").count()
    assert left_out >= 1
    panel = _panels(org_a)["care_plans_due"]
    (row,) = _sql(
        org_a,
        "SELECT count(*) FILTER (WHERE review_date - %(t)s < 0), "
        "count(*) FILTER (WHERE review_date - %(t)s BETWEEN 0 AND 7), "
        "count(*) FILTER (WHERE review_date - %(t)s BETWEEN 8 AND 14), "
        "count(*) FILTER (WHERE review_date - %(t)s BETWEEN 15 AND 30) "
        "FROM clients_careplan p JOIN clients_client c ON c.id = p.client_id"
        " WHERE p.status = 'active' AND c.status NOT IN ('discharged', 'deceased')",
        {"t": today},
    )
    shown = [r.cells[0].text for r in panel["chart"].table.rows]
    assert shown == [str(v) for v in row]
    assert 0 < sum(row) < 14  # the discharged client's overdue plan is not among them


def test_authorizations_at_risk_are_counted_as_the_authorization_list_filters_them(org_a, org_b):
    data.fill(org_a, 2)
    data.fill(org_b, 1)
    today = clock.today(org_a)
    panel = _panels(org_a)["authorizations_at_risk"]
    (row,) = _sql(
        org_a,
        "SELECT count(*) FILTER (WHERE u.used >= a.units_authorized * 0.8), "
        "count(*) FILTER (WHERE u.used >= a.units_authorized), "
        "count(*) FILTER (WHERE a.end_date BETWEEN %(t)s AND %(t)s + 30) "
        "FROM billing_serviceauthorization a CROSS JOIN LATERAL ("
        "  SELECT coalesce(sum(b.units), 0) AS used FROM billing_billableservice b"
        "  WHERE b.authorization_id = a.id AND b.status IN ('ready', 'claimed')) u "
        "WHERE a.status = 'active'",
        {"t": today},
    )
    cells = [r.cells[0] for r in panel["chart"].table.rows]
    assert [c.text for c in cells] == [str(v) for v in row]
    # Which of the month's authorizations end within 30 days depends on the date; these do not.
    assert [c.text for c in cells[:2]] == ["4", "2"] and row[2] >= 2
    assert cells[0].url == "/billing/authorizations/?near=1"
    assert cells[2].url == "/billing/authorizations/?status=active&ending=1"


def test_hours_delivered_and_authorized_by_service_equal_independent_sql(org_a, org_b):
    data.fill(org_a, 2)
    data.fill(org_b, 1)
    first = clock.month_start(org_a)
    last = clock.month_end(first)
    start, end = clock.start_of_day(first, org_a), clock.start_of_day(last + D(days=1), org_a)
    delivered = dict(
        _sql(
            org_a,
            "SELECT service_code, round(sum(extract(epoch FROM clock_out_at - clock_in_at)) / 3600, 1) "
            "FROM scheduling_visit WHERE status = 'verified' AND clock_in_at >= %s AND clock_in_at < %s GROUP BY 1",
            [start, end],
        )
    )
    authorized = dict(
        _sql(
            org_a,
            "SELECT s.code, round(sum(CASE a.period "
            "  WHEN 'month' THEN least(x.share, a.period_units) "
            "  WHEN 'week' THEN least(x.share, a.period_units * x.days / 7.0) ELSE x.share END"
            "  * CASE s.unit_type WHEN 'hour' THEN 1 ELSE s.unit_minutes / 60.0 END), 1) "
            "FROM billing_serviceauthorization a JOIN scheduling_service s ON s.id = a.service_id "
            "CROSS JOIN LATERAL (SELECT least(a.end_date, %(last)s) - greatest(a.start_date, %(first)s) + 1 AS days) d "
            "CROSS JOIN LATERAL (SELECT d.days, a.units_authorized * d.days / (a.end_date - a.start_date + 1) "
            "  AS share) x "
            "WHERE a.status = 'active' AND a.start_date <= %(last)s AND a.end_date >= %(first)s "
            "AND s.unit_type IN ('unit', 'hour') GROUP BY 1",
            {"first": first, "last": last},
        )
    )
    rows = _panels(org_a)["hours_vs_authorized"]["rows"]
    codes = {row["code"] for row in rows}
    with org_a:
        timed = set(Service.objects.filter(unit_type__in=["unit", "hour"]).values_list("code", flat=True))
    assert codes == (set(delivered) | set(authorized)) & timed
    for row in rows:
        assert row["delivered"] == delivered.get(row["code"], Decimal("0.0")), row
        assert row["authorized"] == authorized.get(row["code"], Decimal("0.0")), row


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def test_hours_authorized_are_the_months_share_within_weekly_and_monthly_limits(org_a):
    first = clock.month_start(org_a)
    last = clock.month_end(first)
    days = Decimal((last - first).days + 1)
    opens = clock.start_of_day(first, org_a)
    with org_a:
        person, insurer, worker = data.client(), data.payer(), data.staff()
        timed = data.service(unit_minutes=15)
        hourly = data.service(unit_type=Service.UnitType.HOUR)
        data.service(unit_type=Service.UnitType.DAY)
        common = {"for_client": person, "by": insurer}
        # The whole month: all 120 units of 15 minutes.
        data.authorization(**common, of=timed, start=first, end=last, units="120")
        # 14 units a week: 2 a day over the month's days, far below its 1,000.
        data.authorization(**common, of=timed, start=first, end=last, units="1000", period="week", period_units="14")
        # 40 units a month, below its share of 600 over the month and two more.
        data.authorization(
            **common, of=timed, start=first - D(30), end=last + D(30), units="600", period="month", period_units="40"
        )
        # Not counted: suspended, ended before the month.
        data.authorization(**common, of=timed, start=first, end=last, units="999", status="suspended")
        data.authorization(**common, of=timed, start=first - D(90), end=first - D(1), units="999")
        # An hourly service from the 11th to ten days after the month: its days in this month.
        data.authorization(**common, of=hourly, start=first + D(10), end=last + D(10), units="50")
        data.visit(worker=worker, of=timed, clock_in=opens + D(hours=9), minutes=95)
        data.visit(worker=worker, of=timed, clock_in=opens + D(hours=11), minutes=45)
        data.visit(worker=worker, of=timed, clock_in=opens - D(hours=2), minutes=45)
        data.visit(worker=worker, of=timed, clock_in=opens + D(hours=13), minutes=45, status="exception")
        data.visit(worker=worker, of=hourly, clock_in=opens + D(hours=15), minutes=60)
    rows = {row["code"]: row for row in _panels(org_a)["hours_vs_authorized"]["rows"]}
    assert set(rows) == {timed.code, hourly.code}
    assert rows[timed.code]["authorized"] == _tenth(Decimal(30) + 2 * days / 4 + Decimal(10))
    assert rows[timed.code]["delivered"] == Decimal("2.3")  # 140 minutes
    assert rows[hourly.code]["authorized"] == _tenth(Decimal(50) * (days - 10) / days)
    assert rows[hourly.code]["delivered"] == Decimal("1.0")


def test_claims_are_counted_by_status_with_their_amounts(org_a, org_b):
    data.fill(org_a, 2)
    data.fill(org_b, 1)
    panel = _panels(org_a)["claims_by_status"]
    found = {
        status: (count, total)
        for status, count, total in _sql(
            org_a, "SELECT status, count(*), sum(total_amount) FROM billing_claim GROUP BY status"
        )
    }
    statuses = ["draft", "submitted", "processed", "paid", "denied", "rejected"]
    expected = [[str(found.get(s, (0, 0))[0]), money(found.get(s, (0, Decimal("0")))[1])] for s in statuses]
    assert [[c.text for c in row.cells] for row in panel["chart"].table.rows] == expected
    assert panel["total"] == sum(count for count, _total in found.values()) == 2 * 10
    assert panel["chart"].table.rows[1].cells[0].url == "/billing/claims/?status=submitted"


def test_receivables_are_the_open_balances_by_days_since_sent(org_a, org_b):
    data.fill(org_a, 2)
    data.fill(org_b, 1)
    today = clock.today(org_a)
    panel = _panels(org_a)["receivables_aging"]
    (row,) = _sql(
        org_a,
        "SELECT coalesce(sum(b) FILTER (WHERE age <= 30), 0), "
        "coalesce(sum(b) FILTER (WHERE age BETWEEN 31 AND 60), 0), "
        "coalesce(sum(b) FILTER (WHERE age BETWEEN 61 AND 90), 0), coalesce(sum(b) FILTER (WHERE age > 90), 0), "
        "coalesce(sum(b), 0) FROM (SELECT total_amount - amount_paid AS b, %s - submitted_date AS age "
        "FROM billing_claim WHERE status IN ('submitted', 'processed', 'paid') AND submitted_date IS NOT NULL "
        "AND claim_type <> 'void' AND total_amount > amount_paid) open",
        [today],
    )
    chart = panel["chart"]
    assert [r.cells[0].text for r in chart.table.rows] == [money(v) for v in row[:4]]
    assert [money(v) for v in row] == ["$200.00", "$300.00", "$600.00", "$800.00", "$1,900.00"]
    assert chart.table.footer.cells[0].text == money(row[4])
    assert [r.cells[0].url for r in chart.table.rows] == [
        "/billing/claims/?aging=days_0_30",
        "/billing/claims/?aging=days_31_60",
        "/billing/claims/?aging=days_61_90",
        "/billing/claims/?aging=days_90_plus",
    ]


def test_another_organizations_rows_change_no_number(org_a, org_b):
    data.fill(org_a, 1)
    before = {key: str(context["chart"].table) for key, context in _panels(org_a).items() if "chart" in context}
    assert len(before) == 7
    data.fill(org_b, 2)
    after = {key: str(context["chart"].table) for key, context in _panels(org_a).items() if "chart" in context}
    assert after == before


def test_claim_numbers_agree_with_the_filtered_claim_lists_they_link_to(org_a):
    data.fill(org_a, 2)
    panels = _panels(org_a)
    client = signed_in(org_a, "admin")
    for row in panels["claims_by_status"]["chart"].table.rows:
        count = row.cells[0]
        listed = client.get(count.url).context["totals"]
        assert str(listed["count"]) == count.text, count.url
    for row in panels["receivables_aging"]["chart"].table.rows:
        owed = row.cells[0]
        listed = client.get(owed.url).context["totals"]
        assert money(listed["total"] - listed["paid"]) == owed.text, owed.url


def test_census_numbers_agree_with_the_filtered_client_lists_they_link_to(org_a):
    data.fill(org_a, 2)
    table = _panels(org_a)["census"]["chart"].table
    client = signed_in(org_a, "admin")
    linked = [cell for row in (*table.rows, table.footer) for cell in row.cells if cell.url]
    assert len(linked) == 2 * 4 + 4  # two houses' statuses and totals, and the footer's
    for cell in linked:
        listed = client.get(cell.url).context["page"].paginator.count
        assert str(listed) == cell.text, cell.url


def test_authorization_numbers_agree_with_the_filtered_lists_they_link_to(org_a):
    data.fill(org_a, 2)
    client = signed_in(org_a, "admin")
    for row in _panels(org_a)["authorizations_at_risk"]["chart"].table.rows:
        cell = row.cells[0]
        assert cell.url, row.head.text  # "Used up" too: the list's used_up filter
        response = client.get(cell.url)
        assert response.context["next_cursor"] in ("", None)  # all on one page
        assert str(len(response.context["rows"])) == cell.text, cell.url


def test_hours_of_a_service_nobody_is_authorized_for_are_not_drawn_as_over_delivery(org_a):
    with org_a:
        unauthorized = data.service(unit_type=Service.UnitType.HOUR)
        start = clock.start_of_day(clock.month_start(org_a), org_a) + D(hours=9)
        data.visit(worker=data.staff(), of=unauthorized, clock_in=start, minutes=90)
    context = _panels(org_a)["hours_vs_authorized"]
    row = next(r for r in context["rows"] if r["code"] == unauthorized.code)
    assert (row["delivered"], row["authorized"]) == (Decimal("1.5"), Decimal("0.0"))
    chart = context["chart"]
    assert ("Delivered, no authorization", "chart-s1") in chart.legend
    assert "Delivered beyond authorized" not in chart.label  # nothing is over an authorization
    cells = next(r for r in chart.table.rows if r.head.text.startswith(unauthorized.code)).cells
    assert (cells[1].text, cells[1].url) == ("No authorization", "")
