"""The demo documentation: visit notes (most submitted, some approved, a few due), incidents
in every state, signed and unsigned forms; seeding twice adds nothing."""

import io

import pytest

from apps.accounts import seed as account_seed
from apps.clients import seed as client_seed
from apps.documentation import seed, selectors, signing
from apps.documentation.models import ElectronicSignature, FormSubmission, SubmissionEvent
from apps.scheduling import seed as scheduling_seed
from apps.staff import seed as staff_seed

pytestmark = pytest.mark.slow

MODELS = [FormSubmission, ElectronicSignature, SubmissionEvent]


def _seed(organization) -> None:
    with organization:
        for module in (account_seed, client_seed, staff_seed, scheduling_seed, seed):
            module.seed(organization, stdout=io.StringIO())


def _counts() -> dict:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def test_the_demo_has_visit_notes_due_ones_and_incidents_in_every_state(org_a):
    _seed(org_a)
    with org_a:
        notes = FormSubmission.objects.filter(form_template__starter="progress_note")
        assert notes.filter(status="submitted").count() > notes.filter(status="approved").count() > 0
        assert notes.filter(status="draft", visit__isnull=False).count() == 1
        assert selectors.notes_due().count() >= seed.LEFT_DUE
        incidents = FormSubmission.objects.filter(form_template__starter="incident_report")
        assert {"draft", "submitted", "approved", "rejected"} == set(incidents.values_list("status", flat=True))
        assert any(incident.review_overdue() for incident in incidents.filter(status="submitted"))
        assert incidents.filter(status="submitted", alerted=True).count() == 1
        assert incidents.get(status="rejected").rejection_reason
        approved = incidents.get(status="approved")
        assert {s.method for s in approved.signatures.all()} == {"typed", "drawn"}
        unsigned = FormSubmission.objects.filter(status="submitted", signatures__isnull=True)
        assert unsigned.filter(form_template__starter="medication").exists()
        # Every signature made still verifies: backdating touched nothing a signature covers.
        for submission in FormSubmission.objects.filter(signatures__isnull=False).distinct():
            assert signing.verify(submission) == [], submission


def test_seeding_twice_changes_nothing(org_a):
    _seed(org_a)
    with org_a:
        first = _counts()
    _seed(org_a)
    with org_a:
        assert _counts() == first
    assert first["FormSubmission"] > 10 and first["ElectronicSignature"] > 10
