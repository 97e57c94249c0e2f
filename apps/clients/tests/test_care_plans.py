"""Care plans: the workflow, the two-person rule, revisions, the PDF and the reminders."""

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from apps.audit.models import LogEntry
from apps.clients import jobs, printing, selectors, services
from apps.clients.models import CarePlan
from apps.core import clock
from apps.notifications.models import Notification
from conftest import person, signed_in

GOAL = {
    "description": "Cook a meal",
    "target": "3 a week",
    "start_date": "",
    "target_date": "",
    "status": "in_progress",
}


@pytest.fixture
def draft(org_a, maria):
    with org_a:
        return services.care_plan_save(
            client=maria,
            plan_type="ISP",
            title="Support plan 2026",
            start_date=dt.date(2026, 1, 1),
            review_date=clock.today(org_a) + dt.timedelta(days=5),
            goals=[GOAL],
            interventions=[{"description": "Prompts", "frequency": "Daily", "responsible_role": "DSP"}],
            responsible=[person(org_a, "dsp")],
            actor=person(org_a, "manager"),
        )


def _approve(org, plan, local):
    with org:
        return services.care_plan_approve(plan=plan, actor=person(org, local), organization=org)


def test_a_plan_goes_from_draft_to_active_approved_by_someone_else(org_a, draft):
    with org_a:
        services.care_plan_submit(plan=draft)
        waiting = set(
            Notification.objects.filter(notification_type="care_plan.submitted").values_list("user__email", flat=True)
        )
    assert person(org_a, "admin").email in waiting and person(org_a, "manager").email not in waiting
    with pytest.raises(ValidationError, match="other than the plan's author"):
        _approve(org_a, draft, "manager")
    with pytest.raises(PermissionDenied):
        _approve(org_a, draft, "dsp")
    plan = _approve(org_a, draft, "admin")
    assert plan.status == "active" and plan.approved_by == person(org_a, "admin") and plan.approved_date
    assert plan.document_url == f"/files/{plan.document_id}/download/"


def test_the_two_person_rule_is_an_organization_setting(org_a, draft):
    org_a.settings = {**(org_a.settings or {}), "clients": {"two_person_rule": False}}
    org_a.save(update_fields=["settings"])
    with org_a:
        services.care_plan_submit(plan=draft)
    assert _approve(org_a, draft, "manager").status == "active"


def test_an_active_plan_is_read_only_and_revising_keeps_the_history(org_a, draft):
    with org_a:
        services.care_plan_submit(plan=draft)
    active = _approve(org_a, draft, "admin")
    with org_a, pytest.raises(ValidationError, match="read-only"):
        services.care_plan_save(
            plan=active,
            client=active.client,
            plan_type=active.plan_type,
            title="Changed",
            start_date=active.start_date,
            actor=person(org_a, "manager"),
        )
    with org_a:
        revision = services.care_plan_revise(plan=active, actor=person(org_a, "manager"))
        assert (revision.status, revision.version, revision.previous_id) == ("draft", 2, active.pk)
        with pytest.raises(ValidationError, match="already in progress"):
            services.care_plan_revise(plan=active, actor=person(org_a, "manager"))
        services.care_plan_submit(plan=revision)
    _approve(org_a, revision, "admin")
    with org_a:
        active.refresh_from_db()
        assert active.status == "archived" and active.title == "Support plan 2026"


def test_submitting_needs_a_goal_and_dates_in_order(org_a, maria):
    with org_a:
        plan = services.care_plan_save(
            client=maria,
            plan_type="ISP",
            title="Empty",
            start_date=dt.date(2026, 1, 1),
            actor=person(org_a, "manager"),
        )
        with pytest.raises(ValidationError, match="at least one goal"):
            services.care_plan_submit(plan=plan)
        with pytest.raises(ValidationError) as raised:
            services.care_plan_save(
                plan=plan,
                client=maria,
                plan_type="ISP",
                title="Empty",
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2025, 1, 1),
                actor=person(org_a, "manager"),
            )
        assert "end_date" in raised.value.message_dict


def test_the_pdf_is_a_real_pdf_with_the_client_and_the_organization(org_a, maria, draft):
    with org_a:
        pdf = printing.care_plan_pdf(plan=draft, organization=org_a)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert org_a.name in text and "Maria Lopez" in text and "Cook a meal" in text
    assert "Page 1 of" in text


def test_each_goal_prints_its_number_dates_and_status_side_by_side_and_whole(org_a, draft):
    """The dates wrap at the dash (no <br>) and the status column fits the longest status: a
    narrower column would print them over each other or split a date."""
    draft.goals = [{**GOAL, "start_date": "2026-01-01", "target_date": "2026-06-30", "status": "discontinued"}]
    with org_a:
        pdf = printing.care_plan_pdf(plan=draft, organization=org_a)
    lines = PdfReader(io.BytesIO(pdf)).pages[0].extract_text(extraction_mode="layout").splitlines()
    row = next(i for i, line in enumerate(lines) if "1. Cook a meal" in line)
    assert re.search(r"1\. Cook a meal\s{2,}Jan 1, 2026 –\s{2,}Discontinued\s*$", lines[row])
    assert re.search(r"\s{2,}Jun 30, 2026\s*$", lines[row + 1]) and "Target: 3 a week" in lines[row + 1]


