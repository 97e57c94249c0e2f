"""Receivables: the open balance of sent claims by payer in aging buckets (0–30, 31–60, 61–90,
over 90 days since sent), checked against hand-computed amounts and against an independent
raw SQL query; drafts, voids, denied and settled claims owe nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from apps.billing import claim_selectors as selectors
from apps.billing import claims as services
from apps.billing.models import Claim
from apps.billing.tests import claims_support as s
from conftest import person

TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def aged(org_a):
    """Claims of 25.00 per line sent 0, 30, 31, 60, 61, 90, 91 and 200 days ago."""
    with org_a:
        medicaid, hmo = s.make_payer(), s.make_payer("Care Plan HMO", edi_payer_id="HMO1")
        service = s.make_service()
        made = []
        for age, payer, paid in [
            (0, medicaid, "0"),
            (30, medicaid, "10.00"),
            (31, medicaid, "0"),
            (60, hmo, "0"),
            (61, hmo, "0"),
            (90, medicaid, "0"),
            (91, hmo, "5.00"),
            (200, medicaid, "0"),
        ]:
            client = s.make_client(payer)
            day = TODAY - dt.timedelta(days=age)
            s.make_billables(client, payer, service, [day.replace(day=1)], units="4")
            (claim,) = services.claims_build(start=day.replace(day=1), end=day.replace(day=1), actor=None)
            Claim.objects.filter(pk=claim.pk).update(status="submitted", submitted_date=day)
            if paid != "0":
                s.post_835([claim], trace=f"EFT-{age}", paid={claim.claim_number: Decimal(paid)})
            made.append(claim)
        # Owing nothing: a draft, a denied claim, a fully paid one, a void.
        s.make_billables(s.make_client(medicaid), medicaid, service, [dt.date(2026, 11, 20)])
        services.claims_build(start=dt.date(2026, 11, 20), end=dt.date(2026, 11, 20), actor=person(org_a, "billing"))
        Claim.objects.filter(pk=made[2].pk).update(status="denied")
        yield {"medicaid": medicaid, "hmo": hmo, "claims": made}


def test_balances_fall_in_the_right_buckets(org_a, aged):
    with org_a:
        rows, sums = selectors.receivables(TODAY)
    by_payer = {row["payer__name"]: row for row in rows}
    medicaid, hmo = by_payer["State Medicaid"], by_payer["Care Plan HMO"]
    # Medicaid: 25 (0 days) + 15 (30 days, 10 paid); the 31-day one denied; 25 at 90; 25 at 200.
    assert medicaid["days_0_30"] == Decimal("40.00")
    assert medicaid["days_31_60"] == Decimal("0.00")
    assert medicaid["days_61_90"] == Decimal("25.00")
    assert medicaid["days_90_plus"] == Decimal("25.00")
    assert medicaid["total"] == Decimal("90.00") and medicaid["claims"] == 4
    # HMO: 25 at 60, 25 at 61, 20 at 91 (5 paid).
    assert (hmo["days_0_30"], hmo["days_31_60"], hmo["days_61_90"], hmo["days_90_plus"]) == (
        Decimal("0.00"),
        Decimal("25.00"),
        Decimal("25.00"),
        Decimal("20.00"),
    )
    assert sums["total"] == Decimal("160.00") and sums["claims"] == 7


def test_the_buckets_agree_with_an_independent_sql_query(org_a, aged):
    with org_a:
        rows, _sums = selectors.receivables(TODAY)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT p.name,
                       sum(CASE WHEN age <= 30 THEN owed ELSE 0 END),
                       sum(CASE WHEN age BETWEEN 31 AND 60 THEN owed ELSE 0 END),
                       sum(CASE WHEN age BETWEEN 61 AND 90 THEN owed ELSE 0 END),
                       sum(CASE WHEN age > 90 THEN owed ELSE 0 END)
                FROM billing_claim c JOIN billing_payer p ON p.id = c.payer_id,
                     LATERAL (SELECT %(t)s::date - c.submitted_date AS age, c.total_amount - c.amount_paid AS owed) x
                WHERE c.status IN ('submitted', 'processed', 'paid') AND c.claim_type <> 'void'
                  AND c.total_amount > c.amount_paid AND c.submitted_date IS NOT NULL
                GROUP BY p.name ORDER BY p.name
                """,
                {"t": TODAY},
            )
            expected = [tuple(row) for row in cursor.fetchall()]
    assert [
        (r["payer__name"], r["days_0_30"], r["days_31_60"], r["days_61_90"], r["days_90_plus"]) for r in rows
    ] == expected


def test_it_is_one_query(org_a, aged, django_assert_num_queries):
    with org_a:
        # The schema's search_path is set on the first query; count from the second.
        selectors.receivables(TODAY)
        with django_assert_num_queries(1):
            selectors.receivables(TODAY)


def test_a_bucket_links_to_the_claims_it_sums(org_a, aged):
    with org_a:
        claims = list(selectors.claim_list(selectors.Filters(payer=aged["hmo"].pk, aging="days_90_plus", today=TODAY)))
    assert [c.pk for c in claims] == [aged["claims"][6].pk]
