"""The documentation panels of the home page: visit notes due (a DSP's own, everyone's for a
manager) and incidents to review (for those who approve, overdue ones first)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.clients.tests.conftest import make_client
from apps.core import home
from apps.documentation import services, signing
from apps.documentation.home import PANELS
from apps.documentation.models import FormSubmission, FormTemplate
from apps.documentation.tests.test_visit_notes import SITE, _visit
from apps.scheduling.tests.conftest import make_staff
from conftest import person, signed_in


@pytest.fixture
def dana(org_a):
    return make_staff(org_a, first_name="Dana", last_name="Okafor", user=person(org_a, "dsp"))


@pytest.fixture
def maria(org_a):
    return make_client(org_a, latitude=SITE[0], longitude=SITE[1])


def _panel(page: str, title: str) -> str:
    """The HTML of the panel titled `title` on a home page ("" when it is not shown)."""
    start = page.find(f">{title}<")
    if start < 0:
        return ""
    end = page.find("</section>", start)
    return page[start:end]


def _incident(org_a, *, author: str = "dsp", answers: dict | None = None) -> FormSubmission:
    user = person(org_a, author)
    with org_a:
        report = services.submission_start(template=FormTemplate.objects.get(starter="incident_report"), author=user)
        return services.submission_save(
            submission=report,
            actor=user,
            answers=answers or {"injury": "no"},
            submit=True,
            signature=signing.SignatureInput(
                method="typed", data=user.get_full_name(), consent_text="I agree.", agreed=True
            ),
        )


def test_the_panels_are_registered():
    keys = {panel.key for panel in home.registered()}
    assert {panel.key for panel in PANELS} <= keys


def test_a_dsp_sees_the_count_of_their_notes_due_and_the_first_five_with_and_more(org_a, dana, maria):
    visits = [_visit(org_a, dana, hours_ago=3 + 3 * n, client=maria) for n in range(7)]
    panel = _panel(signed_in(org_a, "dsp").get("/").content.decode(), "Visit notes due")
    assert "7 of your visits need their notes." in panel
    assert panel.count("/note/") == 5 and "and 2 more" in panel
    # Latest first.
    assert f"/documentation/visits/{visits[0].pk}/note/" in panel
    assert f"/documentation/visits/{visits[6].pk}/note/" not in panel


def test_past_its_cap_the_notes_count_says_at_least(org_a, dana, maria, monkeypatch):
    """The count stops at the cap (visits without notes pile up over years): past it the panel
    says "at least", still lists the latest five, and offers the full list."""
    from apps.documentation import home as documentation_home

    monkeypatch.setattr(documentation_home, "NOTES_DUE_CAP", 6)
    visits = [_visit(org_a, dana, hours_ago=3 + 3 * n, client=maria) for n in range(8)]
    panel = _panel(signed_in(org_a, "dsp").get("/").content.decode(), "Visit notes due")
    assert "At least 6 of your visits need their notes." in panel
    assert panel.count("/note/") == 5 and "more</a>" not in panel
    assert f"/documentation/visits/{visits[0].pk}/note/" in panel
    assert "All visit notes due" in panel
    # Exactly at the cap less one, the count is exact again.
    monkeypatch.setattr(documentation_home, "NOTES_DUE_CAP", 9)
    from apps.core import fragments

    fragments.clear()
    assert "8 of your visits need their notes." in _panel(
        signed_in(org_a, "dsp").get("/").content.decode(), "Visit notes due"
    )


def test_a_dsp_without_a_staff_record_has_no_notes_panel(org_a):
    page = signed_in(org_a, "dsp").get("/").content.decode()
    assert _panel(page, "Visit notes due") == ""


def test_a_submitted_note_leaves_the_panel_at_once(org_a, dana, maria):
    visit = _visit(org_a, dana, hours_ago=3, client=maria)
    dsp = signed_in(org_a, "dsp")
    assert f"/documentation/visits/{visit.pk}/note/" in dsp.get("/").content.decode()
    with org_a:
        note = services.submission_start(
            template=FormTemplate.objects.get(starter="progress_note"), author=person(org_a, "dsp"), visit=visit
        )
        FormSubmission.objects.filter(pk=note.pk).update(status=FormSubmission.Status.SUBMITTED)
    panel = _panel(dsp.get("/").content.decode(), "Visit notes due")
    assert "Every visit you completed has its note." in panel


def test_a_manager_with_a_staff_record_sees_the_team_panel_only(org_a, dana, maria):
    make_staff(org_a, user=person(org_a, "manager"))
    _visit(org_a, dana, hours_ago=3, client=maria)
    response = signed_in(org_a, "manager").get("/")
    keys = [panel["key"] for panel in response.context["panels"]]
    assert "team_notes_due" in keys and "notes_due" not in keys


def test_the_manager_sees_everyone_s_notes_due_with_who_made_the_visit(org_a, dana, maria):
    lee = make_staff(org_a, first_name="Lee", last_name="Park")
    _visit(org_a, dana, hours_ago=3, client=maria)
    _visit(org_a, lee, hours_ago=6, client=maria)
    panel = _panel(signed_in(org_a, "manager").get("/").content.decode(), "Visit notes due")
    assert "2 visits need their notes." in panel and "Lee Park" in panel and "Dana Okafor" in panel


def _drawn_queries(org_a) -> int:
    """The queries of the notes panel for the manager, drawn with its template."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from apps.documentation.home import team_notes_due

    request = RequestFactory().get("/")
    request.user = person(org_a, "manager")
    request.organization = org_a  # type: ignore[attr-defined]  # set by the tenant middleware in a request
    with org_a:
        team_notes_due(request)  # the person's permissions, read once per request
        with CaptureQueriesContext(connection) as queries:
            render_to_string("documentation/partials/_home_notes_due.html", team_notes_due(request))
    return len(queries)


