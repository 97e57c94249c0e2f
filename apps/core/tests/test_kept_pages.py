"""A kept page reads no table outside the tables it names (docs/architecture.md, "Kept pages").

A page kept in the worker's memory is drawn again only when one of its tables changes. A
table it reads but does not name would leave it stale after a write there. Each kept page is
drawn here with every fragment forgotten, the queries run while it draws are read, and each
table they name must be among the page's tables (or the frame's, which its key carries).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.clients.tests.conftest import make_client
from apps.core import clock, fragments
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from conftest import person, signed_in

# Read by the frame around every page, whose values are in the page's key rather than its
# tables: the person's permissions (shell.page_key), and the bell's count.
FRAME = {
    "auth_group",
    "auth_permission",
    "auth_group_permissions",
    "django_content_type",
    "notifications_notification",
    # The versions themselves.
    "core_tableversion",
}
# Read by a home panel but not watched, because they are written like a log (every delivery
# attempt): such a panel is kept for the minute it was drawn in only (apps.core.home).
MINUTE_ONLY = {"notifications_delivery"}
TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.I)


@pytest.fixture
def kept(monkeypatch):
    """Every kept fragment drawn during a request: its tables, and the tables its drawing read."""
    drawn: list[tuple[set[str], set[str]]] = []
    real = fragments.cached

    def spy(key, *, tables, render, versions=None):
        def drawing():
            with CaptureQueriesContext(connection) as queries:
                value = render()
            read = {table for query in queries for table in TABLE.findall(query["sql"])}
            drawn.append((set(tables), read))
            return value

        return real(key, tables=tables, render=drawing, versions=versions)

    monkeypatch.setattr(fragments, "cached", spy)
    fragments.clear()
    return drawn


@pytest.fixture
def organization_with_a_week(org_a):
    """A client in a house on a care team, a staff member with a shift today there."""
    house = make_location(org_a)
    client = make_client(org_a, location=house)
    dsp = person(org_a, "dsp")
    staff = make_staff(org_a, user=dsp)
    today = clock.today(org_a)
    shift = make_shift(org_a, day=today, start="09:00", end="17:00", staff=staff, location=house, client=client)
    with org_a:
        from guardian.shortcuts import assign_perm

        from apps.documentation import services as documentation
        from apps.documentation import signing
        from apps.documentation.models import FormTemplate
        from apps.scheduling.models import Visit

        assign_perm("clients.view_client", dsp, client)
        # A visit whose note is due and an incident waiting for review: the documentation
        # panels draw rows, not only their empty states.
        Visit.objects.create(
            shift=shift, staff=staff, client=client, clock_in_at=shift.starts_at, clock_out_at=shift.ends_at
        )
        incident = documentation.submission_start(
            template=FormTemplate.objects.get(starter="incident_report"), author=dsp, client=client
        )
        documentation.submission_save(
            submission=incident,
            actor=dsp,
            answers={"injury": "yes"},
            submit=True,
            signature=signing.SignatureInput(
                method="typed", data=dsp.get_full_name(), consent_text="I agree.", agreed=True
            ),
        )
    return {"house": house, "client": client, "today": today}


def _watched() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = c.relname || '_version' AND c.relnamespace = current_schema()::regnamespace"
        )
        return {name for (name,) in cursor.fetchall()}


def _outside(drawn) -> list[tuple[str, ...]]:
    """For each kept fragment, the tables it read without naming them, and those it names
    that no trigger watches (their changes would not show)."""
    assert drawn, "no kept fragment was drawn"
    watched = _watched()
    found = []
    for tables, read in drawn:
        wrong = (read - tables - FRAME - MINUTE_ONLY) | (tables - watched)
        if wrong:
            found.append(tuple(sorted(wrong)))
    return found


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("admin", "/clients/"),
        ("billing", "/billing/claims/"),
        ("billing", "/billing/review/"),
        ("admin", "/clients/{client}/"),
        ("admin", "/accounts/people/"),
        ("admin", "/staff/"),
        ("admin", "/scheduling/week/?location={house}&week={today}"),
        ("dsp", "/scheduling/mine/"),
        ("admin", "/"),
        ("manager", "/"),
        ("scheduler", "/"),
        ("hr", "/"),
        ("nurse", "/"),
        ("auditor", "/"),
        ("dsp", "/"),
    ],
)
def test_a_kept_page_reads_only_the_tables_it_names(org_a, organization_with_a_week, kept, role, url):
    values = {k: v.pk if hasattr(v, "pk") else v for k, v in organization_with_a_week.items()}
    response = signed_in(org_a, role).get(url.format(**values))
    assert response.status_code == 200
    with org_a:
        assert _outside(kept) == []


def test_the_check_fails_for_a_page_that_names_too_few(org_a, organization_with_a_week, kept, monkeypatch):
    from apps.clients import selectors

    monkeypatch.setattr(selectors, "LIST_TABLES", ("clients_client",))
    signed_in(org_a, "admin").get("/clients/")
    with org_a:
        assert any("clients_clientlocation" in outside for outside in _outside(kept))
