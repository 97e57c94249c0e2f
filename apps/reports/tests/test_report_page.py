"""The report page: the filters applied, in words, in the table's caption; headers scoped for
screen readers; long reports paged with the filters kept; bad filters refused with a message."""

from __future__ import annotations

import pytest

from apps.reports import views
from apps.reports.tests import support
from conftest import signed_in


@pytest.fixture
def data(org_a):
    with org_a:
        yield support.build()


def test_the_caption_says_which_filters_made_the_table(org_a, data):
    page = signed_in(org_a, "admin").get("/reports/staff-hours/", {**support.PERIOD, "pay_type": "salary"})
    text = page.content.decode()
    assert "<caption>Staff hours by week (payroll) · From: " in text
    assert "Pay type: Salary" in text
    assert '<th scope="col" class="num">Overtime hours</th>' in text
    assert '<th scope="row">Total</th>' in text


def test_long_reports_are_paged_and_keep_their_filters(org_a, data, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    browser = signed_in(org_a, "admin")
    first = browser.get("/reports/staff-hours/", support.PERIOD).content.decode()
    assert "Page 1 of 2" in first
    assert f"start={support.START.isoformat()}" in first and "page=2" in first
    second = browser.get("/reports/staff-hours/", {**support.PERIOD, "page": "2"}).content.decode()
    assert "Page 2 of 2" in second and "Baker" in second and "Adams" not in second


def test_bad_filters_are_refused_with_a_message(org_a, data):
    browser = signed_in(org_a, "admin")
    wrong = browser.get("/reports/billing/", {"start": "02/11/2026"})
    assert wrong.status_code == 400
    assert "Enter a valid date." in wrong.content.decode()
    too_long = browser.get("/reports/billing/", {"start": "2024-01-01", "end": "2026-01-01"})
    assert too_long.status_code == 400
    assert "Choose a period of at most a year." in too_long.content.decode()
    unknown = browser.get("/reports/census/", {"status": "asleep"})
    assert unknown.status_code == 400


@pytest.mark.parametrize("slug", ["staff-hours", "billing", "utilization", "incidents", "evv-exceptions", "phi-access"])
@pytest.mark.parametrize("period", [{"start": "9999-12-31", "end": "9999-12-31"}, {"start": "9999-12-15"}])
def test_a_period_at_the_calendars_end_is_refused_by_its_field_not_a_500(org_a, slug, period):
    browser = signed_in(org_a, "admin")
    page = browser.get(f"/reports/{slug}/", period)
    assert page.status_code == 400
    assert "Choose a date between 1900 and 2999." in page.content.decode()
    exported = browser.post(f"/reports/{slug}/export/", {**period, "format": "csv"})
    assert exported.status_code in (302, 400)


def test_an_unknown_report_is_not_found(org_a):
    assert signed_in(org_a, "admin").get("/reports/nothing-here/").status_code == 404


def test_the_default_period_is_the_organizations_current_month(org_a, data):
    from django.utils.formats import date_format

    from apps.core import clock

    with org_a:
        today = clock.today()
    text = signed_in(org_a, "admin").get("/reports/billing/").content.decode()
    first, last = today.replace(day=1), clock.month_end(today)
    assert f"From: {date_format(first)} · To: {date_format(last)}" in text
    # And the fields show the period the report ran for.
    assert f'value="{first.isoformat()}"' in text and f'value="{last.isoformat()}"' in text


def test_staff_hours_run_for_whole_weeks_and_say_so_in_the_fields_and_caption(org_a, data):
    from django.utils.formats import date_format

    # Tuesday 3 to Wednesday 25 November 2026: the weeks of Monday 2 to Sunday 29.
    page = signed_in(org_a, "admin").get("/reports/staff-hours/", {"start": "2026-11-03", "end": "2026-11-25"})
    text = page.content.decode()
    assert 'value="2026-11-02"' in text and 'value="2026-11-29"' in text
    assert f"From: {date_format(support.START)} · To: {date_format(support.END)}" in text


def test_a_report_with_no_rows_says_so_and_offers_nothing_to_export(org_a):
    text = signed_in(org_a, "admin").get("/reports/billing/", {"start": "1990-01-01", "end": "1990-01-31"}).content
    assert b"Nothing to report for these filters." in text
    assert b'name="format"' not in text
