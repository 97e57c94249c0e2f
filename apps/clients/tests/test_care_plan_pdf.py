"""The printed care plan: allergies and diet on its first page, a watermark on any plan that
is not the active one, and empty dates printed blank."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from apps.clients import printing, services
from apps.clients.models import CarePlan
from conftest import person

GOAL = {
    "description": "Cook a meal",
    "target": "3 a week",
    "start_date": "",
    "target_date": "",
    "status": "in_progress",
}


@pytest.fixture
def plan(org_a, maria):
    with org_a:
        maria.allergies = [{"allergen": "Peanuts", "reaction": "Hives", "severity": "severe"}]
        maria.dietary_restrictions = ["Low sodium", "Thickened liquids"]
        maria.save(update_fields=["allergies", "dietary_restrictions"])
        return services.care_plan_save(
            client=maria,
            plan_type="ISP",
            title="Support plan 2026",
            start_date=dt.date(2026, 1, 1),
            # Enough goals to run over several pages.
            goals=[GOAL] * 40,
            actor=person(org_a, "manager"),
        )


def pages(org, plan) -> list[str]:
    with org:
        pdf = printing.care_plan_pdf(plan=plan, organization=org)
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_allergies_and_diet_are_on_the_first_page(org_a, plan):
    first = pages(org_a, plan)[0]
    assert "Allergies" in first and "Peanuts: Hives (Severe)" in first
    assert "Low sodium; Thickened liquids" in first


def test_a_plan_that_is_not_active_prints_with_a_watermark_on_every_page(org_a, plan):
    draft = pages(org_a, plan)
    assert len(draft) > 1 and all("DRAFT" in page for page in draft)
    with org_a:
        plan.status = CarePlan.Status.ACTIVE
    assert not any("DRAFT" in page for page in pages(org_a, plan))
    with org_a:
        plan.status = CarePlan.Status.EXPIRED
    assert all("EXPIRED" in page for page in pages(org_a, plan))


def test_empty_dates_print_blank(org_a, plan):
    text = "\n".join(pages(org_a, plan))
    for dash_for_no_date in ("— –", "– —", "Review date —", "Approved —", "…"):
        assert dash_for_no_date not in text
    plan.goals = [{**GOAL, "target_date": "2026-06-30"}]
    assert "– Jun 30, 2026" in pages(org_a, plan)[0]


def test_the_plan_prints_in_the_organizations_font(org_a, plan):
    from apps.core.tests.pdf_fonts import embeds, font_names

    org_a.font_family = "Atkinson Hyperlegible"
    with org_a:
        pdf = printing.care_plan_pdf(plan=plan, organization=org_a)
    assert embeds(pdf, "Atkinson Hyperlegible") and embeds(pdf, "Atkinson Hyperlegible Bold"), font_names(pdf)
    assert not embeds(pdf, "DejaVu Sans"), font_names(pdf)
