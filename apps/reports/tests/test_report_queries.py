"""A report page and its exports cost the same number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.reports import catalog
from apps.reports.tests import support
from conftest import signed_in

CASES = [
    (catalog.CENSUS, {}),
    (catalog.CLIENT_ROSTER, {}),
    (catalog.STAFF_HOURS, support.PERIOD),
    (catalog.UTILIZATION, support.PERIOD),
    (catalog.COMPLIANCE, {}),
    (catalog.BILLING, support.PERIOD),
    (catalog.INCIDENTS, support.PERIOD),
    (catalog.EVV, support.PERIOD),
    (catalog.PHI_ACCESS, support.PERIOD),
]


def _more(org, data) -> None:
    """Rows for every report: new locations, people, payers and clients read."""
    from apps.audit.services import access_record
    from apps.billing.models import Payer
    from apps.clients.models import ClientLocation

    with org:
        from apps.accounts.models import User

        manager = User.objects.get(email__startswith="manager@")
        for n in range(4):
            location = ClientLocation.objects.create(name=f"Extra House {n}")
            client = support.make_client(location)
            staff = support.make_staff("hourly")
            support.make_visit(staff, client, support.START + dt.timedelta(days=n), exception_codes=["short_visit"])
            payer = Payer.objects.create(name=f"Extra Payer {n}", edi_payer_id=f"X{n}", claim_filing_indicator="CI")
            authorization = support.make_authorization(client, payer, support.START, support.END, "10", f"PX-{n}")
            support.make_billable(client, payer, support.START + dt.timedelta(days=n), authorization=authorization)
            access_record(obj=client, user=manager, now=support_moment(n))
            support.make_incident(client, support.START + dt.timedelta(days=n), {"injury": "yes"}, "submitted")


def support_moment(n: int) -> dt.datetime:
    from apps.core import clock

    return clock.start_of_day(dt.date(2026, 11, 11)) + dt.timedelta(hours=9, minutes=n)


def _count(org, report, filters) -> int:
    with org:
        form = report.form(filters)
        assert form.is_valid()
        return len(report.rows(form.cleaned_data))


@pytest.mark.parametrize(("report", "filters"), CASES, ids=[r.slug for r, _f in CASES])
def test_queries_do_not_grow_with_rows(one_minute, org_a, report, filters, django_assert_max_num_queries):
    with org_a:
        data = support.build()
    browser = signed_in(org_a, "admin")
    url = f"/reports/{report.slug}/"
    browser.get(url, filters)
    with django_assert_max_num_queries(30) as page:
        assert browser.get(url, filters).status_code == 200
    with django_assert_max_num_queries(30) as exported:
        browser.post(f"{url}export/", {**filters, "format": "xlsx"})
    before = _count(org_a, report, filters)
    _more(org_a, data)
    assert _count(org_a, report, filters) > before
    with django_assert_max_num_queries(len(page.captured_queries)):
        browser.get(url, filters)
    with django_assert_max_num_queries(len(exported.captured_queries)):
        browser.post(f"{url}export/", {**filters, "format": "xlsx"})
