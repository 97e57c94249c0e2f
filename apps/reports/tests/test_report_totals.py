"""Every report's rows and totals, checked against numbers worked out by hand and against an
independent raw SQL query over the same tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from apps.core import clock
from apps.reports import catalog
from apps.reports.tests import support

START, END = support.START, support.END


@pytest.fixture
def data(org_a):
    with org_a:
        yield support.build()


def _run(report, org, **filters):
    with org:
        form = report.form({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in filters.items()})
        assert form.is_valid(), form.errors
        rows = report.rows(form.cleaned_data)
        return rows, report.totals(rows)


def _all(org, query: str, params=()) -> list[tuple]:
    with org, connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _sql(org, query: str, params=()) -> tuple:
    with org, connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()


def test_census_counts_clients_by_location_and_status(org_a, data):
    rows, totals = _run(catalog.CENSUS, org_a)
    by_location = {row["location"]: row for row in rows}
    assert by_location["Elm House"]["active"] == 2
    assert by_location["Elm House"]["on_hold"] == 1
    assert by_location["Elm House"]["discharged"] == 1
    assert by_location["Oak Day Program"]["inactive"] == 1
    assert by_location["No location"]["total"] == 1
    expected = _sql(
        org_a,
        "SELECT count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'on_hold'),"
        " count(*) FILTER (WHERE status = 'inactive'), count(*) FILTER (WHERE status = 'discharged'),"
        " count(*) FILTER (WHERE status = 'deceased'), count(*) FROM clients_client",
    )
    keys = ("active", "on_hold", "inactive", "discharged", "deceased", "total")
    assert tuple(totals[key] for key in keys) == expected


def test_census_filters_by_location_and_status(org_a, data):
    rows, totals = _run(catalog.CENSUS, org_a, location=str(data["elm"].pk), status="active")
    assert [(row["location"], row["total"]) for row in rows] == [("Elm House", 2)]
    assert totals["total"] == 2


def test_client_roster_lists_every_client_the_census_counts(org_a, data):
    rows, totals = _run(catalog.CLIENT_ROSTER, org_a)
    census_rows, census_totals = _run(catalog.CENSUS, org_a)
    assert totals is None  # a list of people: nothing to add up
    assert len(rows) == census_totals["total"] == _sql(org_a, "SELECT count(*) FROM clients_client")[0]
    expected = {
        (client_id, f"{last}, {first}", location or "No location")
        for client_id, last, first, location in _all(
            org_a,
            "SELECT c.client_id, c.last_name, c.first_name, l.name FROM clients_client c"
            " LEFT JOIN clients_clientlocation l ON l.id = c.location_id",
        )
    }
    assert {(row["client_id"], row["client"], row["location"]) for row in rows} == expected
    # Per location and status, the roster's rows are the census's counts.
    for census_row in census_rows:
        listed = [row for row in rows if row["location"] == census_row["location"]]
        assert len(listed) == census_row["total"]
        assert sum(row["status"] == "Active" for row in listed) == census_row["active"]
    ordered = _all(org_a, "SELECT client_id FROM clients_client ORDER BY last_name, first_name, client_id")
    assert [row["client_id"] for row in rows] == [client_id for (client_id,) in ordered]


def test_client_roster_filters_by_location_status_and_name(org_a, data):
    rows, _totals = _run(catalog.CLIENT_ROSTER, org_a, location=str(data["elm"].pk), status="active")
    assert len(rows) == 2
    assert {row["location"] for row in rows} == {"Elm House"}
    assert {row["status"] for row in rows} == {"Active"}
    one = rows[0]
    found, _totals = _run(catalog.CLIENT_ROSTER, org_a, q=one["client_id"])
    assert [row["client_id"] for row in found] == [one["client_id"]]
    by_name, _totals = _run(catalog.CLIENT_ROSTER, org_a, q=one["client"].split(", ")[0].upper())
    assert one["client_id"] in [row["client_id"] for row in by_name]


def test_staff_hours_count_overtime_by_the_organizations_own_week(org_a, data):
    """With weeks from Sunday (the default), Adams's 45 hours of 2 to 6 November and Sunday the
    8th's hours fall in other weeks than Monday's: the report buckets by the setting."""
    with org_a:
        support.weeks_start_on(6)
    rows, _totals = _run(catalog.STAFF_HOURS, org_a, start=START, end=END)
    weeks = {row["week"] for row in rows}
    assert weeks and all(week.weekday() == 6 for week in weeks), weeks
    # Every hour is still counted once: the same total as the raw visits of those weeks.
    first, last = min(weeks), max(weeks) + dt.timedelta(days=6)
    since = clock.start_of_day(first, org_a)
    until = clock.start_of_day(last + dt.timedelta(days=1), org_a)
    (hours,) = _sql(
        org_a,
        "SELECT round(sum(extract(epoch FROM clock_out_at - clock_in_at)) / 3600, 2) FROM scheduling_visit"
        " WHERE clock_out_at IS NOT NULL AND clock_in_at >= %s AND clock_in_at < %s",
        [since, until],
    )
    assert sum(row["hours"] for row in rows) == hours


def test_staff_hours_split_regular_and_overtime_by_week(org_a, data):
    rows, totals = _run(catalog.STAFF_HOURS, org_a, start=START, end=END)
    got = {(row["name"].split(",")[0], row["week"]): (row["regular"], row["overtime"], row["pay_type"]) for row in rows}
    assert got == {
        ("Adams", dt.date(2026, 11, 2)): (Decimal("40.00"), Decimal("5.00"), "Hourly"),
        ("Adams", dt.date(2026, 11, 9)): (Decimal("7.50"), Decimal("0.00"), "Hourly"),
        ("Baker", dt.date(2026, 11, 2)): (Decimal("45.00"), Decimal("0.00"), "Salary"),
        ("Baker", dt.date(2026, 11, 9)): (Decimal("2.00"), Decimal("0.00"), "Salary"),
    }
    # Independently: hours per person and local week, overtime over 40 for hourly staff only.
    expected = _sql(
        org_a,
        """
        WITH weeks AS (
          SELECT s.pay_type,
                 round((sum(extract(epoch FROM v.clock_out_at - v.clock_in_at)) / 3600)::numeric, 2) AS hours
          FROM scheduling_visit v JOIN staff_staff s ON s.id = v.staff_id
          WHERE v.clock_out_at IS NOT NULL AND v.clock_in_at >= %s AND v.clock_in_at < %s
          GROUP BY v.staff_id, s.pay_type, date_trunc('week', v.clock_in_at AT TIME ZONE %s)
        )
        SELECT sum(hours), sum(CASE WHEN pay_type = 'hourly' THEN greatest(hours - 40, 0) ELSE 0 END) FROM weeks
        """,
        [
            _local(org_a, START),
            _local(org_a, END + dt.timedelta(days=1)),
            org_a.timezone,
        ],
    )
    assert (totals["hours"], totals["overtime"]) == expected
    assert totals["regular"] + totals["overtime"] == totals["hours"] == Decimal("99.50")


def _local(org, day: dt.date) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(org.timezone))


def test_staff_hours_filters_by_pay_type_and_name(org_a, data):
    rows, totals = _run(catalog.STAFF_HOURS, org_a, start=START, end=END, pay_type="salary")
    assert {row["name"].split(",")[0] for row in rows} == {"Baker"}
    rows, totals = _run(catalog.STAFF_HOURS, org_a, start=START, end=END, q="adam")
    assert {row["name"].split(",")[0] for row in rows} == {"Adams"}
    assert totals["hours"] == Decimal("52.50")


def test_billing_sums_services_by_payer_and_month(org_a, data):
    rows, totals = _run(catalog.BILLING, org_a, start=START - dt.timedelta(days=10), end=END)
    got = {(row["payer"], row["month"]): (row["services"], row["units"], row["amount"], row["claimed"]) for row in rows}
    assert got == {
        ("Care Plan HMO", dt.date(2026, 10, 1)): (1, Decimal("4.00"), Decimal("25.00"), Decimal("0.00")),
        ("Care Plan HMO", dt.date(2026, 11, 1)): (1, Decimal("8.00"), Decimal("40.80"), Decimal("0.00")),
        ("State Medicaid", dt.date(2026, 11, 1)): (3, Decimal("9.00"), Decimal("56.25"), Decimal("12.50")),
    }
    expected = _sql(
        org_a,
        "SELECT count(*), sum(units), sum(total_amount),"
        " coalesce(sum(total_amount) FILTER (WHERE status = 'claimed'), 0)"
        " FROM billing_billableservice WHERE status <> 'void' AND service_date BETWEEN %s AND %s",
        [START - dt.timedelta(days=10), END],
    )
    assert (totals["services"], totals["units"], totals["amount"], totals["claimed"]) == expected


def test_billing_filters_by_payer_and_period(org_a, data):
    rows, totals = _run(catalog.BILLING, org_a, start=START, end=END, payer=str(data["medicaid"].pk))
    assert [row["payer"] for row in rows] == ["State Medicaid"]
    assert totals["amount"] == Decimal("56.25")


def test_evv_exceptions_count_each_exception_of_the_period(org_a, data):
    rows, totals = _run(catalog.EVV, org_a, start=START, end=END)
    got = {row["exception"]: (row["visits"], row["awaiting"], row["resolved"]) for row in rows}
    assert got == {
        "Outside the geofence": (1, 1, 0),
        "Times entered or corrected by hand": (1, 0, 1),
        "Clocked in far from the scheduled time": (1, 0, 1),
    }
    expected = _sql(
        org_a,
        "SELECT count(*), count(*) FILTER (WHERE v.status = 'exception') FROM scheduling_visit v,"
        " jsonb_array_elements_text(v.exception_codes) code WHERE v.clock_in_at >= %s AND v.clock_in_at < %s",
        [_local(org_a, START), _local(org_a, END + dt.timedelta(days=1))],
    )
    assert (totals["visits"], totals["awaiting"]) == expected
    assert totals["resolved"] == expected[0] - expected[1]


def test_evv_exceptions_filter_by_location(org_a, data):
    rows, totals = _run(catalog.EVV, org_a, start=START, end=END, location=str(data["elm"].pk))
    assert rows == [] and totals["visits"] == 0


def test_phi_access_counts_reads_of_each_client_and_who(org_a, data):
    rows, totals = _run(catalog.PHI_ACCESS, org_a, start=START, end=END)
    first, fifth = data["clients"][0], data["clients"][4]
    got = {row["client_id"]: (row["accesses"], row["people"]) for row in rows}
    assert got == {first.client_id: (3, 2), fifth.client_id: (1, 1)}
    expected = _sql(
        org_a,
        "SELECT count(*) FROM audit_logentry e JOIN django_content_type t ON t.id = e.content_type_id"
        " WHERE e.action = 3 AND t.app_label = 'clients' AND t.model = 'client'"
        " AND e.timestamp >= %s AND e.timestamp < %s",
        [_local(org_a, START), _local(org_a, END + dt.timedelta(days=1))],
    )
    assert (totals["accesses"],) == expected


def test_phi_access_searches_by_client_name(org_a, data):
    fifth = data["clients"][4]
    rows, _totals = _run(catalog.PHI_ACCESS, org_a, start=START, end=END, q=fifth.last_name)
    assert [row["client_id"] for row in rows] == [fifth.client_id]


def test_utilization_counts_units_used_under_each_authorization_in_force(org_a, data):
    rows, totals = _run(catalog.UTILIZATION, org_a, start=START, end=END)
    got = {row["authorization"]: (row["authorized"], row["used"], row["remaining"], row["percent"]) for row in rows}
    assert got == {
        "PA-100": (Decimal("100.00"), Decimal("6.00"), Decimal("94.00"), Decimal("6.0")),
        "PA-200": (Decimal("20.00"), Decimal("0.00"), Decimal("20.00"), Decimal("0.0")),
    }
    expected = _sql(
        org_a,
        """
        SELECT sum(a.units_authorized),
               coalesce(sum((SELECT sum(b.units) FROM billing_billableservice b
                             WHERE b.authorization_id = a.id AND b.status IN ('ready', 'claimed'))), 0)
        FROM billing_serviceauthorization a WHERE a.start_date <= %s AND a.end_date >= %s
        """,
        [END, START],
    )
    assert (totals["authorized"], totals["used"]) == expected
    assert totals["remaining"] == expected[0] - expected[1]


def test_utilization_filters_by_payer_and_search(org_a, data):
    rows, _totals = _run(catalog.UTILIZATION, org_a, start=START, end=END, payer=str(data["hmo"].pk))
    assert rows == []
    rows, _totals = _run(catalog.UTILIZATION, org_a, start=START, end=END, q="PA-2")
    assert [row["authorization"] for row in rows] == ["PA-200"]


def test_compliance_counts_required_items_by_state(org_a, data):
    rows, totals = _run(catalog.COMPLIANCE, org_a)
    got = {row["name"].split(",")[0]: (row["current"], row["expiring"], row["expired"], row["missing"]) for row in rows}
    assert got["Adams"] == (2, 0, 0, 0)
    assert got["Baker"] == (0, 1, 1, 0)
    assert got["Clark"] == (0, 0, 1, 1)
    assert "Former" not in got
    # Independently: every active person owes CPR and the program; their newest record decides.
    with org_a:
        from apps.core import clock

        today = clock.today()
    expected = _sql(
        org_a,
        """
        WITH people AS (SELECT id FROM staff_staff WHERE employment_status = 'active'),
        cpr AS (
          SELECT p.id, (SELECT CASE WHEN c.expiry_date IS NULL THEN 'current'
                                    WHEN c.expiry_date < %(today)s THEN 'expired'
                                    WHEN c.expiry_date <= %(today)s + c.reminder_days_before THEN 'expiring'
                                    ELSE 'current' END
                        FROM staff_certification c
                        WHERE c.staff_id = p.id AND c.certification_type = 'CPR' AND c.renewed_by_id IS NULL
                        ORDER BY c.issue_date DESC LIMIT 1) AS state FROM people p
        ),
        training AS (
          SELECT p.id, (SELECT CASE WHEN r.expires_on IS NULL OR r.expires_on > %(today)s + 30 THEN 'current'
                                    WHEN r.expires_on >= %(today)s THEN 'expiring' ELSE 'expired' END
                        FROM staff_trainingrecord r JOIN staff_trainingprogram g ON g.id = r.program_id
                        WHERE r.staff_id = p.id AND g.is_mandatory AND r.passed
                        ORDER BY r.completed_on DESC LIMIT 1) AS state FROM people p
        ),
        states AS (
          SELECT coalesce(state, 'missing') AS state FROM cpr
          UNION ALL SELECT coalesce(state, 'missing') FROM training
        )
        SELECT count(*), count(*) FILTER (WHERE state = 'current'), count(*) FILTER (WHERE state = 'expiring'),
               count(*) FILTER (WHERE state = 'expired'), count(*) FILTER (WHERE state = 'missing') FROM states
        """,
        {"today": today},
    )
    keys = ("required", "current", "expiring", "expired", "missing")
    assert tuple(totals[key] for key in keys) == expected


def test_compliance_searches_by_name(org_a, data):
    rows, totals = _run(catalog.COMPLIANCE, org_a, q="clar")
    assert [row["name"].split(",")[0] for row in rows] == ["Clark"]
    assert totals["required"] == 2


def test_incidents_count_by_location_month_and_kind(org_a, data):
    rows, totals = _run(catalog.INCIDENTS, org_a, start=dt.date(2026, 10, 1), end=END)
    got = {
        (row["location"], row["month"]): (row["incidents"], row["injury"], row["abuse"], row["emergency"], row["other"])
        for row in rows
    }
    assert got == {
        ("Elm House", dt.date(2026, 11, 1)): (3, 2, 1, 0, 1),
        ("Oak Day Program", dt.date(2026, 10, 1)): (1, 1, 0, 0, 0),
        ("Oak Day Program", dt.date(2026, 11, 1)): (1, 0, 0, 1, 0),
    }
    expected = _sql(
        org_a,
        """
        SELECT count(*), count(*) FILTER (WHERE s.submission_data ->> 'injury' = 'yes'),
               count(*) FILTER (WHERE s.submission_data ->> 'abuse_suspected' = 'yes'),
               count(*) FILTER (WHERE s.submission_data ->> 'emergency_services' = 'yes'),
               count(*) FILTER (WHERE coalesce(s.submission_data ->> 'injury', '') <> 'yes'
                                  AND coalesce(s.submission_data ->> 'abuse_suspected', '') <> 'yes'
                                  AND coalesce(s.submission_data ->> 'emergency_services', '') <> 'yes')
        FROM documentation_formsubmission s JOIN documentation_formtemplate t ON t.id = s.form_template_id
        WHERE t.form_type = 'incident_report' AND s.status <> 'draft' AND s.service_date BETWEEN %s AND %s
        """,
        [dt.date(2026, 10, 1), END],
    )
    keys = ("incidents", "injury", "abuse", "emergency", "other")
    assert tuple(totals[key] for key in keys) == expected


def test_incidents_filter_by_location_and_period(org_a, data):
    rows, totals = _run(catalog.INCIDENTS, org_a, start=START, end=END, location=str(data["oak"].pk))
    assert [(row["location"], row["month"]) for row in rows] == [("Oak Day Program", dt.date(2026, 11, 1))]
    assert totals["incidents"] == 1
