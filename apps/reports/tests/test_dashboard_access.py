"""Who sees which dashboard panel (system roles, a custom role, someone with no role), what a
home with them costs in queries whatever the data, how they are kept between requests, and
that they read in Spanish."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from defusedxml import ElementTree as safe_xml
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.services import roles as role_services
from apps.core import clock, fragments
from apps.reports import dashboards
from apps.reports.tests import dashboard_data as data
from conftest import Renders, person, signed_in

DASHBOARDS = [panel.key for panel in dashboards.PANELS]
CLINICAL = ["census", "open_shifts_by_day"]
BILLING = ["authorizations_at_risk", "hours_vs_authorized", "claims_by_status", "receivables_aging"]
EXPECTED = {
    "admin": DASHBOARDS,
    "auditor": DASHBOARDS,
    # Care plans and authorizations, not claims: a manager reads no claim.
    "manager": [*CLINICAL, "care_plans_due", "authorizations_at_risk", "hours_vs_authorized"],
    "scheduler": CLINICAL,
    # Billing reads clients but not locations: no census.
    "billing": BILLING,
    "hr": [],
    "dsp": [],
    "nurse": [],
    "outsider": [],
}


def _shown(response) -> list[str]:
    assert response.status_code == 200
    return [panel["key"] for panel in response.context["panels"] if panel["key"] in DASHBOARDS]


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_the_dashboard_panels_its_permissions_fit(org_a, role):
    data.fill(org_a, 1)
    response = signed_in(org_a, role).get("/")
    assert _shown(response) == EXPECTED[role]
    html = response.content.decode()
    for key in set(DASHBOARDS) - set(EXPECTED[role]):
        assert f'data-panel="{key}"' not in html


def _custom_role(org, name: str, codenames: list[str]) -> User:
    with org:
        role = role_services.role_create(
            name=name,
            permission_ids=[
                Permission.objects.get(content_type__app_label=label, codename=codename).pk
                for label, codename in (c.split(".") for c in codenames)
            ],
            actor=None,
        )
        someone = person(org, "outsider")
        User.objects.filter(pk=someone.pk).update(role=role)
        someone.groups.set([role.group])
    return someone


def test_a_custom_role_sees_the_panels_of_the_permissions_it_was_given(org_a):
    data.fill(org_a, 1)
    _custom_role(org_a, "Collections", ["billing.view_claim"])
    assert _shown(signed_in(org_a, "outsider").get("/")) == ["claims_by_status", "receivables_aging"]


def test_a_panel_needs_every_permission_it_names(org_a):
    # Clients without their locations: no census; authorizations without visits: no hours.
    _custom_role(org_a, "Intake", ["clients.view_client", "billing.view_serviceauthorization"])
    assert _shown(signed_in(org_a, "outsider").get("/")) == ["authorizations_at_risk"]


def test_every_panel_draws_a_chart_a_screen_reader_can_read_with_its_table(org_a):
    data.fill(org_a, 1)
    html = signed_in(org_a, "admin").get("/").content.decode()
    for key in DASHBOARDS:
        start = html.index(f'data-panel="{key}"')
        section = html[html.index(">", start) + 1 : html.index("</section>", start)]
        figure = safe_xml.fromstring(section[section.index("<figure") : section.index("</figure>") + len("</figure>")])
        svg = figure.find("{http://www.w3.org/2000/svg}svg")
        assert svg.get("role") == "img" and len(svg.get("aria-label")) > 20, key
        assert figure.find("details/summary") is not None and figure.findall(".//tbody/tr"), key


def test_empty_panels_say_so_instead_of_drawing_nothing(org_a):
    html = signed_in(org_a, "admin").get("/").content.decode()
    for sentence in (
        "No current clients",
        "Every shift in the next 7 days has someone on it.",
        "No active care plan is due for review within 30 days.",
        "No active authorization is nearly used up or ending soon.",
        "No hours authorized or delivered this month",
        "No claims yet.",
        "Nothing is owed",
    ):
        assert sentence in html, sentence
    assert "<figure" not in html


def test_a_home_with_the_dashboards_costs_the_same_queries_with_few_rows_or_many(one_minute, org_a):
    client = signed_in(org_a, "admin")
    data.fill(org_a, 1)
    client.get("/")  # warm the session, permission and content-type caches
    fragments.clear()
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    data.fill(org_a, 4)
    fragments.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get("/").status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_panels_are_kept_until_a_table_they_count_changes(org_a):
    data.fill(org_a, 1)
    client = signed_in(org_a, "billing")
    today = clock.today(org_a)
    # A panel is also drawn anew each minute: the clock stands still here.
    with time_machine.travel(timezone.now(), tick=False):
        first = client.get("/")
        (panel,) = [p for p in first.context["panels"] if p["key"] == "authorizations_at_risk"]
        ending = int(panel["context"]["chart"].table.rows[2].cells[0].text)
        with Renders("reports/partials/_dashboard_authorizations.html") as drawn:
            client.get("/")
        assert drawn.count == 0
        with org_a:
            data.authorization(
                for_client=data.client(),
                by=data.payer(),
                of=data.service(),
                start=today - dt.timedelta(days=30),
                end=today + dt.timedelta(days=3),
            )
        with Renders("reports/partials/_dashboard_authorizations.html") as drawn:
            response = client.get("/")
    assert drawn.count == 1
    (panel,) = [p for p in response.context["panels"] if p["key"] == "authorizations_at_risk"]
    assert panel["context"]["chart"].table.rows[2].cells[0].text == str(ending + 1)


def test_the_dashboards_read_in_spanish(org_a):
    data.fill(org_a, 1)
    client = signed_in(org_a, "admin")
    client.cookies["django_language"] = "es"
    html = client.get("/").content.decode()
    for spanish in (
        "Censo",
        "Turnos abiertos, próximos 7 días",
        "Revisiones de planes de atención",
        "Autorizaciones en riesgo",
        "Horas prestadas este mes",
        "Reclamaciones por estado",
        "Cuentas por cobrar por antigüedad",
        "Mostrar las cifras",
        "Clientes por ubicación y estado",
        "En 8 a 14 días",
        "Saldos pendientes por días desde el envío de la reclamación",
        "Sin ubicación",
    ):
        assert spanish in html, spanish
    for english in ("Census<", "Show the numbers", "Care plan reviews", "Receivables by age", "No location"):
        assert english not in html, english
