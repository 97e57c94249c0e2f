"""The template pages and the builder: fields and sections added, edited, moved and deleted
through the views, with htmx (the builder's body comes back) and without (a redirect to the
page); refused changes are a 400 with the structure's message and nothing saved; export and
import; who may do what."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.documentation import builder, services
from apps.documentation.models import FormTemplate
from apps.documentation.structure import validate_structure
from apps.scheduling.models import Service
from conftest import person, signed_in

HTMX = {"HTTP_HX_REQUEST": "true"}
STRUCTURE = {
    "sections": [
        {
            "key": "main",
            "title": "Main",
            "fields": [
                {"key": "a", "type": "text", "label": "Alpha"},
                {"key": "b", "type": "yesno", "label": "Bravo"},
                {"key": "c", "type": "textarea", "label": "Charlie", "show_if": {"field": "b", "equals": "yes"}},
            ],
        },
        {"key": "more", "title": "More", "fields": [{"key": "d", "type": "number", "label": "Delta"}]},
    ]
}


@pytest.fixture
def template(org_a) -> FormTemplate:
    with org_a:
        return services.template_create(
            actor=person(org_a, "manager"),
            template_name="Daily note",
            form_type=FormTemplate.Type.PROGRESS_NOTE,
            category="Notes",
            requires_signature=True,
            signers=["author", "approver"],
            form_structure=STRUCTURE,
        )


@pytest.fixture
def manager(org_a):
    return signed_in(org_a, "manager")


def url(name: str, template: FormTemplate, *args) -> str:
    return f"/documentation/templates/{template.pk}/{name}" + "".join(f"{a}/" for a in args)


def stored(org, template: FormTemplate) -> dict:
    with org:
        template.refresh_from_db()
    return template.form_structure


def keys(structure: dict) -> list[list[str]]:
    return [[field["key"] for field in section["fields"]] for section in structure["sections"]]


def field_post(**values) -> dict:
    return {"section": "main", "type": "text", "label": "Echo", "key": "e"} | values


# --- the list, creating, settings ---------------------------------------------------------------


def test_the_list_shows_each_template_with_its_version_and_submission_count(org_a, template, manager):
    with org_a:
        services.submission_start(template=template, author=person(org_a, "dsp"))
        services.submission_start(template=template, author=person(org_a, "dsp"))
    page = manager.get("/documentation/templates/")
    assert page.status_code == 200
    row = next(t for t in page.context["page"].object_list if t.pk == template.pk)
    assert (row.submission_count, row.version) == (2, 1)
    assert "Daily note" in page.content.decode()
    assert "Daily note" not in manager.get("/documentation/templates/?q=incident").content.decode()


def test_the_lists_query_count_does_not_grow_with_its_templates(one_minute, org_a, manager):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager.get("/documentation/templates/").status_code == 200
        return len(queries)

    with org_a:
        services.template_create(actor=None, template_name="One", form_structure=STRUCTURE)
    count()  # the first request of a session reads and caches the person and their role
    few = count()
    with org_a:
        for number in range(5):
            services.template_create(actor=None, template_name=f"More {number}", form_structure=STRUCTURE)
    assert count() == few


def test_a_new_template_starts_with_one_section_and_a_notes_field(org_a, manager):
    response = manager.post(
        "/documentation/templates/new/",
        {"template_name": "Shift report", "form_type": "other", "is_active": "on", "signer_1": "author"},
    )
    assert response.status_code == 302
    with org_a:
        created = FormTemplate.objects.get(template_name="Shift report")
    assert response["Location"] == f"/documentation/templates/{created.pk}/"
    assert keys(created.form_structure) == [["notes"]] and created.signers == ["author"]


def test_a_new_template_with_one_signer_twice_is_refused(org_a, manager):
    response = manager.post(
        "/documentation/templates/new/",
        {"template_name": "Twice", "form_type": "other", "signer_1": "author", "signer_2": "author"},
    )
    assert response.status_code == 400 and "Each signer signs once." in response.content.decode()
    with org_a:
        assert not FormTemplate.objects.filter(template_name="Twice").exists()


def test_the_settings_page_changes_the_settings_and_the_visit_note_choice(org_a, template, manager):
    with org_a:
        service = Service.objects.create(code="T2017", name="Habilitation")
    response = manager.post(
        url("settings/", template),
        {
            "template_name": "Daily progress note",
            "form_type": "progress_note",
            "is_active": "on",
            "requires_signature": "on",
            "signer_1": "approver",
            "visit_note_services": [str(service.pk)],
            "is_default_visit_note": "on",
        },
    )
    assert response.status_code == 302
    with org_a:
        template.refresh_from_db()
        assert template.template_name == "Daily progress note" and template.signers == ["approver"]
        assert template.is_default_visit_note and list(template.visit_note_services.all()) == [service]
        assert template.version == 1


# --- fields -------------------------------------------------------------------------------------


def test_adding_a_field_without_htmx_redirects_to_the_builder(org_a, template, manager):
    response = manager.post(url("fields/new/", template), field_post(section="more", required="on"))
    assert response.status_code == 302 and response["Location"] == f"/documentation/templates/{template.pk}/"
    structure = stored(org_a, template)
    assert keys(structure) == [["a", "b", "c"], ["d", "e"]]
    assert structure["sections"][1]["fields"][1] == {"key": "e", "type": "text", "label": "Echo", "required": True}


def test_adding_a_field_with_htmx_answers_with_the_builders_body(org_a, template, manager):
    response = manager.post(url("fields/new/", template), field_post(label="Is it late?", key="", type="yesno"), **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "Is it late?" in page and "Field saved." in page
    assert keys(stored(org_a, template)) == [["a", "b", "c", "is_it_late"], ["d"]]


def test_the_field_form_comes_as_a_page_or_inside_the_builder(template, manager):
    page = manager.get(url("fields/c/", template))
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert page.context["form"].initial["show_if_field"] == "b"
    partial = manager.get(url("fields/c/", template), **HTMX)
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert 'hx-post="/documentation/templates/' in partial.content.decode()
    assert manager.get(url("fields/ghost/", template)).status_code == 404


def test_editing_a_field_keeps_its_place_and_a_renamed_key_carries_its_conditions(org_a, template, manager):
    response = manager.post(
        url("fields/b/", template),
        field_post(key="injured", type="yesno", label="Injured?", label_es="¿Lesionado?", alert="on"),
        **HTMX,
    )
    assert response.status_code == 200
    structure = stored(org_a, template)
    assert keys(structure) == [["a", "injured", "c"], ["d"]]
    assert structure["sections"][0]["fields"][1] == {
        "key": "injured",
        "type": "yesno",
        "label": {"en": "Injured?", "es": "¿Lesionado?"},
        "alert": True,
    }
    assert structure["sections"][0]["fields"][2]["show_if"] == {"field": "injured", "equals": "yes"}


def test_a_choice_fields_options_are_read_one_per_line(org_a, template, manager):
    options = "good|Good|Bien\n\nlow|Low\nnone"
    response = manager.post(url("fields/new/", template), field_post(type="select", options=options, key="mood"))
    assert response.status_code == 302
    [*_, mood] = stored(org_a, template)["sections"][0]["fields"]
    assert mood["options"] == [
        {"value": "good", "label": {"en": "Good", "es": "Bien"}},
        {"value": "low", "label": "Low"},
        {"value": "none", "label": "none"},
    ]


def test_a_numbers_range_and_a_condition_on_a_number_are_kept_as_numbers(org_a, template, manager):
    manager.post(
        url("fields/d/", template),
        field_post(section="more", key="d", type="number", label="Delta", min="0", max="10", step="0.5"),
    )
    manager.post(
        url("fields/new/", template),
        field_post(section="more", key="high", show_if_field="d", show_if_mode="in", show_if_value="9, 10"),
    )
    delta, high = stored(org_a, template)["sections"][1]["fields"]
    assert (delta["min"], delta["max"], delta["step"]) == (0, 10, 0.5)
    assert high["show_if"] == {"field": "d", "in": [9, 10]}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_field_with_a_key_already_taken_is_a_400_with_the_message_and_nothing_saved(org_a, template, manager, htmx):
    response = manager.post(url("fields/new/", template), field_post(key="a"), **(HTMX if htmx else {}))
    assert response.status_code == 400
    assert "Two fields have the key “a”." in response.content.decode()
    assert keys(stored(org_a, template)) == [["a", "b", "c"], ["d"]]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_condition_that_makes_a_loop_is_a_400_with_the_message_and_nothing_saved(org_a, template, manager, htmx):
    response = manager.post(
        url("fields/b/", template),
        field_post(key="b", type="yesno", label="Bravo", show_if_field="c", show_if_mode="filled"),
        **(HTMX if htmx else {}),
    )
    assert response.status_code == 400
    assert "form a loop" in response.content.decode()
    assert "show_if" not in stored(org_a, template)["sections"][0]["fields"][1]


def test_a_bad_key_and_a_bad_option_are_shown_by_their_fields(org_a, template, manager):
    response = manager.post(url("fields/new/", template), field_post(key="Bad Key", type="select", options="a b|A"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "key" in errors and "options" in errors
    assert keys(stored(org_a, template)) == [["a", "b", "c"], ["d"]]


def test_moving_fields_within_a_section_and_across_its_edges(org_a, template, manager):
    assert manager.post(url("fields/b/move/up/", template)).status_code == 302
    assert keys(stored(org_a, template)) == [["b", "a", "c"], ["d"]]
    assert manager.post(url("fields/c/move/down/", template), **HTMX).status_code == 200
    assert keys(stored(org_a, template)) == [["b", "a"], ["c", "d"]]
    assert manager.post(url("fields/c/move/up/", template), **HTMX).status_code == 200
    assert keys(stored(org_a, template)) == [["b", "a", "c"], ["d"]]
    manager.post(url("fields/d/move/up/", template))
    assert keys(stored(org_a, template)) == [["b", "a", "c", "d"], []]


def test_the_first_field_cannot_move_up_nor_the_last_down(org_a, template, manager):
    response = manager.post(url("fields/a/move/up/", template), **HTMX)
    assert response.status_code == 400 and "This is already the first field." in response.content.decode()
    response = manager.post(url("fields/d/move/down/", template))
    assert response.status_code == 400 and "This is already the last field." in response.content.decode()
    assert keys(stored(org_a, template)) == [["a", "b", "c"], ["d"]]
    assert manager.post(url("fields/a/move/sideways/", template)).status_code == 404
    assert manager.get(url("fields/a/move/down/", template)).status_code == 405


def test_deleting_a_field(org_a, template, manager):
    assert manager.post(url("fields/a/delete/", template)).status_code == 302
    assert manager.post(url("fields/c/delete/", template), **HTMX).status_code == 200
    assert keys(stored(org_a, template)) == [["b"], ["d"]]


def test_deleting_a_field_another_depends_on_is_refused_with_the_message(org_a, template, manager):
    response = manager.post(url("fields/b/delete/", template), **HTMX)
    assert response.status_code == 400
    assert "decides whether" in response.content.decode() and "change or remove that condition first" in (
        response.content.decode()
    )
    assert keys(stored(org_a, template)) == [["a", "b", "c"], ["d"]]


# --- sections -----------------------------------------------------------------------------------


def test_adding_editing_and_deleting_a_section(org_a, template, manager):
    assert (
        manager.post(url("sections/new/", template), {"title": "Follow-up", "title_es": "Seguimiento"}).status_code
        == 302
    )
    structure = stored(org_a, template)
    assert structure["sections"][2] == {
        "key": "follow_up",
        "title": {"en": "Follow-up", "es": "Seguimiento"},
        "fields": [],
    }
    response = manager.post(url("sections/more/", template), {"title": "Numbers", "key": "numbers"}, **HTMX)
    assert response.status_code == 200 and "Numbers" in response.content.decode()
    structure = stored(org_a, template)
    assert structure["sections"][1] == {
        "key": "numbers",
        "title": "Numbers",
        "fields": [STRUCTURE["sections"][1]["fields"][0]],
    }
    assert manager.post(url("sections/follow_up/delete/", template), **HTMX).status_code == 200
    assert [s["key"] for s in stored(org_a, template)["sections"]] == ["main", "numbers"]


def test_a_section_with_fields_is_not_deleted_and_a_duplicate_section_key_is_refused(org_a, template, manager):
    response = manager.post(url("sections/more/delete/", template))
    assert response.status_code == 400 and "Move or delete the section" in response.content.decode()
    response = manager.post(url("sections/new/", template), {"title": "Again", "key": "main"}, **HTMX)
    assert response.status_code == 400 and "Two sections have the key “main”." in response.content.decode()
    assert [s["key"] for s in stored(org_a, template)["sections"]] == ["main", "more"]


# --- versions on the builder --------------------------------------------------------------------


def test_a_change_to_a_template_with_submissions_makes_a_new_version_shown_on_the_builder(org_a, template, manager):
    with org_a:
        services.submission_start(template=template, author=person(org_a, "dsp"))
    manager.post(url("fields/new/", template), field_post())
    with org_a:
        template.refresh_from_db()
    assert template.version == 2
    page = manager.get(url("", template)).content.decode()
    assert "Version 2" in page and "1 submission uses an older version" in page


def test_the_preview_shows_the_form_disabled(template, manager):
    response = manager.get(url("preview/", template))
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<input type="text" name="a-a"[^>]* disabled', page)
    assert re.search(r'<textarea name="a-c"[^>]* disabled', page)


# --- export and import --------------------------------------------------------------------------


def test_export_then_import_makes_an_equal_new_template(org_a, template, manager):
    response = manager.get(url("export/", template))
    assert response.status_code == 200 and response["Content-Disposition"] == 'attachment; filename="daily-note.json"'
    exported = json.loads(response.content)
    assert exported["format"] == builder.EXPORT_FORMAT and exported["form_structure"] == STRUCTURE
    upload = SimpleUploadedFile("daily-note.json", response.content, content_type="application/json")
    imported = manager.post("/documentation/templates/import/", {"file": upload})
    assert imported.status_code == 302
    with org_a:
        # Named apart from its original, so pickers tell the two apart.
        copy = FormTemplate.objects.exclude(pk=template.pk).get(template_name="Daily note (2)")
    assert imported["Location"] == f"/documentation/templates/{copy.pk}/"
    assert {**builder.export_data(copy), "name": "Daily note"} == exported
    assert copy.version == 1


def test_a_pasted_export_is_imported_too(org_a, template, manager):
    text = manager.get(url("export/", template)).content.decode()
    assert manager.post("/documentation/templates/import/", {"text": text}).status_code == 302
    assert manager.post("/documentation/templates/import/", {"text": text}).status_code == 302
    with org_a:
        names = set(
            FormTemplate.objects.filter(template_name__startswith="Daily note").values_list("template_name", flat=True)
        )
    assert names == {"Daily note", "Daily note (2)", "Daily note (3)"}


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("{not json", "This is not valid JSON."),
        (json.dumps({"name": "X", "form_structure": STRUCTURE}), "is not a form template exported from Starline"),
        (
            json.dumps({"format": builder.EXPORT_FORMAT, "name": "X", "type": "diary", "form_structure": STRUCTURE}),
            "Unknown form type “diary”.",
        ),
        (
            json.dumps(
                {
                    "format": builder.EXPORT_FORMAT,
                    "name": "X",
                    "form_structure": {
                        "sections": [
                            {"key": "s", "title": "S", "fields": [{"key": "a", "type": "slider", "label": "A"}]}
                        ]
                    },
                }
            ),
            "Field “a” has an unknown type “slider”.",
        ),
        ("", "Choose a file exported from Starline, or paste its JSON."),
        (
            json.dumps(
                {
                    "format": builder.EXPORT_FORMAT,
                    "name": "X",
                    "form_structure": {
                        "sections": [
                            {"key": "s", "title": "S", "fields": [{"key": "new", "type": "text", "label": "A"}]}
                        ]
                    },
                }
            ),
            "“new” is reserved; choose another key.",
        ),
    ],
    ids=["not-json", "no-format", "unknown-type", "bad-structure", "nothing", "reserved-key"],
)
def test_a_bad_import_is_refused_with_its_message_and_nothing_created(org_a, manager, posted, message):
    with org_a:
        before = FormTemplate.objects.count()
    response = manager.post("/documentation/templates/import/", {"text": posted})
    assert response.status_code == 400 and message in response.content.decode()
    with org_a:
        assert FormTemplate.objects.count() == before


# --- who may do what ----------------------------------------------------------------------------


def test_a_dsp_gets_403_on_every_template_page(org_a, template):
    dsp = signed_in(org_a, "dsp")
    for path in ["/documentation/templates/", "/documentation/templates/new/", "/documentation/templates/import/"]:
        assert dsp.get(path).status_code == 403, path
    for suffix in ["", "settings/", "export/", "preview/", "fields/new/", "fields/a/", "sections/main/"]:
        assert dsp.get(url(suffix, template)).status_code == 403, suffix
    for suffix in ["fields/a/move/down/", "fields/a/delete/", "sections/more/delete/"]:
        assert dsp.post(url(suffix, template)).status_code == 403, suffix
    assert dsp.post(url("fields/new/", template), field_post()).status_code == 403
    assert keys(stored(org_a, template)) == [["a", "b", "c"], ["d"]]


def test_a_reader_without_the_change_permission_sees_the_builder_without_its_buttons(org_a, template):
    auditor = signed_in(org_a, "auditor")
    page = auditor.get(url("", template))
    assert page.status_code == 200 and "Add field" not in page.content.decode()
    assert auditor.post(url("fields/a/delete/", template)).status_code == 403


def test_another_organizations_manager_gets_404_for_a_template_of_alpha(org_a, org_b, template):
    other = signed_in(org_b, "manager")
    for suffix in ["", "settings/", "export/", "preview/", "fields/a/", "sections/main/"]:
        assert other.get(url(suffix, template)).status_code == 404, suffix
    assert other.post(url("fields/a/delete/", template)).status_code == 404
    assert keys(stored(org_a, template)) == [["a", "b", "c"], ["d"]]


def test_a_condition_on_a_value_the_field_never_has_is_refused_by_the_value(org_a, template, manager):
    response = manager.post(
        url("fields/new/", template), field_post(show_if_field="b", show_if_mode="equals", show_if_value="Maybe")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["show_if_value"] == [
        "“b” is never answered Maybe; its answers are: no, yes."
    ]
    assert keys(stored(org_a, template)) == [["a", "b", "c"], ["d"]]


FIELD_INPUTS = st.fixed_dictionaries(
    {},
    optional={
        "section": st.sampled_from(["main", "more", "ghost", ""]),
        "key": st.sampled_from(["a", "b", "e", "new", "Bad", "", "x" * 60]) | st.text(max_size=12),
        "type": st.sampled_from(["text", "number", "select", "yesno", "rating", "file", "slider", ""]),
        "label": st.text(max_size=30),
        "label_es": st.text(max_size=10),
        "required": st.sampled_from(["on", ""]),
        "min": st.sampled_from(["0", "5", "-1", "1e400", "NaN", "x", ""]),
        "max": st.sampled_from(["1", "10", "99999999999999999999999", ""]),
        "step": st.sampled_from(["0", "0.5", "-2", ""]),
        "max_length": st.sampled_from(["0", "10", "30000", "x", ""]),
        "options": st.text(max_size=40) | st.sampled_from(["a|A\nb|B", "a|A\na|Again", "bad value|X", ""]),
        "show_if_field": st.sampled_from(["a", "b", "c", "d", "e", "ghost", ""]),
        "show_if_mode": st.sampled_from(["equals", "in", "filled", "empty", "bogus", ""]),
        "show_if_value": st.sampled_from(["yes", "no", "1, 2", "x", ""]),
        "alert": st.sampled_from(["on", ""]),
        "prefill": st.sampled_from(["client", "visit_date", "weather", ""]),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(posted=FIELD_INPUTS, htmx=st.booleans())
def test_any_post_to_the_field_form_is_answered_without_a_500_and_leaves_a_valid_structure(
    org_a, template, manager, posted, htmx
):
    response = manager.post(url("fields/new/", template), posted, **(HTMX if htmx else {}))
    assert response.status_code in (200, 302, 400)
    validate_structure(stored(org_a, template))


def test_the_builders_query_count_does_not_grow_with_its_fields(one_minute, org_a, template, manager):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(url("", template)).status_code == 200
        return len(queries)

    count()  # the first request of a session reads and caches the person and their role
    few = count()
    for number in range(5):
        manager.post(url("fields/new/", template), field_post(key=f"extra_{number}"))
    assert len(stored(org_a, template)["sections"][0]["fields"]) == 8
    assert count() == few


def test_a_key_the_urls_use_is_refused(org_a, template, manager):
    response = manager.post(url("fields/new/", template), field_post(key="new"))
    assert response.status_code == 400 and "key" in response.context["form"].errors
    assert keys(stored(org_a, template)) == [["a", "b", "c"], ["d"]]


def test_editing_a_label_keeps_its_other_languages(org_a, manager):
    structure = {
        "sections": [
            {
                "key": "main",
                "title": "Main",
                "fields": [{"key": "mood", "type": "text", "label": {"en": "Mood", "fr": "Humeur"}}],
            }
        ]
    }
    with org_a:
        template = services.template_create(actor=None, template_name="Languages", form_structure=structure)
    form = manager.get(url("fields/mood/", template)).context["form"]
    assert (form.initial["label"], form.initial["label_es"]) == ("Mood", "")
    manager.post(url("fields/mood/", template), field_post(key="mood", label="Mood today", label_es="Ánimo"))
    [field] = stored(org_a, template)["sections"][0]["fields"]
    assert field["label"] == {"en": "Mood today", "es": "Ánimo", "fr": "Humeur"}


def test_a_condition_reads_as_the_form_does_yes_and_choice_labels_in_the_readers_language(org_a, template, manager):
    """The builder said a field shows “when Bravo is yes” (the stored value), in Spanish too."""
    manager.post(
        url("fields/new/", template),
        field_post(type="select", options="good|Good|Bien\nlow|Low", key="mood", label="Mood"),
    )
    manager.post(
        url("fields/new/", template),
        field_post(key="why", label="Why", show_if_field="mood", show_if_mode="equals", show_if_value="good"),
    )
    assert stored(org_a, template)["sections"][0]["fields"][-1]["show_if"] == {"field": "mood", "equals": "good"}
    page = manager.get(url("", template)).content.decode()
    assert "when “Bravo” is Yes" in page and "when “Mood” is Good" in page
    manager.cookies["django_language"] = "es"
    page = manager.get(url("", template)).content.decode()
    assert "cuando “Bravo” es Sí" in page and "cuando “Mood” es Bien" in page
