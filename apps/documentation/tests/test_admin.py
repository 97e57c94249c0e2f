"""Documentation in the Django admin: its pages load for an organization admin; templates
are saved through the services (validated, versioned); submissions, signatures and links are
read-only; submissions follow the site's visibility rules and opening one is access-logged."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission

from apps.accounts.models import Role
from apps.audit.models import LogEntry
from apps.clients import services as clients
from apps.clients.tests.conftest import make_client
from apps.documentation import services
from apps.documentation.models import (
    ElectronicSignature,
    FormSubmission,
    FormTemplate,
    FormTemplateVersion,
    SigningLink,
)
from conftest import person, signed_in

STRUCTURE = {
    "sections": [
        {"key": "main", "title": "Main", "fields": [{"key": "summary", "type": "textarea", "label": "Summary"}]}
    ]
}
MODELS = [FormTemplate, FormSubmission, ElectronicSignature, SigningLink]


@pytest.fixture
def template(org_a) -> FormTemplate:
    with org_a:
        return services.template_create(actor=None, template_name="Daily note", form_structure=STRUCTURE)


def admin_form(**values) -> dict:
    return {
        "template_name": "Shift report",
        "form_type": "other",
        "category": "",
        "description": "",
        "is_active": "on",
        "signers": "[]",
        "form_structure": json.dumps(STRUCTURE),
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    } | values


def test_every_documentation_page_of_the_admin_loads_for_an_organization_admin(org_a, template):
    with org_a:
        submission = services.submission_start(template=template, author=person(org_a, "dsp"))
    admin = signed_in(org_a, "admin")
    for model in MODELS:
        path = f"/admin/documentation/{model._meta.model_name}/"
        assert admin.get(path).status_code == 200, path
    assert admin.get("/admin/documentation/formtemplate/add/").status_code == 200
    page = admin.get(f"/admin/documentation/formtemplate/{template.pk}/change/")
    assert page.status_code == 200 and "form_structure" in page.content.decode()
    page = admin.get(f"/admin/documentation/formsubmission/{submission.pk}/change/")
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()


def test_submissions_signatures_and_links_cannot_be_added_changed_or_deleted_in_the_admin(org_a, template):
    with org_a:
        submission = services.submission_start(template=template, author=person(org_a, "dsp"))
    admin = signed_in(org_a, "admin")
    for model in (FormSubmission, ElectronicSignature, SigningLink):
        assert admin.get(f"/admin/documentation/{model._meta.model_name}/add/").status_code == 403
    assert (
        admin.post(f"/admin/documentation/formsubmission/{submission.pk}/change/", {"status": "approved"}).status_code
        == 403
    )
    assert (
        admin.post(f"/admin/documentation/formsubmission/{submission.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    with org_a:
        submission.refresh_from_db()
        assert submission.status == FormSubmission.Status.DRAFT


def test_a_template_added_in_the_admin_is_created_by_the_service_with_its_first_version(org_a):
    response = signed_in(org_a, "admin").post("/admin/documentation/formtemplate/add/", admin_form())
    assert response.status_code == 302
    with org_a:
        created = FormTemplate.objects.get(template_name="Shift report")
        assert created.created_by == person(org_a, "admin")
        assert list(FormTemplateVersion.objects.filter(template=created).values_list("version", flat=True)) == [1]


def test_a_bad_structure_is_refused_by_its_field_in_the_admin(org_a):
    bad = {"sections": [{"key": "main", "title": "Main", "fields": [{"key": "a", "type": "slider", "label": "A"}]}]}
    response = signed_in(org_a, "admin").post(
        "/admin/documentation/formtemplate/add/", admin_form(form_structure=json.dumps(bad))
    )
    assert response.status_code == 200
    assert "Field “a” has an unknown type “slider”." in response.content.decode()
    with org_a:
        assert not FormTemplate.objects.filter(template_name="Shift report").exists()


def test_editing_a_filled_in_template_in_the_admin_makes_a_new_version(org_a, template):
    with org_a:
        submission = services.submission_start(template=template, author=person(org_a, "dsp"))
    changed = {"sections": [{**STRUCTURE["sections"][0], "title": "Today"}]}
    response = signed_in(org_a, "admin").post(
        f"/admin/documentation/formtemplate/{template.pk}/change/",
        admin_form(template_name="Daily note", form_structure=json.dumps(changed)),
    )
    assert response.status_code == 302
    with org_a:
        template.refresh_from_db()
        submission.refresh_from_db()
        assert template.version == 2 and template.form_structure == changed
        assert submission.template_version.version == 1


@pytest.fixture
def dsp_with_admin(org_a):
    """Direct support staff given the admin: they see there what they see on the site."""
    with org_a:
        role = Role.objects.get(name="Direct Support Professional")
        role.group.permissions.add(Permission.objects.get(codename="access_admin"))
        role.save(update_fields=["updated_at"])
    return signed_in(org_a, "dsp")


def test_a_submission_of_a_client_the_user_may_not_see_is_not_listed(org_a, template, dsp_with_admin):
    theirs = make_client(org_a, first_name="Jordan", last_name="Ellis")
    other = make_client(org_a, first_name="Priya", last_name="Shah")
    with org_a:
        dsp, nurse = person(org_a, "dsp"), person(org_a, "nurse")
        clients.care_team_add(client=theirs, user=dsp)
        seen = services.submission_start(template=template, author=nurse, client=theirs)
        hidden = services.submission_start(template=template, author=nurse, client=other)
        # Submitted: a draft is its author's alone, in the admin too.
        FormSubmission.objects.filter(pk__in=[seen.pk, hidden.pk]).update(status=FormSubmission.Status.SUBMITTED)
    listing = dsp_with_admin.get("/admin/documentation/formsubmission/")
    assert listing.status_code == 200
    shown = {row.pk for row in listing.context["cl"].result_list}
    assert seen.pk in shown and hidden.pk not in shown
    assert dsp_with_admin.get(f"/admin/documentation/formsubmission/{seen.pk}/change/").status_code == 200
    assert dsp_with_admin.get(f"/admin/documentation/formsubmission/{hidden.pk}/change/").status_code != 200
    # The organization's admin sees both, so the filter above is what hid it.
    everything = signed_in(org_a, "admin").get("/admin/documentation/formsubmission/")
    assert {seen.pk, hidden.pk} <= {row.pk for row in everything.context["cl"].result_list}


def test_opening_a_submission_in_the_admin_is_in_the_access_log(org_a, template):
    with org_a:
        submission = services.submission_start(template=template, author=person(org_a, "dsp"))
        admin = person(org_a, "admin")
    assert (
        signed_in(org_a, "admin").get(f"/admin/documentation/formsubmission/{submission.pk}/change/").status_code == 200
    )
    with org_a:
        assert LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, object_pk=str(submission.pk), actor=admin
        ).exists()


def test_the_admin_list_of_submissions_is_not_logged_as_opening_each(org_a, template):
    with org_a:
        submission = services.submission_start(template=template, author=person(org_a, "dsp"))
    assert signed_in(org_a, "admin").get("/admin/documentation/formsubmission/").status_code == 200
    with org_a:
        assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(submission.pk)).exists()


def test_a_submissions_answers_are_shown_under_their_labels_and_escaped(org_a, template):
    with org_a:
        submission = services.submission_start(
            template=template, author=person(org_a, "dsp"), answers={"summary": "Park <b>walk</b>"}
        )
    page = signed_in(org_a, "admin").get(f"/admin/documentation/formsubmission/{submission.pk}/change/")
    assert "<dt>Summary</dt><dd>Park &lt;b&gt;walk&lt;/b&gt;</dd>" in page.content.decode()