def test_the_care_plan_pages_are_the_same_with_weasyprint_own_stylesheet(org_a, maria, draft, monkeypatch):
    """apps/core/pdf_ua.css replaces WeasyPrint's user-agent sheet for speed; the plan must not
    change by a character or a position (the print time is the only thing allowed to differ)."""
    from weasyprint import HTML

    from apps.core import pdf

    draft.goals = [{**GOAL, "description": f"Goal {i}: cook a meal with prompts"} for i in range(40)]

    def layout() -> list[str]:
        with org_a:
            document = printing.care_plan_pdf(plan=draft, organization=org_a)
        pages = PdfReader(io.BytesIO(document)).pages
        return [re.sub(r"Printed \S+ \S+", "Printed", page.extract_text(extraction_mode="layout")) for page in pages]

    lean = layout()
    monkeypatch.setattr(pdf, "_html_class", lambda: HTML)
    assert len(lean) > 1 and lean == layout()


def test_printing_is_logged_and_the_approved_pdf_is_kept(org_a, maria, draft):
    manager = signed_in(org_a, "manager")
    response = manager.get(f"/clients/{maria.pk}/care-plans/{draft.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with org_a:
        assert LogEntry.objects.filter(object_pk=str(maria.pk), additional_data__via="print care plan").exists()
        services.care_plan_submit(plan=draft)
    plan = _approve(org_a, draft, "admin")
    stored = manager.get(plan.document_url)
    assert stored.status_code == 200 and b"".join(stored.streaming_content).startswith(b"%PDF")


def test_the_workflow_through_the_pages(org_a, maria, draft):
    manager = signed_in(org_a, "manager")
    base = f"/clients/{maria.pk}/care-plans/{draft.pk}/"
    assert manager.post(base + "submit/").status_code == 302
    manager.post(base + "approve/")
    with org_a:
        draft.refresh_from_db()
        assert draft.status == "under_review"  # the author cannot approve
    assert signed_in(org_a, "dsp").post(base + "approve/").status_code == 404  # not on the care team
    assert signed_in(org_a, "admin").post(base + "approve/").status_code == 302
    with org_a:
        draft.refresh_from_db()
        assert draft.status == "active"
    assert manager.get(base + "edit/").status_code == 302  # read-only: sent back to the plan


def test_the_plan_form_saves_goals_and_interventions_as_rows(org_a, maria):
    manager = signed_in(org_a, "manager")
    response = manager.post(
        f"/clients/{maria.pk}/care-plans/new/",
        {
            "plan_type": "behavior",
            "title": "Behavior plan",
            "start_date": "2026-02-01",
            "goals-TOTAL_FORMS": "1",
            "goals-INITIAL_FORMS": "0",
            "goals-0-description": "Fewer outbursts",
            "goals-0-target": "Under 2 a week",
            "goals-0-status": "not_started",
            "goals-0-start_date": "2026-02-01",
            "goals-0-target_date": "2026-01-01",
            "interventions-TOTAL_FORMS": "0",
            "interventions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400 and "cannot be before the start" in response.content.decode()
    with org_a:
        assert not CarePlan.objects.exists()


def test_plans_due_for_review_and_their_reminder_is_sent_once(
    org_a, draft, mailoutbox, django_capture_on_commit_callbacks
):
    with org_a:
        services.care_plan_submit(plan=draft)
    _approve(org_a, draft, "admin")
    with org_a:
        assert [p.pk for p in selectors.plans_due_for_review()] == [draft.pk]
        with django_capture_on_commit_callbacks(execute=True):
            assert jobs.review_reminders() == 1
            assert jobs.review_reminders() == 0
        (note,) = Notification.objects.filter(notification_type="care_plan.review_due")
        assert note.user == person(org_a, "dsp") and "Maria Lopez" in note.title


def test_expired_plans(org_a, draft):
    with org_a:
        services.care_plan_submit(plan=draft)
    plan = _approve(org_a, draft, "admin")
    with org_a:
        CarePlan.objects.filter(pk=plan.pk).update(end_date=dt.date(2026, 2, 1))
        assert services.care_plans_expire(day=dt.date(2026, 3, 1)) == 1
        plan.refresh_from_db()
        assert plan.status == "expired"


def test_other_organizations_and_roles_without_permission(org_a, org_b, maria, draft):
    assert signed_in(org_b, "admin").get(f"/clients/{maria.pk}/care-plans/{draft.pk}/").status_code == 404
    assert signed_in(org_a, "billing").post(f"/clients/{maria.pk}/care-plans/{draft.pk}/submit/").status_code == 403


def test_every_client_page_is_closed_to_other_organizations_and_roles_without_permission(
    org_a, org_b, maria, draft, house
):
    urls = [
        f"/clients/{maria.pk}/care-plans/{draft.pk}/pdf/",
        f"/clients/{maria.pk}/care-plans/{draft.pk}/edit/",
        f"/clients/{maria.pk}/contacts/new/",
        f"/clients/locations/{house.pk}/",
    ]
    beta = signed_in(org_b, "admin")
    for url in urls:
        assert beta.get(url).status_code == 404, url
    dsp = signed_in(org_a, "dsp")
    for url in [*urls, "/clients/locations/", "/clients/import/", "/clients/new/"]:
        assert dsp.get(url).status_code in (403, 404), url
    assert signed_in(org_a, "manager").get(f"/clients/locations/{house.pk}/").status_code == 403  # reads, not edits
