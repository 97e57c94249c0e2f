"""Editing a template: in place while nobody has filled it in; a new version once someone
has, and each submission keeps (and renders and validates with) the version it was filled on."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.documentation import services
from apps.documentation.answers import AnswersForm
from apps.documentation.models import FormTemplate, FormTemplateVersion
from conftest import person

FIRST = {
    "sections": [
        {
            "key": "main",
            "title": "Main",
            "fields": [
                {
                    "key": "mood",
                    "type": "select",
                    "label": "Mood",
                    "required": True,
                    "options": [{"value": "good", "label": "Good"}, {"value": "low", "label": "Low"}],
                },
            ],
        }
    ]
}
SECOND = {
    "sections": [
        {
            "key": "main",
            "title": "Main",
            "fields": [
                {"key": "summary", "type": "textarea", "label": "Summary", "required": True},
            ],
        }
    ]
}


@pytest.fixture
def template(org_a) -> FormTemplate:
    with org_a:
        return services.template_create(
            actor=person(org_a, "manager"), template_name="Daily note", form_structure=FIRST
        )


def test_a_new_template_starts_at_version_one_with_its_structure_kept(org_a, template):
    with org_a:
        [version] = FormTemplateVersion.objects.filter(template=template)
        assert (template.version, version.version, version.form_structure) == (1, 1, FIRST)


def test_editing_a_template_nobody_filled_in_changes_version_one_in_place(org_a, template):
    with org_a:
        services.template_update(template=template, actor=person(org_a, "manager"), form_structure=SECOND)
        template.refresh_from_db()
        versions = list(FormTemplateVersion.objects.filter(template=template).values_list("version", "form_structure"))
        assert template.version == 1 and template.form_structure == SECOND
        assert versions == [(1, SECOND)]


def test_editing_a_template_with_a_submission_makes_version_two_and_the_submission_keeps_version_one(org_a, template):
    with org_a:
        manager, dsp = person(org_a, "manager"), person(org_a, "dsp")
        submission = services.submission_start(template=template, author=dsp, answers={"mood": "good"})
        services.template_update(template=template, actor=manager, form_structure=SECOND)
        template.refresh_from_db()
        submission.refresh_from_db()
        assert template.version == 2 and template.form_structure == SECOND
        assert sorted(FormTemplateVersion.objects.filter(template=template).values_list("version", flat=True)) == [1, 2]
        assert submission.template_version.version == 1
        assert submission.template_version.form_structure == FIRST
        # A new submission is filled on version 2.
        newer = services.submission_start(template=template, author=dsp)
        assert newer.template_version.version == 2


def test_the_old_submission_still_renders_and_validates_with_its_version(org_a, template):
    with org_a:
        submission = services.submission_start(template=template, author=person(org_a, "dsp"), answers={"mood": "low"})
        services.template_update(template=template, actor=person(org_a, "manager"), form_structure=SECOND)
        submission.refresh_from_db()
        structure = submission.template_version.form_structure
    shown = AnswersForm(structure, initial=submission.submission_data)
    # Each field's widget (the whole form's partial belongs to the fill-in pages).
    html = "".join(str(shown[key]) for key in shown.fields)
    assert 'name="a-mood"' in html and 'value="low" selected' in html and "a-summary" not in html
    posted = AnswersForm(structure, data={"a-mood": "low"})
    assert posted.is_valid() and posted.answers == {"mood": "low"}
    # It is v1's rules that apply: its required field, not v2's.
    assert not AnswersForm(structure, data={"a-summary": "x"}).is_valid()


def test_a_second_edit_after_version_two_changes_version_two_in_place(org_a, template):
    with org_a:
        manager = person(org_a, "manager")
        services.submission_start(template=template, author=person(org_a, "dsp"))
        services.template_update(template=template, actor=manager, form_structure=SECOND)
        third = {"sections": [{**SECOND["sections"][0], "title": "Today"}]}
        services.template_update(template=template, actor=manager, form_structure=third)
        template.refresh_from_db()
        assert template.version == 2
        assert FormTemplateVersion.objects.get(template=template, version=2).form_structure == third
        assert FormTemplateVersion.objects.get(template=template, version=1).form_structure == FIRST


def test_a_refused_structure_changes_neither_the_template_nor_its_versions(org_a, template):
    with org_a:
        services.submission_start(template=template, author=person(org_a, "dsp"))
        with pytest.raises(ValidationError) as refused:
            services.template_update(template=template, actor=person(org_a, "manager"), form_structure={"sections": []})
        assert "form_structure" in refused.value.message_dict
        template.refresh_from_db()
        assert template.version == 1 and template.form_structure == FIRST
        assert FormTemplateVersion.objects.filter(template=template).count() == 1


def test_changing_only_the_settings_makes_no_new_version(org_a, template):
    with org_a:
        services.submission_start(template=template, author=person(org_a, "dsp"))
        services.template_update(
            template=template, actor=person(org_a, "manager"), template_name="Daily progress note", form_structure=FIRST
        )
        template.refresh_from_db()
        assert (template.template_name, template.version) == ("Daily progress note", 1)
