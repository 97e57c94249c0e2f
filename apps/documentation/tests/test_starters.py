"""The four starter templates: valid, bilingual, in every organization (the test ones, a new
one through the clone template), and created by a migration that can run again."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection

from apps.documentation import starters
from apps.documentation.models import FormTemplate, FormTemplateVersion
from apps.documentation.structure import fields_of, validate_structure
from apps.tenants import services as tenant_services

migration = importlib.import_module("apps.documentation.migrations.0003_starter_templates")


def _texts(structure: dict):
    for section in structure["sections"]:
        yield section["title"]
        for field in section["fields"]:
            yield field["label"]
            if "help" in field:
                yield field["help"]
            for option in field.get("options", []):
                yield option["label"]


@pytest.mark.parametrize("key", list(starters.STARTERS))
def test_each_starter_structure_is_valid_and_every_text_is_in_english_and_spanish(key):
    structure = starters.STARTERS[key]["form_structure"]
    validate_structure(structure)
    texts = list(_texts(structure))
    for text in texts:
        assert isinstance(text, dict) and set(text) == {"en", "es"}, text
        assert text["en"].strip() and text["es"].strip(), text
    # Translated, not copied: only words the two languages share ("Nasal", "Rectal") match.
    assert [text["en"] for text in texts if text["en"] == text["es"]] in ([], ["Nasal", "Rectal"])


def test_the_incident_report_alerts_on_injury_and_suspected_abuse_and_asks_for_details_only_then():
    fields = {f["key"]: f for f in fields_of(starters.INCIDENT_REPORT)}
    assert {k for k, f in fields.items() if f.get("alert")} == {"injury", "abuse_suspected"}
    assert fields["injury_details"]["show_if"] == {"field": "injury", "equals": "yes"}
    assert fields["abuse_details"]["show_if"] == {"field": "abuse_suspected", "equals": "yes"}
    assert fields["what_happened"]["required"] and fields["immediate_actions"]["required"]
    assert fields["client"]["prefill"] == "client"


def test_the_progress_note_prefills_the_visit():
    prefills = {f["prefill"] for f in fields_of(starters.PROGRESS_NOTE) if "prefill" in f}
    assert {"client", "staff", "visit_date", "visit_start", "visit_end"} <= prefills


def _starters_of(organization):
    with organization:
        templates = {t.starter: t for t in FormTemplate.objects.filter(starter__in=starters.STARTERS)}
        versions = set(
            FormTemplateVersion.objects.filter(template__in=templates.values()).values_list(
                "template__starter", "version"
            )
        )
    return templates, versions


def test_both_test_organizations_have_the_four_starters_each_with_its_first_version(org_a, org_b):
    for organization in (org_a, org_b):
        templates, versions = _starters_of(organization)
        assert set(templates) == set(starters.STARTERS)
        assert versions == {(key, 1) for key in starters.STARTERS}
        incident = templates["incident_report"]
        assert incident.form_type == FormTemplate.Type.INCIDENT_REPORT
        assert incident.requires_approval and incident.requires_signature
        assert incident.signer_steps == ["author", "approver"]
        note = templates["progress_note"]
        assert note.is_default_visit_note and note.signer_steps == ["author"]
        assert templates["medication"].form_type == FormTemplate.Type.MEDICATION
        assert templates["service_plan_summary"].requires_approval
        assert "Nota de progreso diaria" in note.description


def test_a_new_organization_gets_the_four_starters_through_the_clone(db):
    connection.set_schema_to_public()
    organization = tenant_services.organization_create(
        name="Gamma Supports", subdomain="gamma", contact_email="office@gamma.test", timezone="America/Denver"
    )
    templates, _versions = _starters_of(organization)
    assert set(templates) == set(starters.STARTERS)
    with organization:
        assert FormTemplate.objects.filter(is_default_visit_note=True).get().starter == "progress_note"


def test_running_the_migration_again_adds_nothing_and_keeps_a_renamed_starter(org_a):
    with org_a:
        FormTemplate.objects.filter(starter="medication").update(template_name="Med pass")
        before = FormTemplate.objects.count(), FormTemplateVersion.objects.count()
        migration.create_starters(django_apps, None)
        assert (FormTemplate.objects.count(), FormTemplateVersion.objects.count()) == before
        assert FormTemplate.objects.get(starter="medication").template_name == "Med pass"


def test_reversing_removes_the_starters_nobody_filled_in_and_forward_brings_them_back(org_a):
    from apps.documentation import services
    from conftest import person

    with org_a:
        dsp = person(org_a, "dsp")
        medication = FormTemplate.objects.get(starter="medication")
        services.submission_start(template=medication, author=dsp)
        migration.remove_unused_starters(django_apps, None)
        assert list(FormTemplate.objects.filter(starter__in=starters.STARTERS).values_list("starter", flat=True)) == [
            "medication"
        ]
        migration.create_starters(django_apps, None)
        assert FormTemplate.objects.filter(starter__in=starters.STARTERS).count() == 4


def test_a_starter_keeps_its_english_name_but_shows_in_the_reader_language_until_renamed(org_a):
    from django.utils import translation

    with org_a:
        note = FormTemplate.objects.get(starter="progress_note")
    assert note.template_name == "Daily progress note"
    with translation.override("es"):
        assert starters.display_name(note) == "Nota de progreso diaria"
        note.template_name = "Nota de visita"
        assert starters.display_name(note) == "Nota de visita"
