"""A template version as a Django form: the fields its structure declares, validated on the
server (types, ranges, steps, options, required), with its conditions applied: a field whose
condition does not hold is hidden, and a hidden field is neither required nor kept.

`AnswersForm(...).answers` is the JSON stored as the submission's data: dates, times and ids
as ISO strings, numbers as numbers, yes/no as "yes"/"no", files as the stored File's id.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.documentation.structure import RATING_MAX, fields_of, text

YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
# A drawn signature: a PNG data URL, at most this many bytes once decoded.
SIGNATURE_MAX_BYTES = 200 * 1024
_DATA_URL = re.compile(r"^data:image/png;base64,([A-Za-z0-9+/=\s]+)$")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Numbers a person can type on a form: 15 digits before the point, 6 after.
NUMBER_DIGITS = 21
NUMBER_PLACES = 6
# Dates on a care record: nothing before 1900 or after 2100 is a real answer.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)


def decode_signature(value: str) -> bytes:
    """The PNG inside a drawn signature's data URL, or ValidationError."""
    match = _DATA_URL.match(value or "")
    if not match:
        raise ValidationError(_("Draw the signature in the box."), code="signature")
    try:
        data = base64.b64decode(match.group(1), validate=False)
    except (binascii.Error, ValueError):
        raise ValidationError(_("The drawn signature could not be read. Draw it again."), code="signature") from None
    if not data.startswith(PNG_MAGIC):
        raise ValidationError(_("The drawn signature could not be read. Draw it again."), code="signature")
    if len(data) > SIGNATURE_MAX_BYTES:
        raise ValidationError(_("The drawn signature is too large. Clear it and draw it again."), code="signature")
    return data


class SignatureField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(max_length=SIGNATURE_MAX_BYTES * 2, strip=True, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value:
            decode_signature(value)


def _in_range(value: dt.date) -> None:
    if not EARLIEST <= value <= LATEST:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.") % {"first": EARLIEST.year, "last": LATEST.year}
        )


class AnswersForm(forms.Form):
    """The fields of `structure`. `draft=True` checks types but not required answers (a draft
    is saved unfinished). `choices` gives the client and staff pickers their options
    ({"client": [(id, name)], "staff": [...]}), limited to what the person may pick.
    `existing` holds the answers already stored (a draft's file, kept unless replaced)."""

    template_name = "documentation/partials/_answers.html"

    def __init__(
        self,
        structure: dict,
        data=None,
        files=None,
        *,
        initial: dict | None = None,
        draft: bool = False,
        choices: dict[str, list[tuple[str, str]]] | None = None,
        existing: dict | None = None,
        zone: dt.tzinfo | None = None,
        prefix: str = "a",
    ):
        super().__init__(data, files, initial=_initial(structure, initial or {}), prefix=prefix)
        self.structure = structure
        self.draft = draft
        self.existing = existing or {}
        self.zone = zone
        self.specs = {spec["key"]: spec for spec in fields_of(structure)}
        choices = choices or {}
        for spec in self.specs.values():
            self.fields[spec["key"]] = _field(spec, choices)

    # --- rendering ---------------------------------------------------------------------------

    def sections(self) -> list[dict]:
        """The structure's sections with their bound fields, for the template."""
        return [
            {
                "title": text(section["title"]),
                "description": text(section.get("description", "")),
                "fields": [
                    {"bound": self[spec["key"]], "spec": spec, "condition": spec.get("show_if")}
                    for spec in section["fields"]
                ],
            }
            for section in self.structure["sections"]
        ]

    # --- validation --------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        visible = self.visible_keys(cleaned)
        for key, spec in self.specs.items():
            if key not in visible:
                # Hidden: whatever came in is neither checked nor kept.
                self.errors.pop(key, None)
                cleaned.pop(key, None)
                continue
            kept_file = spec["type"] == "file" and self.existing.get(key)
            missing = _is_empty(cleaned.get(key)) and not kept_file
            if spec.get("required") and not self.draft and key not in self.errors and missing:
                self.add_error(key, _("This answer is required."))
        return cleaned

    def visible_keys(self, values: dict) -> set[str]:
        return visible_keys(self.specs, values)

    @property
    def answers(self) -> dict[str, Any]:
        """The cleaned answers as JSON values; call after is_valid()."""
        stored: dict[str, Any] = {}
        for key, spec in self.specs.items():
            if key not in self.cleaned_data:
                continue
            value = _stored(spec, self.cleaned_data[key], self.zone)
            if spec["type"] == "file" and value is None and self.existing.get(key):
                value = self.existing[key]
            if not _is_empty(value):
                stored[key] = value
        return stored

    def uploads(self) -> dict[str, UploadedFile]:
        """The files chosen on this post, by field key (the service stores them)."""
        return {
            key: self.cleaned_data[key]
            for key, spec in self.specs.items()
            if spec["type"] == "file" and isinstance(self.cleaned_data.get(key), UploadedFile)
        }


