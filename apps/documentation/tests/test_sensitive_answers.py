"""Answers to fields marked sensitive are encrypted at rest (issue 25 §8): Fernet tokens inside
the stored answers (raw SQL finds no plaintext; the other answers stay plain), plain on the
submission's page and PDF, signed and verified as before (the content hash is of the plain
answers), kept encrypted in a rejection's copy, re-encrypted by key rotation. The builder's
field form sets the flag, and the change is in the template's audit log."""

from __future__ import annotations

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from apps.audit.models import LogEntry
from apps.core import crypto
from apps.documentation import printing, services, signing
from apps.documentation.models import FormSubmission, FormTemplate, SubmissionEvent
from apps.documentation.tests.signing_factories import drawn, typed
from conftest import person, signed_in

AUTHOR, APPROVER = FormTemplate.Signer.AUTHOR, FormTemplate.Signer.APPROVER
STRUCTURE = {
    "sections": [
        {
            "key": "visit",
            "title": "The visit",
            "fields": [
                {"key": "summary", "type": "textarea", "label": "Summary"},
                {"key": "diagnosis", "type": "text", "label": "Working diagnosis", "sensitive": True},
                {"key": "medications", "type": "textarea", "label": "Medications given", "sensitive": True},
            ],
        }
    ]
}
ANSWERS = {
    "summary": "Walked to the park",
    "diagnosis": "Autism spectrum disorder",
    "medications": "Risperidone 0.5 mg at noon",
}
SECRET = ("Autism spectrum", "Risperidone")


@pytest.fixture
def template(org_a) -> FormTemplate:
    with org_a:
        return services.template_create(
            actor=person(org_a, "admin"),
            template_name="Clinical note",
            form_structure=STRUCTURE,
            form_type=FormTemplate.Type.PROGRESS_NOTE,
            requires_signature=True,
            requires_approval=True,
            signers=[AUTHOR, APPROVER],
        )


@pytest.fixture
def submission(org_a, template) -> FormSubmission:
    """Submitted and signed by its author."""
    with org_a:
        dsp = person(org_a, "dsp")
        started = services.submission_start(template=template, author=dsp)
        return services.submission_save(submission=started, actor=dsp, answers=ANSWERS, submit=True, signature=drawn())


def raw_answers(org, table: str, column: str, pk) -> str:
    with org, connection.cursor() as cursor:
        # bandit B608: the table and column are the test's constants.
        cursor.execute(f'SELECT "{column}"::text FROM {table} WHERE id = %s', [pk])  # nosec B608
        return cursor.fetchone()[0]


def test_sensitive_answers_are_ciphertext_and_the_others_plain(org_a, submission):
    raw = raw_answers(org_a, "documentation_formsubmission", "submission_data", submission.pk)
    assert not any(word in raw for word in SECRET)
    stored = json.loads(raw)
    assert stored["summary"] == "Walked to the park"
    assert set(stored["diagnosis"]) == {"$fernet"} and stored["diagnosis"]["$fernet"].startswith("gAAAA")
    with org_a:
        assert FormSubmission.objects.get(pk=submission.pk).submission_data == ANSWERS
        # Read on its own, a key's value is plain too.
        assert FormSubmission.objects.filter(pk=submission.pk).values_list("submission_data__diagnosis", flat=True)[
            0
        ] == ("Autism spectrum disorder")


def test_they_show_on_the_page_and_the_pdf_and_the_signatures_verify(org_a, submission):
    page = signed_in(org_a, "manager").get(reverse("documentation:submission", args=[submission.pk]))
    assert page.status_code == 200
    assert "Autism spectrum disorder" in page.content.decode() and "Risperidone 0.5 mg" in page.content.decode()
    with org_a:
        services.submission_approve(
            submission=submission, actor=person(org_a, "manager"), signature=typed("Morgan Reyes")
        )
        fresh = FormSubmission.objects.get(pk=submission.pk)
        assert signing.verify(fresh) == []
        pdf = printing.submission_pdf(submission=fresh, organization=org_a)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Autism spectrum disorder" in text and "Risperidone 0.5 mg" in text
    out = io.StringIO()
    call_command("verify_signatures", "--schema", org_a.schema_name, stdout=out)
    assert "all match" in out.getvalue()


def test_a_rejections_copy_of_the_answers_is_encrypted_too(org_a, submission):
    with org_a:
        services.submission_reject(submission=submission, actor=person(org_a, "manager"), reason="Add the time")
        event = SubmissionEvent.objects.get(submission=submission, action=SubmissionEvent.Action.REJECTED)
    raw = raw_answers(org_a, "documentation_submissionevent", "answers", event.pk)
    assert "$fernet" in raw and not any(word in raw for word in SECRET)
    with org_a:
        assert SubmissionEvent.objects.get(pk=event.pk).answers == ANSWERS


def test_key_rotation_reencrypts_them_and_the_signatures_still_verify(org_a, submission, settings):
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    before = json.loads(raw_answers(org_a, "documentation_formsubmission", "submission_data", submission.pk))
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    crypto._fernet.cache_clear()
    try:
        call_command("rotate_encryption_keys", "--schema", org_a.schema_name, stdout=io.StringIO())
        after = json.loads(raw_answers(org_a, "documentation_formsubmission", "submission_data", submission.pk))
        assert after["diagnosis"] != before["diagnosis"] and after["summary"] == before["summary"]
        settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
        crypto._fernet.cache_clear()
        with org_a:
            fresh = FormSubmission.objects.get(pk=submission.pk)
            assert fresh.submission_data == ANSWERS and signing.verify(fresh) == []
    finally:
        settings.FIELD_ENCRYPTION_KEYS = old_keys
        crypto._fernet.cache_clear()


def test_the_builder_marks_a_field_sensitive_and_the_change_is_logged(org_a, org_b, template):
    url = f"/documentation/templates/{template.pk}/fields/summary/"
    manager = signed_in(org_a, "manager")
    assert "Sensitive (encrypted at rest)" in manager.get(url).content.decode()
    post = {"section": "visit", "type": "textarea", "label": "Summary", "key": "summary", "sensitive": "on"}
    assert manager.post(url, post).status_code == 302
    with org_a:
        template.refresh_from_db()
        assert template.form_structure["sections"][0]["fields"][0]["sensitive"] is True
        entry = LogEntry.objects.filter(object_pk=str(template.pk), action=LogEntry.Action.UPDATE).latest("timestamp")
    assert "form_structure" in entry.changes
    # Unticked, the flag goes.
    manager.post(url, {key: value for key, value in post.items() if key != "sensitive"})
    with org_a:
        template.refresh_from_db()
        assert "sensitive" not in template.form_structure["sections"][0]["fields"][0]
    # Neither another organization nor a role that may not edit forms can set it.
    assert signed_in(org_b, "manager").post(url, post).status_code == 404
    assert signed_in(org_a, "dsp").post(url, post).status_code == 403
    with org_a:
        template.refresh_from_db()
        assert "sensitive" not in template.form_structure["sections"][0]["fields"][0]
