"""Filling in, submitting, reviewing and reading submissions through their pages: who may do
what, bad input answered with a 400 and nothing saved, and another organization's people
and people off the care team getting a 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.documentation import services
from apps.documentation.models import FormSubmission, SubmissionEvent
from apps.documentation.tests.support import make_client, make_template, on_team, start
from apps.notifications.models import Notification
from conftest import person, signed_in


@pytest.fixture
def maria(org_a):
    client = make_client(org_a)
    on_team(org_a, client, "dsp")
    return client


@pytest.fixture
def note(org_a):
    return make_template(org_a)


@pytest.fixture
def draft(org_a, note, maria):
    return start(org_a, note, client=maria)


def fill_url(submission):
    return f"/documentation/submissions/{submission.pk}/edit/"


def page_url(submission):
    return f"/documentation/submissions/{submission.pk}/"


def test_a_dsp_starts_a_form_for_a_client_on_their_care_team(org_a, note, maria):
    browser = signed_in(org_a, "dsp")
    response = browser.post("/documentation/new/", {"template": note.pk, "client": maria.pk})
    assert response.status_code == 302
    with org_a:
        submission = FormSubmission.objects.get()
        assert submission.client == maria
        assert submission.status == FormSubmission.Status.DRAFT
        assert submission.template_version.version == 1
    assert response.url == fill_url(submission)


def test_a_dsp_cannot_start_a_form_for_a_client_off_their_care_team(org_a, note):
    stranger = make_client(org_a, first_name="Ana")
    response = signed_in(org_a, "dsp").post("/documentation/new/", {"template": note.pk, "client": stranger.pk})
    assert response.status_code == 400
    with org_a:
        assert not FormSubmission.objects.exists()


def test_a_role_without_documentation_cannot_start_a_form(org_a, note):
    assert signed_in(org_a, "scheduler").get("/documentation/new/").status_code == 403


def test_a_draft_saves_unfinished_answers_and_the_submit_needs_the_required_ones(org_a, draft):
    browser = signed_in(org_a, "dsp")
    response = browser.post(fill_url(draft), {"action": "draft", "a-hours": "2.5"})
    assert response.status_code == 302
    with org_a:
        draft.refresh_from_db()
        assert draft.submission_data == {"hours": 2.5}
        assert draft.status == FormSubmission.Status.DRAFT
    response = browser.post(fill_url(draft), {"action": "submit", "a-hours": "2.5", "a-concern": "yes"})
    assert response.status_code == 400
    assert "This answer is required." in response.content.decode()
    with org_a:
        draft.refresh_from_db()
        assert draft.status == FormSubmission.Status.DRAFT
        assert draft.submission_data == {"hours": 2.5}
    response = browser.post(
        fill_url(draft),
        {"action": "submit", "a-summary": "Went to the park.", "a-concern": "no", "a-concern_details": "ignored"},
    )
    assert response.status_code == 302
    with org_a:
        draft.refresh_from_db()
        assert draft.status == FormSubmission.Status.SUBMITTED
        assert draft.submission_data == {"summary": "Went to the park.", "concern": "no"}
        assert draft.submitted_at is not None


def test_a_bad_answer_is_a_400_by_its_field_with_nothing_saved(org_a, draft):
    response = signed_in(org_a, "dsp").post(fill_url(draft), {"action": "draft", "a-hours": "30"})
    assert response.status_code == 400
    assert "a-hours_error" in response.content.decode()
    with org_a:
        draft.refresh_from_db()
        assert draft.submission_data == {}


def test_only_the_author_fills_in_their_draft(org_a, draft):
    on_team(org_a, draft.client, "nurse")
    # Others do not even see a draft (404); a rejected form, which they do see, is the
    # author's to correct (403).
    assert signed_in(org_a, "nurse").get(fill_url(draft)).status_code == 404
    assert signed_in(org_a, "manager").post(fill_url(draft), {"action": "draft"}).status_code == 404
    submission = _submitted(org_a, draft)
    with org_a:
        services.submission_reject(submission=submission, actor=person(org_a, "manager"), reason="Add the times.")
    assert signed_in(org_a, "nurse").get(fill_url(submission)).status_code == 403
    assert signed_in(org_a, "manager").post(fill_url(submission), {"action": "draft"}).status_code == 403
    assert signed_in(org_a, "dsp").get(fill_url(submission)).status_code == 200


@pytest.mark.parametrize("local", ["dsp", "manager", "admin", "auditor", "outsider"])
def test_another_organizations_people_get_404(org_a, org_b, draft, local):
    browser = signed_in(org_b, local)
    for url in (page_url(draft), fill_url(draft), f"/documentation/client/{draft.client_id}/"):
        assert browser.get(url).status_code == 404
    assert browser.post(f"/documentation/submissions/{draft.pk}/approve/").status_code == 404


def test_a_dsp_off_the_care_team_gets_404_and_one_on_it_reads_it(org_a, draft):
    submission = _submitted(org_a, draft)
    assert signed_in(org_a, "nurse").get(page_url(submission)).status_code == 404
    on_team(org_a, draft.client, "nurse")
    assert signed_in(org_a, "nurse").get(page_url(submission)).status_code == 200


@pytest.mark.parametrize("local", ["nurse", "manager", "admin", "auditor", "billing"])
def test_a_draft_is_its_authors_alone_until_it_is_submitted(org_a, draft, local):
    on_team(org_a, draft.client, "nurse")
    browser = signed_in(org_a, local)
    assert browser.get(page_url(draft)).status_code == 404
    assert f"/documentation/submissions/{draft.pk}/" not in browser.get("/documentation/").content.decode()
    assert signed_in(org_a, "dsp").get(page_url(draft)).status_code == 200


def test_the_scheduler_who_sees_every_client_does_not_see_their_notes(org_a, draft):
    browser = signed_in(org_a, "scheduler")
    assert browser.get(page_url(draft)).status_code == 404
    assert browser.get(f"/documentation/client/{draft.client_id}/").status_code == 403


def _submitted(org_a, draft, answers=None):
    with org_a:
        return services.submission_save(
            submission=draft,
            actor=person(org_a, "dsp"),
            answers=answers or {"summary": "Cooked dinner together."},
            submit=True,
        )


def test_a_manager_approves_and_a_dsp_may_not(org_a, draft):
    submission = _submitted(org_a, draft)
    assert signed_in(org_a, "dsp").post(f"/documentation/submissions/{submission.pk}/approve/").status_code == 403
    on_team(org_a, draft.client, "nurse")
    assert signed_in(org_a, "nurse").post(f"/documentation/submissions/{submission.pk}/approve/").status_code == 403
    response = signed_in(org_a, "manager").post(f"/documentation/submissions/{submission.pk}/approve/")
    assert response.status_code == 302
    with org_a:
        submission.refresh_from_db()
        assert submission.status == FormSubmission.Status.APPROVED
        assert submission.approved_by == person(org_a, "manager")


def test_a_rejection_needs_a_reason_and_the_author_corrects_and_resubmits(org_a, draft):
    submission = _submitted(org_a, draft)
    manager = signed_in(org_a, "manager")
    response = manager.post(f"/documentation/submissions/{submission.pk}/reject/", {"reason": "  "})
    assert response.status_code == 400
    with org_a:
        submission.refresh_from_db()
        assert submission.status == FormSubmission.Status.SUBMITTED
    response = manager.post(f"/documentation/submissions/{submission.pk}/reject/", {"reason": "Say where you went."})
    assert response.status_code == 302
    dsp = signed_in(org_a, "dsp")
    page = dsp.get(fill_url(submission))
    assert "Say where you went." in page.content.decode()
    response = dsp.post(fill_url(submission), {"action": "submit", "a-summary": "Cooked dinner at home."})
    assert response.status_code == 302
    with org_a:
        submission.refresh_from_db()
        assert submission.status == FormSubmission.Status.SUBMITTED
        assert submission.submission_data == {"summary": "Cooked dinner at home."}
        actions = list(submission.events.values_list("action", flat=True))
        rejected = submission.events.get(action=SubmissionEvent.Action.REJECTED)
    assert actions == ["created", "submitted", "rejected", "resubmitted"]
    with org_a:
        told = Notification.objects.get(user=person(org_a, "dsp"), notification_type="documentation.rejected")
    assert "Say where you went." in told.message and told.link == fill_url(submission)
    assert rejected.note == "Say where you went."
    assert rejected.answers == {"summary": "Cooked dinner together."}


def test_the_author_cannot_approve_their_own_submission(org_a):
    client = make_client(org_a)
    on_team(org_a, client, "manager")
    submission = start(org_a, make_template(org_a), author="manager", client=client)
    with org_a:
        services.submission_save(
            submission=submission, actor=person(org_a, "manager"), answers={"summary": "x"}, submit=True
        )
    response = signed_in(org_a, "manager").post(f"/documentation/submissions/{submission.pk}/approve/", follow=True)
    assert "Someone other than the author" in response.content.decode()
    with org_a:
        submission.refresh_from_db()
        assert submission.status == FormSubmission.Status.SUBMITTED


def test_reading_a_submission_is_logged(org_a, draft):
    from apps.audit.models import LogEntry

    submission = _submitted(org_a, draft)
    signed_in(org_a, "manager").get(page_url(submission))
    with org_a:
        assert LogEntry.objects.filter(object_pk=str(submission.pk), action=LogEntry.Action.ACCESS).exists()


def test_the_list_filters_and_pages_by_keyset_in_a_constant_number_of_queries(one_minute, org_a, note, maria):
    other = make_template(org_a, template_name="Other form")
    for number in range(30):
        start(org_a, note if number % 2 else other, client=maria, answers={"summary": str(number)})
    browser = signed_in(org_a, "dsp")  # the drafts' author: a draft is theirs alone
    browser.get("/documentation/")  # sessions and permissions cached
    with CaptureQueriesContext(connection) as first:
        response = browser.get("/documentation/")
    assert response.status_code == 200
    rows = response.content.decode().count('href="/documentation/submissions/')
    assert rows == 25
    cursor = response.context["next_cursor"]
    with CaptureQueriesContext(connection) as second:
        older = browser.get(f"/documentation/?after={cursor}")
    assert older.content.decode().count('href="/documentation/submissions/') == 5
    assert len(second) == len(first)
    only_note = browser.get(f"/documentation/?template={note.pk}")
    assert only_note.content.decode().count('href="/documentation/submissions/') == 15
    assert browser.get("/documentation/?after=not-a-cursor&template=nope&from=2026-99-01").status_code == 200


def test_the_clients_documentation_tab_lists_their_forms(org_a, draft):
    response = signed_in(org_a, "dsp").get(f"/documentation/client/{draft.client_id}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="/documentation/submissions/{draft.pk}/"' in body
    assert 'aria-current="page">Documentation' in body


def test_a_starter_form_is_named_in_the_readers_language_until_it_is_renamed(org_a, maria):
    from apps.documentation.models import FormTemplate

    with org_a:
        incident = FormTemplate.objects.get(starter="incident_report")
    submission = start(org_a, incident, client=maria)
    browser = signed_in(org_a, "dsp")
    browser.cookies["django_language"] = "es"
    assert "Informe de incidente" in browser.get("/documentation/").content.decode()
    assert "Informe de incidente" in browser.get(fill_url(submission)).content.decode()
    with org_a:
        services.template_update(template=incident, actor=person(org_a, "admin"), template_name="Incident (Ohio)")
    assert "Incident (Ohio)" in browser.get("/documentation/").content.decode()


def test_the_list_finds_submissions_by_their_authors_name(org_a, draft):
    submission = _submitted(org_a, draft)
    browser = signed_in(org_a, "manager")
    assert f"/documentation/submissions/{submission.pk}/" in browser.get("/documentation/?by=okafor").content.decode()
    assert (
        f"/documentation/submissions/{submission.pk}/" not in browser.get("/documentation/?by=haddad").content.decode()
    )
