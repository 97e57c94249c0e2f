"""A form template's structure: the JSON Schema it follows (form_structure.schema.json, kept
beside this module) and the rules a schema cannot say (unique keys, conditions that name a
field and do not go round in a loop, options that fit their type).

Every save of a template goes through `validate_structure`, which raises a ValidationError
whose messages name the field and the problem, in the reader's language.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

SCHEMA_PATH = Path(__file__).with_name("form_structure.schema.json")

FIELD_TYPES = {
    "text": gettext_lazy("Short text"),
    "textarea": gettext_lazy("Long text"),
    "number": gettext_lazy("Number"),
    "date": gettext_lazy("Date"),
    "time": gettext_lazy("Time"),
    "datetime": gettext_lazy("Date and time"),
    "select": gettext_lazy("Choose one"),
    "multiselect": gettext_lazy("Choose several"),
    "checkbox": gettext_lazy("Checkbox"),
    "yesno": gettext_lazy("Yes / no"),
    "rating": gettext_lazy("Rating"),
    "client": gettext_lazy("Client"),
    "staff": gettext_lazy("Staff member"),
    "file": gettext_lazy("File"),
    "signature": gettext_lazy("Signature"),
}
WITH_OPTIONS = {"select", "multiselect"}
WITH_RANGE = {"number", "rating"}
# Answers a condition or an alert can test; a file or a signature has no value to compare.
COMPARABLE = set(FIELD_TYPES) - {"file", "signature"}
ALERTING = {"yesno", "checkbox"}
RATING_MAX = 10


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def text(value: Any, language: str | None = None) -> str:
    """A label, help text or option label in the reader's language: a plain string, or the
    map's entry for the language, else English, else its first."""
    if isinstance(value, dict):
        language = (language or get_language() or "en")[:2]
        return value.get(language) or value.get("en") or next(iter(value.values()), "")
    return value or ""


def fields_of(structure: dict) -> Iterator[dict]:
    for section in structure.get("sections", []):
        yield from section.get("fields", [])


def field_map(structure: dict) -> dict[str, dict]:
    return {field["key"]: field for field in fields_of(structure)}


def sensitive_keys(structure: dict) -> set[str]:
    """The keys of the fields whose answers are stored encrypted."""
    return {field["key"] for field in fields_of(structure) if field.get("sensitive")}


def _where(field: dict) -> str:
    return _("Field “%(key)s”") % {"key": field.get("key", "?")}


def _pointer(path) -> str:
    return "/".join(str(part) for part in path) or "/"


def validate_structure(structure: Any) -> None:
    """Raise ValidationError listing every problem with `structure`, or return."""
    problems = _type_problems(structure)
    if problems:
        raise ValidationError(problems)
    for error in sorted(_validator().iter_errors(structure), key=lambda e: list(e.absolute_path)):
        problems.append(
            _("At %(where)s: %(problem)s") % {"where": _pointer(error.absolute_path), "problem": error.message}
        )
    if problems:
        raise ValidationError(problems[:20])
    problems = _rule_problems(structure)
    if problems:
        raise ValidationError(problems)


def _type_problems(structure: Any) -> list[str]:
    """Unknown field types first, by name: the schema's own message ("is not one of [...]")
    lists fifteen types and does not say which field is wrong."""
    if not isinstance(structure, dict) or not isinstance(structure.get("sections"), list):
        return [_("The structure must be an object with a list of sections.")]
    problems = []
    for section in structure["sections"]:
        if not isinstance(section, dict) or not isinstance(section.get("fields"), list):
            continue
        for field in section["fields"]:
            if isinstance(field, dict) and "type" in field and field["type"] not in FIELD_TYPES:
                problems.append(
                    _("%(where)s has an unknown type “%(type)s”.") % {"where": _where(field), "type": field["type"]}
                )
    return problems


def _rule_problems(structure: dict) -> list[str]:
    problems: list[str] = []
    seen_sections: set[str] = set()
    for section in structure["sections"]:
        if section["key"] in seen_sections:
            problems.append(_("Two sections have the key “%(key)s”.") % {"key": section["key"]})
        seen_sections.add(section["key"])
    fields: dict[str, dict] = {}
    for field in fields_of(structure):
        if field["key"] in fields:
            problems.append(_("Two fields have the key “%(key)s”.") % {"key": field["key"]})
        fields[field["key"]] = field
    if not fields:
        problems.append(_("The form has no fields."))
    for field in fields.values():
        problems.extend(_field_problems(field, fields))
    problems.extend(_loop_problems(fields))
    return problems


def _field_problems(field: dict, fields: dict[str, dict]) -> list[str]:
    problems = []
    kind = field["type"]
    where = _where(field)
    if kind in WITH_OPTIONS:
        values = [option["value"] for option in field.get("options", [])]
        if not values:
            problems.append(_("%(where)s needs at least one option.") % {"where": where})
        if len(set(values)) != len(values):
            problems.append(_("%(where)s has two options with the same value.") % {"where": where})
    elif "options" in field:
        problems.append(_("%(where)s: only choice fields have options.") % {"where": where})
    if kind not in WITH_RANGE and any(name in field for name in ("min", "max", "step")):
        problems.append(_("%(where)s: only numbers and ratings have a minimum, maximum or step.") % {"where": where})
    if "min" in field and "max" in field and field["min"] > field["max"]:
        problems.append(_("%(where)s: the minimum is above the maximum.") % {"where": where})
    if kind == "rating" and not 1 <= field.get("max", 5) <= RATING_MAX:
        problems.append(_("%(where)s: a rating goes up to at most %(max)s.") % {"where": where, "max": RATING_MAX})
    if "max_length" in field and kind not in ("text", "textarea"):
        problems.append(_("%(where)s: only text fields have a maximum length.") % {"where": where})
    if field.get("alert") and kind not in ALERTING:
        problems.append(_("%(where)s: only yes/no and checkbox fields can raise an alert.") % {"where": where})
    condition = field.get("show_if")
    if condition:
        target = condition["field"]
        if target == field["key"]:
            problems.append(_("%(where)s is shown depending on itself.") % {"where": where})
        elif target not in fields:
            problems.append(
                _("%(where)s is shown depending on “%(target)s”, which is not a field of this form.")
                % {"where": where, "target": target}
            )
        elif fields[target]["type"] not in COMPARABLE:
            problems.append(
                _("%(where)s is shown depending on “%(target)s”, whose answer cannot be compared.")
                % {"where": where, "target": target}
            )
    return problems


def _loop_problems(fields: dict[str, dict]) -> list[str]:
    """Conditions that go round (a shown if b, b shown if a): neither could ever be decided."""
    problems = []
    reported: set[str] = set()
    for start in fields:
        path = [start]
        key = start
        while True:
            condition = fields[key].get("show_if")
            if not condition or condition["field"] not in fields or condition["field"] == key:
                break
            key = condition["field"]
            if key in path:
                loop = path[path.index(key) :]
                if not reported & set(loop):
                    problems.append(
                        _("The conditions of %(fields)s form a loop.")
                        % {"fields": ", ".join(f"“{name}”" for name in [*loop, key])}
                    )
                reported.update(loop)
                break
            path.append(key)
    return problems


def canonical_json(value: Any) -> bytes:
    """One byte string per value: keys sorted, no spaces, UTF-8. Signatures hash this."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()
