"""The care plan panel of the home page: plans waiting for approval and plans due for
review, for those who approve plans."""

from __future__ import annotations

import datetime as dt

from apps.clients.models import CarePlan
from apps.core import clock
from apps.tenants.tests.home_data import make_client
from conftest import signed_in


def _plan(org, client, **fields) -> CarePlan:
    values = {"plan_type": "ISP", "title": "Support plan", "start_date": clock.today(org)} | fields
    with org:
        return CarePlan.objects.create(client=client, **values)


def test_a_manager_sees_plans_waiting_for_approval_and_plans_due_for_review(org_a):
    today = clock.today(org_a)
    client = make_client(org_a)
    waiting = _plan(org_a, client, title="Waiting", status=CarePlan.Status.UNDER_REVIEW)
    _plan(org_a, client, title="Still a draft", status=CarePlan.Status.DRAFT)
    overdue = _plan(
        org_a,
        client,
        title="Overdue",
        status=CarePlan.Status.ACTIVE,
        start_date=today - dt.timedelta(days=400),
        review_date=today - dt.timedelta(days=2),
    )
    soon = _plan(org_a, client, title="Soon", status=CarePlan.Status.ACTIVE, review_date=today + dt.timedelta(days=10))
    _plan(org_a, client, title="Later", status=CarePlan.Status.ACTIVE, review_date=today + dt.timedelta(days=60))
    response = signed_in(org_a, "manager").get("/")
    (panel,) = [p for p in response.context["panels"] if p["key"] == "care_plans"]
    assert panel["context"]["awaiting"]["rows"] == [waiting]
    assert panel["context"]["due"]["rows"] == [overdue, soon]
    html = response.content.decode()
    assert waiting.get_absolute_url() in html and "Still a draft" not in html and "Later" not in html


def test_people_who_do_not_approve_plans_have_no_care_plan_panel(org_a):
    _plan(org_a, make_client(org_a), status=CarePlan.Status.UNDER_REVIEW)
    for role in ("scheduler", "billing", "auditor", "dsp"):
        keys = [p["key"] for p in signed_in(org_a, role).get("/").context["panels"]]
        assert "care_plans" not in keys, role


def _awaiting(org, local) -> list:
    panels = signed_in(org, local).get("/").context["panels"]
    return next(p for p in panels if p["key"] == "care_plans")["context"]["awaiting"]["rows"]


def test_a_plan_the_manager_wrote_waits_for_someone_else_under_the_two_person_rule(org_a):
    from apps.tenants import host_cache
    from conftest import person

    client = make_client(org_a)
    under_review = CarePlan.Status.UNDER_REVIEW
    mine = _plan(org_a, client, title="Mine", status=under_review, created_by=person(org_a, "manager"))
    theirs = _plan(org_a, client, title="Theirs", status=under_review, created_by=person(org_a, "nurse"))
    assert _awaiting(org_a, "manager") == [theirs]
    assert set(_awaiting(org_a, "admin")) == {mine, theirs}
    org_a.settings = {**(org_a.settings or {}), "clients": {"two_person_rule": False}}
    org_a.save(update_fields=["settings"])
    host_cache.clear()
    assert set(_awaiting(org_a, "manager")) == {mine, theirs}