def visible_keys(specs: dict[str, dict], values: dict) -> set[str]:
    """Fields (specs by key) whose conditions hold for `values`, cleaned or stored, following
    chains (c shown if b, b if a): a field that depends on a hidden field is hidden too. The
    form being filled in and the submission being read both decide with this."""
    decided: dict[str, bool] = {}

    def shown(key: str) -> bool:
        if key not in decided:
            condition = specs[key].get("show_if")
            if not condition or condition["field"] not in specs:
                decided[key] = True
            else:
                decided[key] = False  # a guard; validate_structure refuses loops
                target = condition["field"]
                decided[key] = shown(target) and holds(condition, values.get(target))
        return decided[key]

    return {key for key in specs if shown(key)}


def holds(condition: dict, value: Any) -> bool:
    """Whether a condition holds for the answer it names (as cleaned or as stored)."""
    value = _comparable(value)
    if "filled" in condition:
        return (not _is_empty(value)) == bool(condition["filled"])
    wanted = condition["in"] if "in" in condition else [condition.get("equals")]
    wanted = [_comparable(item) for item in wanted]
    if isinstance(value, list):
        return any(item in wanted for item in value)
    return value in wanted


def _comparable(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(Decimal(str(value)).normalize())
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return "" if value is None else str(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def _initial(structure: dict, initial: dict) -> dict:
    """Stored answers back into form values (a draft reopened, a prefilled note)."""
    values = {}
    for spec in fields_of(structure):
        key = spec["key"]
        if key not in initial:
            continue
        value = initial[key]
        if spec["type"] == "checkbox":
            value = bool(value)
        values[key] = value
    return values


def _field(spec: dict, choices: dict[str, list[tuple[str, str]]]) -> forms.Field:
    """The Django field for one spec. Required is decided in clean() (it depends on the
    conditions), so every field is optional here."""
    kind = spec["type"]
    common: dict[str, Any] = {"label": text(spec["label"]), "help_text": text(spec.get("help", "")), "required": False}
    if kind == "text":
        return forms.CharField(max_length=spec.get("max_length", 500), **common)
    if kind == "textarea":
        return forms.CharField(
            max_length=spec.get("max_length", 10000), widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == "number":
        return NumberField(spec, **common)
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), validators=[_in_range], **common
        )
    if kind == "time":
        return forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), **common)
    if kind == "datetime":
        return forms.DateTimeField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
            validators=[lambda value: _in_range(value.date())],
            **common,
        )
    if kind == "select":
        options = [(o["value"], text(o["label"])) for o in spec["options"]]
        return forms.ChoiceField(choices=[("", "—"), *options], **common)
    if kind == "multiselect":
        options = [(o["value"], text(o["label"])) for o in spec["options"]]
        return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
    if kind == "checkbox":
        return forms.BooleanField(**common)
    if kind == "yesno":
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == "rating":
        top = min(int(spec.get("max", 5)), RATING_MAX)
        bottom = max(int(spec.get("min", 1)), 0)
        return forms.TypedChoiceField(
            choices=[(str(n), str(n)) for n in range(bottom, top + 1)],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if kind in ("client", "staff"):
        return forms.ChoiceField(choices=[("", "—"), *choices.get(kind, [])], **common)
    if kind == "file":
        return forms.FileField(**common)
    if kind == "signature":
        return SignatureField(**common)
    raise ValueError(f"Unknown field type {kind!r}")  # validate_structure refuses it first


class NumberField(forms.DecimalField):
    """A number within the spec's minimum, maximum and step (steps counted from the minimum,
    or from zero)."""

    def __init__(self, spec: dict, **kwargs):
        self.step = Decimal(str(spec["step"])) if "step" in spec else None
        self.base = Decimal(str(spec.get("min", 0)))
        super().__init__(
            max_digits=NUMBER_DIGITS,
            decimal_places=NUMBER_PLACES,
            min_value=Decimal(str(spec["min"])) if "min" in spec else None,
            max_value=Decimal(str(spec["max"])) if "max" in spec else None,
            **kwargs,
        )
        if self.step is not None:
            self.widget.attrs["step"] = str(spec["step"])
        else:
            self.widget.attrs["step"] = "any"

    def validate(self, value):
        super().validate(value)
        if value is None or self.step is None:
            return
        try:
            off = (value - self.base) % self.step
        except InvalidOperation:
            off = Decimal(1)
        if off != 0:
            raise ValidationError(_("Enter a number in steps of %(step)s.") % {"step": self.step.normalize()})


def _stored(spec: dict, value: Any, zone: dt.tzinfo | None) -> Any:
    kind = spec["type"]
    if value is None or value == "":
        return None
    if kind == "number":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "date":
        return value.isoformat()
    if kind == "time":
        return value.strftime("%H:%M")
    if kind == "datetime":
        if zone is not None and value.tzinfo is not None:
            value = value.astimezone(zone)
        return value.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")
    if kind == "multiselect":
        return list(value)
    if kind in ("client", "staff"):
        return str(uuid.UUID(value))
    if kind == "file":
        return None  # the service stores the upload and puts its id here
    if kind in ("text", "textarea"):
        # One line ending, whatever the browser sent: the signed content must not depend on it.
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value
