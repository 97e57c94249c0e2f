"""Incident reports: an injury or suspected abuse notifies the organization's reviewers (its
program managers and admins) at once, in the app and by email, at high priority; every
incident has a review deadline from the organization's setting, and shows overdue after it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.documentation import kinds, services, signing
from apps.documentation.models import FormSubmission, FormTemplate, SubmissionEvent
from apps.notifications.models import Delivery, Notification
from conftest import person, signed_in

CALM = {
    "incident_at": "2026-12-05T10:30",
    "place": "Kitchen",
    "what_happened": "Dropped a glass; nobody was near it.",
    "injury": "no",
    "abuse_suspected": "no",
    "emergency_services": "no",
    "immediate_actions": "Swept it up.",
}


def _signature(user) -> signing.SignatureInput:
    return signing.SignatureInput(
        method="typed", data=user.get_full_name(), consent_text=str(signing.CONSENT_TEXT), agreed=True
    )


def _report(organization, answers: dict, *, author: str = "dsp") -> FormSubmission:
    """The starter incident report, filled in and submitted (signed) by `author`."""
    user = person(organization, author)
    with organization:
        template = FormTemplate.objects.get(starter="incident_report")
        report = services.submission_start(template=template, author=user)
        return services.submission_save(
            submission=report, actor=user, answers=answers, submit=True, signature=_signature(user)
        )


def _alerts(organization) -> list[Notification]:
    with organization:
        return list(Notification.objects.filter(notification_type=kinds.INCIDENT_ALERT.key).select_related("user"))


@pytest.mark.parametrize(
    "answers",
    [
        {"injury": "yes", "injury_details": "Cut on the left knee."},
        {"abuse_suspected": "yes", "abuse_details": "Bruises nobody can explain."},
    ],
)
def test_an_injury_or_suspected_abuse_alerts_the_manager_and_admin_at_once(org_a, org_b, answers):
    report = _report(org_a, {**CALM, **answers})
    alerts = _alerts(org_a)
    assert sorted(n.user.email for n in alerts) == ["admin@alpha.test", "manager@alpha.test"]
    for alert in alerts:
        assert alert.priority == Notification.Priority.HIGH
        assert set(alert.channels) == {"in_app", "email"}
        assert alert.link == f"/documentation/submissions/{report.pk}/"
    with org_a:
        sent = Delivery.objects.filter(notification__in=alerts)
        deliveries = set(sent.values_list("notification__user__email", "channel"))
        report.refresh_from_db()
        assert report.alerted
        assert SubmissionEvent.objects.filter(submission=report, action=SubmissionEvent.Action.ALERTED).count() == 1
    assert deliveries == {("admin@alpha.test", "email"), ("manager@alpha.test", "email")}
    assert _alerts(org_b) == []


def test_an_incident_with_neither_injury_nor_abuse_raises_no_alert(org_a):
    report = _report(org_a, CALM)
    assert _alerts(org_a) == []
    with org_a:
        report.refresh_from_db()
        assert not report.alerted
        # It still waits for a reviewer, as any form needing approval does.
        assert Notification.objects.filter(notification_type=kinds.SUBMITTED.key).exists()


def test_the_review_deadline_is_a_day_after_submitting_by_default(org_a):
    report = _report(org_a, CALM)
    assert report.review_due_at == report.submitted_at + dt.timedelta(hours=24)


def test_the_review_deadline_follows_the_organization_setting(org_a):
    org_a.settings = {**(org_a.settings or {}), "documentation": {"incident_review_hours": 6}}
    org_a.save(update_fields=["settings"])
    report = _report(org_a, CALM)
    assert report.review_due_at == report.submitted_at + dt.timedelta(hours=6)


def test_other_forms_have_no_review_deadline(org_a):
    nurse = person(org_a, "nurse")
    with org_a:
        template = FormTemplate.objects.get(starter="medication")
        form = services.submission_start(template=template, author=nurse)
        form = services.submission_save(submission=form, actor=nurse, answers={}, submit=True)
    assert form.review_due_at is None


def test_an_incident_shows_overdue_after_its_deadline(org_a):
    org_a.settings = {**(org_a.settings or {}), "documentation": {"incident_review_hours": 1}}
    org_a.save(update_fields=["settings"])
    report = _report(org_a, CALM)
    manager = signed_in(org_a, "manager")
    page = manager.get("/").content.decode()
    assert f"/documentation/submissions/{report.pk}/" in page and "overdue" not in page
    assert not report.review_overdue()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=5), tick=False):
        assert report.review_overdue()
        # Signed in again: an hour idle ends a session.
        page = signed_in(org_a, "manager").get("/").content.decode()
    assert f"/documentation/submissions/{report.pk}/" in page and "overdue" in page
