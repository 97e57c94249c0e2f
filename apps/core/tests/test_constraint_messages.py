"""A database constraint that stops a save speaks to the person, in their language: never
"Constraint “client_discharge_after_admission” is violated."."""

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation


def _constraints():
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        for model in config.get_models():
            for constraint in model._meta.constraints:
                yield model, constraint


def test_every_constraint_of_every_starline_model_has_a_message_of_its_own():
    found = list(_constraints())
    assert len(found) > 10
    missing = [
        f"{model._meta.label}.{constraint.name}"
        for model, constraint in found
        if constraint.violation_error_message == constraint.default_violation_error_message
    ]
    assert missing == []


def test_every_constraint_message_is_translated_into_spanish_and_names_no_constraint():
    untranslated = []
    for model, constraint in _constraints():
        with translation.override("en"):
            english = str(constraint.violation_error_message)
        with translation.override("es"):
            spanish = str(constraint.violation_error_message)
        if spanish == english or constraint.name in english:
            untranslated.append(f"{model._meta.label}.{constraint.name}")
    assert untranslated == []


@pytest.mark.parametrize(
    ("label", "values", "words"),
    [
        ("clients.Client", {"admission_date": date(2026, 5, 1), "discharge_date": date(2026, 4, 1)}, "discharge date"),
        ("clients.CarePlan", {"start_date": date(2026, 5, 1), "end_date": date(2026, 4, 1)}, "end date"),
        ("staff.Certification", {"issue_date": date(2026, 5, 1), "expiry_date": date(2026, 4, 1)}, "expiry date"),
    ],
)
def test_a_broken_date_order_says_which_dates_in_words(org_a, label, values, words):
    model = apps.get_model(label)
    with org_a, translation.override("en"), pytest.raises(ValidationError) as raised:
        model(**values).validate_constraints()
    text = " ".join(raised.value.messages)
    assert words in text
    assert "Constraint" not in text and "_" not in text