def test_the_notes_panel_costs_the_same_queries_for_one_or_many_rows(org_a, dana, maria):
    _visit(org_a, dana, hours_ago=3, client=maria)
    one = _drawn_queries(org_a)
    for n in range(6):
        _visit(org_a, dana, hours_ago=6 + 3 * n, client=maria)
    assert _drawn_queries(org_a) == one


def test_incidents_to_review_show_to_approvers_only_overdue_first_with_the_alert(org_a):
    org_a.settings = {**(org_a.settings or {}), "documentation": {"incident_review_hours": 2}}
    org_a.save(update_fields=["settings"])
    older = _incident(org_a)
    newer = _incident(org_a, answers={"injury": "yes"})
    with org_a:
        # Submitted three hours ago: its two hours are up.
        FormSubmission.objects.filter(pk=older.pk).update(review_due_at=timezone.now() - dt.timedelta(hours=1))
    panel = _panel(signed_in(org_a, "manager").get("/").content.decode(), "Incidents to review")
    first, second = panel.find(str(older.pk)), panel.find(str(newer.pk))
    assert 0 < first < second
    assert "1 overdue" in panel and panel.count(">overdue<") == 1 and panel.count(">alert<") == 1
    assert _panel(signed_in(org_a, "admin").get("/").content.decode(), "Incidents to review")
    for role in ("dsp", "nurse", "scheduler", "billing"):
        assert _panel(signed_in(org_a, role).get("/").content.decode(), "Incidents to review") == ""


def test_an_approver_is_not_asked_to_review_their_own_incident(org_a):
    _incident(org_a, author="manager")
    panel = _panel(signed_in(org_a, "manager").get("/").content.decode(), "Incidents to review")
    assert "No incident report is waiting for review." in panel


def test_an_approved_incident_leaves_the_panel(org_a):
    report = _incident(org_a)
    manager = person(org_a, "manager")
    with org_a:
        services.submission_approve(
            submission=report,
            actor=manager,
            signature=signing.SignatureInput(
                method="typed", data=manager.get_full_name(), consent_text="I agree.", agreed=True
            ),
        )
    panel = _panel(signed_in(org_a, "manager").get("/").content.decode(), "Incidents to review")
    assert str(report.pk) not in panel and "No incident report is waiting for review." in panel
