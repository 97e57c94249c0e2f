"""Every field type is validated on the server, and conditions decide what is required and
what is kept (AnswersForm, no request involved)."""

import base64
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.documentation.answers import AnswersForm


def png_data_url(size=(20, 10)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def form_of(*specs, data=None, files=None, draft=False, choices=None, existing=None):
    structure = {"sections": [{"key": "s", "title": "S", "fields": list(specs)}]}
    posted = {f"a-{key}": value for key, value in (data or {}).items()}
    uploads = {f"a-{key}": value for key, value in (files or {}).items()}
    return AnswersForm(
        structure,
        posted if data is not None else None,
        uploads or None,
        draft=draft,
        choices=choices,
        existing=existing,
    )


def answers_or_errors(*specs, **kwargs):
    form = form_of(*specs, **kwargs)
    if form.is_valid():
        return form.answers, {}
    return None, {key: list(errors) for key, errors in form.errors.items()}


CASES = [
    # (spec, posted value, expected answer or None when refused)
    ({"key": "t", "type": "text", "label": "T", "max_length": 5}, "hello", "hello"),
    ({"key": "t", "type": "text", "label": "T", "max_length": 5}, "too long", None),
    ({"key": "t", "type": "textarea", "label": "T"}, "line one\r\nline two", "line one\nline two"),
    ({"key": "n", "type": "number", "label": "N", "min": 0, "max": 10}, "7", 7),
    ({"key": "n", "type": "number", "label": "N", "min": 0, "max": 10}, "11", None),
    ({"key": "n", "type": "number", "label": "N", "min": 0, "max": 10}, "-1", None),
    ({"key": "n", "type": "number", "label": "N", "step": 0.5}, "2.5", 2.5),
    ({"key": "n", "type": "number", "label": "N", "step": 0.5}, "2.3", None),
    ({"key": "n", "type": "number", "label": "N"}, "seven", None),
    ({"key": "n", "type": "number", "label": "N"}, "1e400", None),
    ({"key": "n", "type": "number", "label": "N"}, "NaN", None),
    ({"key": "d", "type": "date", "label": "D"}, "2026-02-28", "2026-02-28"),
    ({"key": "d", "type": "date", "label": "D"}, "2026-02-30", None),
    ({"key": "d", "type": "date", "label": "D"}, "0001-01-01", None),
    ({"key": "d", "type": "date", "label": "D"}, "9999-12-31", None),
    ({"key": "h", "type": "time", "label": "H"}, "14:30", "14:30"),
    ({"key": "h", "type": "time", "label": "H"}, "25:00", None),
    ({"key": "w", "type": "datetime", "label": "W"}, "2026-03-08T02:30", "2026-03-08T02:30"),
    ({"key": "w", "type": "datetime", "label": "W"}, "yesterday", None),
    ({"key": "c", "type": "select", "label": "C", "options": [{"value": "a", "label": "A"}]}, "a", "a"),
    ({"key": "c", "type": "select", "label": "C", "options": [{"value": "a", "label": "A"}]}, "b", None),
    ({"key": "m", "type": "multiselect", "label": "M", "options": [{"value": "a", "label": "A"}]}, ["a"], ["a"]),
    ({"key": "m", "type": "multiselect", "label": "M", "options": [{"value": "a", "label": "A"}]}, ["a", "z"], None),
    ({"key": "b", "type": "checkbox", "label": "B"}, "on", True),
    ({"key": "y", "type": "yesno", "label": "Y"}, "yes", "yes"),
    ({"key": "y", "type": "yesno", "label": "Y"}, "maybe", None),
    ({"key": "r", "type": "rating", "label": "R", "max": 5}, "5", 5),
    ({"key": "r", "type": "rating", "label": "R", "max": 5}, "6", None),
    ({"key": "r", "type": "rating", "label": "R", "max": 5}, "0", None),
    ({"key": "s", "type": "signature", "label": "S"}, "data:image/png;base64,bm90IGEgcG5n", None),
    ({"key": "s", "type": "signature", "label": "S"}, "javascript:alert(1)", None),
]


@pytest.mark.parametrize(("spec", "posted", "expected"), CASES)
def test_each_field_type_is_checked_on_the_server(spec, posted, expected):
    answers, errors = answers_or_errors(spec, data={spec["key"]: posted})
    if expected is None:
        assert spec["key"] in errors
    else:
        assert errors == {}
        assert answers == {spec["key"]: expected}


def test_a_drawn_signature_must_be_a_png():
    spec = {"key": "s", "type": "signature", "label": "S"}
    drawn = png_data_url()
    answers, errors = answers_or_errors(spec, data={"s": drawn})
    assert errors == {}
    assert answers == {"s": drawn}


def test_pickers_accept_only_the_people_offered():
    offered = {"client": [("6a4d3b0e-6f7e-4a55-9d0e-2f7c8a1b2c3d", "Maria")]}
    spec = {"key": "who", "type": "client", "label": "Who"}
    answers, errors = answers_or_errors(spec, data={"who": "6a4d3b0e-6f7e-4a55-9d0e-2f7c8a1b2c3d"}, choices=offered)
    assert answers == {"who": "6a4d3b0e-6f7e-4a55-9d0e-2f7c8a1b2c3d"}
    _, errors = answers_or_errors(spec, data={"who": "00000000-0000-0000-0000-000000000001"}, choices=offered)
    assert "who" in errors
    staff = {"key": "by", "type": "staff", "label": "By"}
    _, errors = answers_or_errors(staff, data={"by": "anyone"}, choices={"staff": []})
    assert "by" in errors


def test_a_file_is_handed_to_the_service_and_an_earlier_one_is_kept():
    spec = {"key": "f", "type": "file", "label": "F", "required": True}
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    form = form_of(spec, data={}, files={"f": upload})
    assert form.is_valid(), form.errors
    assert list(form.uploads()) == ["f"]
    kept = form_of(spec, data={}, existing={"f": "11111111-1111-1111-1111-111111111111"})
    assert kept.is_valid(), kept.errors
    assert kept.answers == {"f": "11111111-1111-1111-1111-111111111111"}
    missing = form_of(spec, data={})
    assert not missing.is_valid()
    assert "f" in missing.errors


def test_required_answers_are_required_on_submit_but_not_in_a_draft():
    spec = {"key": "t", "type": "text", "label": "T", "required": True}
    _, errors = answers_or_errors(spec, data={})
    assert errors == {"t": ["This answer is required."]}
    answers, errors = answers_or_errors(spec, data={}, draft=True)
    assert errors == {} and answers == {}
    # A draft still checks what was typed.
    _, errors = answers_or_errors({"key": "n", "type": "number", "label": "N"}, data={"n": "x"}, draft=True)
    assert "n" in errors


def test_a_required_checkbox_must_be_ticked():
    _, errors = answers_or_errors({"key": "b", "type": "checkbox", "label": "B", "required": True}, data={})
    assert "b" in errors


CONDITIONAL = [
    {"key": "injury", "type": "yesno", "label": "Injury?"},
    {
        "key": "where",
        "type": "text",
        "label": "Where",
        "required": True,
        "show_if": {"field": "injury", "equals": "yes"},
    },
    {
        "key": "treated",
        "type": "select",
        "label": "Treated by",
        "required": True,
        "options": [{"value": "nurse", "label": "Nurse"}, {"value": "er", "label": "ER"}],
        "show_if": {"field": "where", "filled": True},
    },
    {"key": "er_name", "type": "text", "label": "Hospital", "show_if": {"field": "treated", "in": ["er"]}},
]


def test_a_hidden_field_is_neither_required_nor_kept():
    answers, errors = answers_or_errors(
        *CONDITIONAL, data={"injury": "no", "where": "left arm", "treated": "bogus", "er_name": "St. Luke"}
    )
    assert errors == {}
    assert answers == {"injury": "no"}


def test_a_shown_field_is_required_and_kept_along_a_chain():
    _, errors = answers_or_errors(*CONDITIONAL, data={"injury": "yes"})
    assert set(errors) == {"where"}
    _, errors = answers_or_errors(*CONDITIONAL, data={"injury": "yes", "where": "arm"})
    assert set(errors) == {"treated"}
    answers, errors = answers_or_errors(
        *CONDITIONAL, data={"injury": "yes", "where": "arm", "treated": "er", "er_name": "St. Luke"}
    )
    assert errors == {}
    assert answers == {"injury": "yes", "where": "arm", "treated": "er", "er_name": "St. Luke"}
    answers, _ = answers_or_errors(
        *CONDITIONAL, data={"injury": "yes", "where": "arm", "treated": "nurse", "er_name": "St. Luke"}
    )
    assert "er_name" not in answers


def test_a_condition_on_a_checkbox_follows_its_tick():
    specs = [
        {"key": "fall", "type": "checkbox", "label": "Fall"},
        {"key": "how", "type": "text", "label": "How", "required": True, "show_if": {"field": "fall", "equals": True}},
    ]
    assert answers_or_errors(*specs, data={})[1] == {}
    assert set(answers_or_errors(*specs, data={"fall": "on"})[1]) == {"how"}
