"""A template's structure is refused with a message naming the problem, for every rule the
schema and validate_structure hold; a valid structure of every field type is accepted."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ValidationError

from apps.documentation.structure import FIELD_TYPES, validate_structure


def form(*fields: dict, sections: list[dict] | None = None) -> dict:
    return {"sections": sections or [{"key": "main", "title": "Main", "fields": list(fields)}]}


def text(key: str, **extra) -> dict:
    return {"key": key, "type": "text", "label": key.title(), **extra}


def problems(structure) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_structure(structure)
    return refused.value.messages


def every_type() -> dict:
    return form(
        {"key": "name", "type": "text", "label": "Name", "max_length": 80, "required": True},
        {"key": "story", "type": "textarea", "label": {"en": "Story", "es": "Historia"}, "help": "What happened"},
        {"key": "count", "type": "number", "label": "Count", "min": 0, "max": 10, "step": 0.5},
        {"key": "day", "type": "date", "label": "Day", "prefill": "visit_date"},
        {"key": "start", "type": "time", "label": "Start", "prefill": "visit_start"},
        {"key": "when", "type": "datetime", "label": "When"},
        {"key": "mood", "type": "select", "label": "Mood", "options": [{"value": "good", "label": "Good"}]},
        {
            "key": "meals",
            "type": "multiselect",
            "label": "Meals",
            "options": [{"value": "breakfast", "label": "Breakfast"}, {"value": "lunch", "label": "Lunch"}],
        },
        {"key": "agreed", "type": "checkbox", "label": "Agreed", "alert": True},
        {"key": "injury", "type": "yesno", "label": "Injury", "alert": True},
        {"key": "detail", "type": "textarea", "label": "Detail", "show_if": {"field": "injury", "equals": "yes"}},
        {"key": "score", "type": "rating", "label": "Score", "min": 1, "max": 5},
        {"key": "high", "type": "text", "label": "High", "show_if": {"field": "score", "in": [4, 5]}},
        {"key": "who", "type": "client", "label": "Who", "prefill": "client"},
        {"key": "by", "type": "staff", "label": "By", "prefill": "staff"},
        {"key": "photo", "type": "file", "label": "Photo", "show_if": {"field": "mood", "filled": True}},
        {"key": "signed", "type": "signature", "label": "Signed"},
    )


def test_a_valid_structure_with_a_field_of_every_type_is_accepted():
    structure = every_type()
    assert {field["type"] for field in structure["sections"][0]["fields"]} == set(FIELD_TYPES)
    validate_structure(structure)


def test_an_unknown_type_is_refused_by_the_fields_name():
    assert problems(form(text("a"), {"key": "b", "type": "slider", "label": "B"})) == [
        "Field “b” has an unknown type “slider”."
    ]


def test_two_fields_with_one_key_are_refused_even_across_sections():
    sections = [
        {"key": "one", "title": "One", "fields": [text("same")]},
        {"key": "two", "title": "Two", "fields": [text("same")]},
    ]
    assert problems(form(sections=sections)) == ["Two fields have the key “same”."]


def test_two_sections_with_one_key_are_refused():
    sections = [
        {"key": "one", "title": "One", "fields": [text("a")]},
        {"key": "one", "title": "Again", "fields": [text("b")]},
    ]
    assert problems(form(sections=sections)) == ["Two sections have the key “one”."]


def test_a_condition_on_a_field_that_does_not_exist_is_refused():
    assert problems(form(text("a", show_if={"field": "ghost", "filled": True}))) == [
        "Field “a” is shown depending on “ghost”, which is not a field of this form."
    ]


def test_a_condition_on_the_field_itself_is_refused():
    assert problems(form(text("a", show_if={"field": "a", "equals": "x"}))) == [
        "Field “a” is shown depending on itself."
    ]


def test_a_loop_of_two_conditions_is_refused_once():
    structure = form(
        text("a", show_if={"field": "b", "filled": True}), text("b", show_if={"field": "a", "filled": True})
    )
    assert problems(structure) == ["The conditions of “a”, “b”, “a” form a loop."]


def test_a_loop_of_three_conditions_is_refused():
    structure = form(
        text("a", show_if={"field": "c", "filled": True}),
        text("b", show_if={"field": "a", "filled": True}),
        text("c", show_if={"field": "b", "filled": True}),
    )
    [message] = problems(structure)
    assert message.startswith("The conditions of ") and message.endswith(" form a loop.")
    assert all(f"“{key}”" in message for key in "abc")


def test_a_chain_of_conditions_without_a_loop_is_accepted():
    validate_structure(
        form(
            text("a"),
            text("b", show_if={"field": "a", "filled": True}),
            text("c", show_if={"field": "b", "equals": "x"}),
        )
    )


def test_a_condition_on_a_field_whose_answer_cannot_be_compared_is_refused():
    structure = form({"key": "s", "type": "signature", "label": "S"}, text("a", show_if={"field": "s", "filled": True}))
    assert problems(structure) == ["Field “a” is shown depending on “s”, whose answer cannot be compared."]


def test_a_choice_field_without_options_is_refused():
    assert problems(form({"key": "c", "type": "select", "label": "C"})) == ["Field “c” needs at least one option."]


def test_a_choice_field_with_two_options_of_one_value_is_refused():
    options = [{"value": "x", "label": "X"}, {"value": "x", "label": "Again"}]
    assert problems(form({"key": "c", "type": "multiselect", "label": "C", "options": options})) == [
        "Field “c” has two options with the same value."
    ]


def test_options_on_a_field_that_is_not_a_choice_are_refused():
    assert problems(form(text("a", options=[{"value": "x", "label": "X"}]))) == [
        "Field “a”: only choice fields have options."
    ]


def test_a_minimum_above_the_maximum_is_refused():
    assert problems(form({"key": "n", "type": "number", "label": "N", "min": 5, "max": 1})) == [
        "Field “n”: the minimum is above the maximum."
    ]


def test_a_range_on_a_text_field_is_refused():
    assert problems(form(text("a", min=1))) == ["Field “a”: only numbers and ratings have a minimum, maximum or step."]


def test_a_rating_above_ten_is_refused():
    assert problems(form({"key": "r", "type": "rating", "label": "R", "max": 11})) == [
        "Field “r”: a rating goes up to at most 10."
    ]


def test_a_maximum_length_on_a_number_is_refused():
    assert problems(form({"key": "n", "type": "number", "label": "N", "max_length": 3})) == [
        "Field “n”: only text fields have a maximum length."
    ]


def test_an_alert_on_a_text_field_is_refused():
    assert problems(form(text("a", alert=True))) == ["Field “a”: only yes/no and checkbox fields can raise an alert."]


def test_a_form_with_no_fields_is_refused():
    assert problems(form()) == ["The form has no fields."]


@pytest.mark.parametrize(
    "structure",
    [None, [], "sections", {"fields": []}, {"sections": "main"}],
    ids=["none", "list", "string", "no-sections", "sections-not-a-list"],
)
def test_something_that_is_not_a_structure_is_refused(structure):
    assert problems(structure) == ["The structure must be an object with a list of sections."]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda s: s["sections"][0]["fields"][0].update(key="Bad Key"), "sections/0/fields/0/key"),
        (lambda s: s["sections"][0]["fields"][0].update(key="1st"), "sections/0/fields/0/key"),
        (lambda s: s["sections"][0]["fields"][0].pop("label"), "sections/0/fields/0"),
        (lambda s: s["sections"][0]["fields"][0].update(colour="red"), "sections/0/fields/0"),
        (lambda s: s["sections"][0].update(key="Main"), "sections/0/key"),
        (lambda s: s.update(title="Extra"), "/"),
        (lambda s: s["sections"][0]["fields"][2].update(step=0), "sections/0/fields/2/step"),
        (
            lambda s: s["sections"][0]["fields"][6]["options"][0].update(value="has space"),
            "sections/0/fields/6/options/0/value",
        ),
        (lambda s: s["sections"][0]["fields"][3].update(prefill="weather"), "sections/0/fields/3/prefill"),
        (lambda s: s["sections"][0]["fields"][10]["show_if"].update(filled=True), "sections/0/fields/10/show_if"),
        (lambda s: s["sections"][0]["fields"][0].update(label={"english": "Name"}), "sections/0/fields/0/label"),
    ],
    ids=[
        "key-with-space",
        "key-starting-with-digit",
        "missing-label",
        "unknown-attribute",
        "section-key-uppercase",
        "unknown-top-level",
        "zero-step",
        "option-value-with-space",
        "unknown-prefill",
        "condition-with-two-tests",
        "label-language-not-a-code",
    ],
)
def test_a_schema_error_is_refused_with_where_it_is(change, where):
    structure = copy.deepcopy(every_type())
    change(structure)
    messages = problems(structure)
    assert any(message.startswith(f"At {where}: ") for message in messages), messages


def test_every_problem_is_listed_not_only_the_first():
    structure = form(
        text("dup"),
        text("dup"),
        text("a", alert=True),
        {"key": "n", "type": "number", "label": "N", "min": 3, "max": 1},
    )
    assert problems(structure) == [
        "Two fields have the key “dup”.",
        "Field “a”: only yes/no and checkbox fields can raise an alert.",
        "Field “n”: the minimum is above the maximum.",
    ]
