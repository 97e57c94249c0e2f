"""The signed-in home shows what each person acts on today: the panels follow permissions
(and a linked staff record), so every system role's home matches its list, and each home
costs the same number of queries whatever the organization holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.tenants.tests.home_data import fill, make_staff
from conftest import host_client, person, signed_in

# The dashboards (apps.reports.dashboards), in their order.
DASHBOARDS = [
    "census",
    "open_shifts_by_day",
    "care_plans_due",
    "authorizations_at_risk",
    "hours_vs_authorized",
    "claims_by_status",
    "receivables_aging",
]
EVERY_PANEL = {
    "my_shifts",
    "shifts_to_take",
    "my_clients",
    "pending_invitations",
    "failed_deliveries",
    "care_plans",
    "team_certifications",
    "certifications",
    "overdue_training",
    "week_open_shifts",
    "unpublished_weeks",
    "evv_exceptions",
    "recent_access",
    "notes_due",
    "team_notes_due",
    "incidents_to_review",
    *DASHBOARDS,
}
SCHEDULER = ["week_open_shifts", "unpublished_weeks", "evv_exceptions"]
EXPECTED = {
    # An org admin sees what their permissions allow: the account's work first.
    "admin": [
        "pending_invitations",
        "failed_deliveries",
        "incidents_to_review",
        "care_plans",
        "team_notes_due",
        "certifications",
        "overdue_training",
        "compliance_findings",
        *SCHEDULER,
        *DASHBOARDS,
        "recent_access",
    ],
    # Program managers hold every scheduling permission schedulers hold, so they see the
    # scheduler's panels after their own.
    "manager": [
        "incidents_to_review",
        "care_plans",
        "team_certifications",
        "team_notes_due",
        "compliance_findings",
        *SCHEDULER,
        *DASHBOARDS[:5],
    ],
    "dsp": ["my_shifts", "shifts_to_take", "my_clients", "notes_due"],
    "nurse": ["my_shifts", "shifts_to_take", "my_clients", "notes_due"],
    "scheduler": ["compliance_findings", *SCHEDULER, *DASHBOARDS[:2]],
    "billing": ["compliance_findings", *DASHBOARDS[3:]],
    "hr": ["certifications", "overdue_training", "compliance_findings"],
    "auditor": ["compliance_findings", *DASHBOARDS, "recent_access"],
}


def _link_staff(organization):
    """The DSP and the nurse work shifts; the manager supervises someone."""
    dsp = make_staff(organization, user=person(organization, "dsp"))
    make_staff(organization, user=person(organization, "nurse"))
    manager = make_staff(organization, user=person(organization, "manager"))
    return dsp, manager


def _panels(response) -> list[str]:
    assert response.status_code == 200
    return [panel["key"] for panel in response.context["panels"]]


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_system_roles_home_shows_its_own_panels_and_no_others(org_a, role):
    dsp, manager = _link_staff(org_a)
    fill(org_a, 1, dsp_staff=dsp, manager_staff=manager)
    response = signed_in(org_a, role).get("/")
    shown = _panels(response)
    assert shown == EXPECTED[role]
    assert EVERY_PANEL - set(shown) == EVERY_PANEL - set(EXPECTED[role])
    html = response.content.decode()
    assert "Client records, schedules, visit notes and billing in one place." not in html
    for key in shown:
        assert f'data-panel="{key}"' in html
    if not shown:
        assert "Nothing needs you today." in html


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_home_costs_the_same_queries_with_one_row_or_many(one_minute, org_a, role):
    dsp, manager = _link_staff(org_a)
    client = signed_in(org_a, role)
    fill(org_a, 1, dsp_staff=dsp, manager_staff=manager)
    client.get("/")  # warm the session, permission and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    fill(org_a, 8, dsp_staff=dsp, manager_staff=manager)
    client.get("/")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert response.status_code == 200
    assert len(many) == len(few), (
        [q["sql"][:150] for q in few.captured_queries],
        [q["sql"][:150] for q in many.captured_queries],
    )
    # Each panel is one or two queries beyond the page's own.
    assert len(many) <= 12 + 2 * len(EXPECTED[role])


def test_a_long_list_ends_with_how_many_more_and_a_link_to_all_of_them(org_a):
    fill(org_a, 8)
    html = signed_in(org_a, "admin").get("/").content.decode()
    assert "and 3 more" in html
    assert "/accounts/people/?status=pending" in html
    assert "/notifications/deliveries/?status=failed" in html


def test_a_session_from_another_organization_gets_the_welcome_page_and_no_panels(org_a, org_b):
    fill(org_a, 1)
    visitor = signed_in(org_a, "admin")
    visitor.defaults["HTTP_HOST"] = org_b.primary_host
    response = visitor.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome to" in html and "data-panel" not in html
    assert "invited" not in html


def test_signed_out_visitors_keep_the_cached_welcome_page(one_minute, org_a):
    from apps.core import page_cache

    client = host_client(org_a.primary_host)
    first = client.get("/")
    assert first.status_code == 200 and "Sign in" in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/")
    assert again.content == first.content
    assert len(queries) <= 1  # the page comes from the worker's memory
    assert page_cache._entries


def test_the_home_is_in_spanish_for_a_spanish_reader(org_a):
    dsp, _manager = _link_staff(org_a)
    fill(org_a, 1, dsp_staff=dsp)
    client = signed_in(org_a, "dsp")
    client.cookies["django_language"] = "es"
    html = client.get("/").content.decode()
    for english in ("Your shifts", "Open shifts you could take", "Your clients", "Next shift", "Today"):
        assert f">{english}<" not in html, english
    assert "Sus turnos" in html
