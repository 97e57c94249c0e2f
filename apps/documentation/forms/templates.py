"""Forms of the template pages and the builder: a template's settings, one field, one
section, and an import. Each turns what a person typed into the plain values a service
takes (`values()`) or into the piece of structure the builder puts in place (`spec()`);
the structure's own rules are checked once, by the service, on the whole new structure."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.documentation import builder
from apps.documentation.models import FormTemplate
from apps.documentation.structure import ALERTING, FIELD_TYPES, WITH_OPTIONS, WITH_RANGE, fields_of, schema, text
from apps.scheduling.models import Service

SIGNER_STEPS = 3
IMPORT_MAX_BYTES = 1024 * 1024
# Words the URLs use beside a key (fields/new/, sections/new/): a key spelled so could not be opened.
RESERVED_KEYS = {"new"}

key_validator = RegexValidator(
    builder.KEY_PATTERN,
    gettext_lazy("Use lowercase letters, digits and _ (starting with a letter), at most 50 characters."),
)
option_value = RegexValidator(r"^[A-Za-z0-9_-]{1,50}$")
# What a visit's note can be prefilled with (the schema's "prefill" values), as people read it.
PREFILL_LABELS = {
    "client": gettext_lazy("The visit's client"),
    "staff": gettext_lazy("The visit's staff member"),
    "visit_date": gettext_lazy("The visit's date"),
    "visit_start": gettext_lazy("The visit's start time"),
    "visit_end": gettext_lazy("The visit's end time"),
    "visit_duration": gettext_lazy("The visit's length"),
    "service": gettext_lazy("The visit's service"),
}


def _not_reserved(value: str) -> None:
    if value in RESERVED_KEYS:
        raise forms.ValidationError(_("“%(key)s” is reserved; choose another key.") % {"key": value})


def _split_text(value: Any) -> tuple[str, str]:
    """A stored label (a string, or a map of language to text) as its English-or-only text
    and its Spanish text."""
    if isinstance(value, dict):
        first = value.get("en") or next((v for k, v in value.items() if k != "es"), "")
        return first, value.get("es", "")
    return value or "", ""


def _join_text(main: str, spanish: str, before: Any) -> str | dict[str, str]:
    """The label to store: a plain string, or a language map when a Spanish text is given
    (or the label already had other languages, which are kept)."""
    others = {k: v for k, v in before.items() if k not in ("en", "es")} if isinstance(before, dict) else {}
    if not spanish and not others:
        return main
    joined = {**others, "en": main}
    if spanish:
        joined["es"] = spanish
    return joined


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# --- a template's settings ----------------------------------------------------------------------


class TemplateSettingsForm(forms.Form):
    # The model's column name; the form's metaclass takes declared fields out of the class, so
    # Form.template_name (the form's own template) is not shadowed at run time.
    template_name = forms.CharField(label=gettext_lazy("Name"), max_length=255)  # type: ignore[assignment]
    form_type = forms.ChoiceField(label=gettext_lazy("Type"), choices=FormTemplate.Type.choices)
    category = forms.CharField(label=gettext_lazy("Category"), max_length=100, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    requires_signature = forms.BooleanField(label=gettext_lazy("Requires a signature"), required=False)
    requires_approval = forms.BooleanField(label=gettext_lazy("Requires approval"), required=False)
    is_active = forms.BooleanField(
        label=gettext_lazy("Active"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Only active forms can be filled in."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", gettext_lazy("—")), *FormTemplate.Signer.choices]
        for number in range(1, SIGNER_STEPS + 1):
            self.fields[f"signer_{number}"] = forms.ChoiceField(
                label=_("Signer %(number)s") % {"number": number},
                choices=choices,
                required=False,
                help_text=_("Who signs, in this order, when a signature is required.") if number == 1 else "",
            )

    @classmethod
    def initial_for(cls, template: FormTemplate) -> dict[str, Any]:
        initial = {name: getattr(template, name) for name in cls.base_fields if hasattr(template, name)}
        for number, step in enumerate(template.signers or [], start=1):
            initial[f"signer_{number}"] = step
        return initial

    def clean(self):
        cleaned = super().clean()
        seen: set[str] = set()
        for number in range(1, SIGNER_STEPS + 1):
            step = cleaned.get(f"signer_{number}")
            if step and step in seen:
                self.add_error(f"signer_{number}", _("Each signer signs once."))
            seen.add(step or "")
        return cleaned

    def values(self) -> dict[str, Any]:
        """After is_valid(): the service's keyword values."""
        data = self.cleaned_data
        return {
            "template_name": data["template_name"],
            "form_type": data["form_type"],
            "category": data["category"],
            "description": data["description"],
            "requires_signature": data["requires_signature"],
            "requires_approval": data["requires_approval"],
            "is_active": data["is_active"],
            "signers": [data[f"signer_{n}"] for n in range(1, SIGNER_STEPS + 1) if data.get(f"signer_{n}")],
        }


class TemplateEditForm(TemplateSettingsForm):
    """The settings, and which visits offer the template as their note."""

    visit_note_services = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Visit note for these services"),
        queryset=Service.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Clocking out of a visit of one of these services offers this form as its note."),
    )
    is_default_visit_note = forms.BooleanField(
        label=gettext_lazy("Default visit note"),
        required=False,
        help_text=gettext_lazy("Offered at clock-out for every service no other form is chosen for."),
    )

    @classmethod
    def initial_for(cls, template: FormTemplate) -> dict[str, Any]:
        initial = super().initial_for(template)
        initial["visit_note_services"] = list(template.visit_note_services.all())
        return initial


# --- one field ----------------------------------------------------------------------------------


class FieldForm(forms.Form):
    """One field of the structure. `structure` is the template's current structure (for the
    sections and the fields a condition can name); `spec` the field being edited, if any."""

    CONDITION_MODES = [
        ("equals", gettext_lazy("has the value")),
        ("in", gettext_lazy("has one of the values (comma-separated)")),
        ("filled", gettext_lazy("is answered")),
        ("empty", gettext_lazy("is not answered")),
    ]

    section = forms.ChoiceField(label=gettext_lazy("Section"))
    label = forms.CharField(label=gettext_lazy("Label"), max_length=500)
    label_es = forms.CharField(label=gettext_lazy("Label in Spanish"), max_length=500, required=False)
    key = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=50,
        required=False,
        validators=[key_validator, _not_reserved],
        help_text=gettext_lazy("The answer's name in exports. Left empty, it is made from the label."),
    )
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=list(FIELD_TYPES.items()))
    help = forms.CharField(label=gettext_lazy("Help text"), max_length=500, required=False)
    help_es = forms.CharField(label=gettext_lazy("Help text in Spanish"), max_length=500, required=False)
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    min = forms.DecimalField(label=gettext_lazy("Minimum"), required=False, max_digits=21, decimal_places=6)
    max = forms.DecimalField(label=gettext_lazy("Maximum"), required=False, max_digits=21, decimal_places=6)
    step = forms.DecimalField(
        label=gettext_lazy("Step"), required=False, max_digits=21, decimal_places=6, min_value=Decimal("0.000001")
    )
    options = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "For choice fields: one option per line, as value|label (or value|label|Spanish label)."
        ),
    )
    max_length = forms.IntegerField(label=gettext_lazy("Maximum length"), required=False, min_value=1, max_value=20000)
    show_if_field = forms.ChoiceField(label=gettext_lazy("Show only when the field"), required=False)
    show_if_mode = forms.ChoiceField(label=gettext_lazy("Condition"), choices=CONDITION_MODES, required=False)
    show_if_value = forms.CharField(label=gettext_lazy("Value"), max_length=500, required=False)
    alert = forms.BooleanField(
        label=gettext_lazy("Alert the managers when answered yes"),
        required=False,
        help_text=gettext_lazy("For yes/no and checkbox fields (an injury, suspected abuse)."),
    )
    sensitive = forms.BooleanField(
        label=gettext_lazy("Sensitive (encrypted at rest)"),
        required=False,
        help_text=gettext_lazy(
            "For clinical detail (a diagnosis, a medication): the answer is stored encrypted and is"
            " shown, printed and signed as usual. Applies to forms started from now on."
        ),
    )
    prefill = forms.ChoiceField(label=gettext_lazy("Prefill from the visit"), required=False)

    def __init__(self, *args, structure: dict, spec: dict | None = None, section: str = "", **kwargs):
        self.structure = structure
        self.before = spec or {}
        if spec is not None:
            kwargs.setdefault("initial", self._initial(spec, section))
        elif section:
            kwargs.setdefault("initial", {"section": section})
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["section"]).choices = [
            (s["key"], text(s["title"]) or s["key"]) for s in structure.get("sections", [])
        ]
        others = [f for f in fields_of(structure) if f["key"] != self.before.get("key")]
        cast(forms.ChoiceField, self.fields["show_if_field"]).choices = [
            ("", _("— always shown —")),
            *((f["key"], f"{text(f['label'])} ({f['key']})") for f in others),
        ]
        prefills = schema()["$defs"]["field"]["properties"]["prefill"]["enum"]
        cast(forms.ChoiceField, self.fields["prefill"]).choices = [
            ("", _("— none —")),
            *((p, PREFILL_LABELS.get(p, p.replace("_", " "))) for p in prefills),
        ]

    @staticmethod
    def _initial(spec: dict, section: str) -> dict[str, Any]:
        label, label_es = _split_text(spec.get("label"))
        help_text, help_es = _split_text(spec.get("help"))
        initial: dict[str, Any] = {
            "section": section,
            "key": spec.get("key", ""),
            "type": spec.get("type", ""),
            "label": label,
            "label_es": label_es,
            "help": help_text,
            "help_es": help_es,
            "required": spec.get("required", False),
            "alert": spec.get("alert", False),
            "sensitive": spec.get("sensitive", False),
            "prefill": spec.get("prefill", ""),
            "max_length": spec.get("max_length"),
        }
        for name in ("min", "max", "step"):
            if name in spec:
                initial[name] = spec[name]
        initial["options"] = "\n".join(_option_line(option) for option in spec.get("options", []))
        condition = spec.get("show_if")
        if condition:
            initial["show_if_field"] = condition["field"]
            if "filled" in condition:
                initial["show_if_mode"] = "filled" if condition["filled"] else "empty"
            elif "in" in condition:
                initial["show_if_mode"] = "in"
                initial["show_if_value"] = ", ".join(_as_text(v) for v in condition["in"])
            else:
                initial["show_if_mode"] = "equals"
                initial["show_if_value"] = _as_text(condition.get("equals", ""))
        return initial

    def clean_options(self) -> list[dict]:
        options = []
        for number, line in enumerate(self.cleaned_data.get("options", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            value = parts[0]
            try:
                option_value(value)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Line %(line)s: the value “%(value)s” may use only letters, digits, - and _ (at most 50).")
                    % {"line": number, "value": value}
                ) from None
            label = parts[1] if len(parts) > 1 and parts[1] else value
            spanish = parts[2] if len(parts) > 2 else ""
            options.append({"value": value, "label": _join_text(label, spanish, None)})
        return options

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("key") and cleaned.get("label") and "key" not in self.errors:
            taken = builder.field_keys(self.structure) - {self.before.get("key", "")}
            cleaned["key"] = builder.key_from(cleaned["label"], taken)
        target = cleaned.get("show_if_field")
        mode = cleaned.get("show_if_mode") or "equals"
        if target and mode in ("equals", "in"):
            self._check_condition_values(target, cleaned.get("show_if_value", ""))
        return cleaned

    def _check_condition_values(self, target: str, raw: str) -> None:
        """Values the answer of `target` can have: a condition that could never hold is
        a mistake to point out, not a field to hide for ever."""
        values = [value.strip() for value in raw.split(",") if value.strip()]
        if not values:
            self.add_error("show_if_value", _("Give the value the condition compares with."))
            return
        spec = next((f for f in fields_of(self.structure) if f["key"] == target), None)
        if spec is None:
            return
        if spec["type"] in ALERTING:
            allowed = {"yes", "no"}
        elif spec["type"] in WITH_OPTIONS:
            allowed = {option["value"] for option in spec.get("options", [])}
        else:
            return
        wrong = [value for value in values if value not in allowed]
        if wrong:
            self.add_error(
                "show_if_value",
                _("“%(field)s” is never answered %(values)s; its answers are: %(allowed)s.")
                % {"field": target, "values": ", ".join(wrong), "allowed": ", ".join(sorted(allowed))},
            )

    def spec(self) -> dict[str, Any]:
        """After is_valid(): the field as the structure stores it."""
        data = self.cleaned_data
        spec: dict[str, Any] = {
            "key": data["key"],
            "type": data["type"],
            "label": _join_text(data["label"], data["label_es"], self.before.get("label")),
        }
        if data["help"] or data["help_es"]:
            spec["help"] = _join_text(data["help"], data["help_es"], self.before.get("help"))
        if data["required"]:
            spec["required"] = True
        for name in ("min", "max", "step"):
            if data.get(name) is not None:
                spec[name] = _number(data[name])
        if data["max_length"] is not None:
            spec["max_length"] = data["max_length"]
        if data["options"]:
            spec["options"] = data["options"]
        condition = self._condition()
        if condition:
            spec["show_if"] = condition
        if data["alert"]:
            spec["alert"] = True
        if data["sensitive"]:
            spec["sensitive"] = True
        if data["prefill"]:
            spec["prefill"] = data["prefill"]
        return spec

    def _condition(self) -> dict | None:
        data = self.cleaned_data
        target = data.get("show_if_field")
        if not target:
            return None
        mode = data.get("show_if_mode") or "equals"
        if mode in ("filled", "empty"):
            return {"field": target, "filled": mode == "filled"}
        numeric = any(f["key"] == target and f["type"] in WITH_RANGE for f in fields_of(self.structure))
        values = [_typed(value.strip(), numeric) for value in data["show_if_value"].split(",") if value.strip()]
        if mode == "in":
            return {"field": target, "in": values}
        return {"field": target, "equals": _typed(data["show_if_value"].strip(), numeric)}


def _option_line(option: dict) -> str:
    label, spanish = _split_text(option.get("label"))
    return "|".join([option["value"], label, spanish] if spanish else [option["value"], label])


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _typed(value: str, numeric: bool) -> str | int | float:
    """A condition's value as the answer it is compared with: a number for number and
    rating fields, text otherwise."""
    if numeric:
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value
        if number.is_finite():
            return _number(number) or 0
    return value


# --- one section --------------------------------------------------------------------------------


class SectionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=500)
    title_es = forms.CharField(label=gettext_lazy("Title in Spanish"), max_length=500, required=False)
    key = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=50,
        required=False,
        validators=[key_validator, _not_reserved],
        help_text=gettext_lazy("Left empty, it is made from the title."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_es = forms.CharField(
        label=gettext_lazy("Description in Spanish"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, structure: dict, section: dict | None = None, **kwargs):
        self.structure = structure
        self.before = section or {}
        if section is not None:
            title, title_es = _split_text(section.get("title"))
            description, description_es = _split_text(section.get("description"))
            kwargs.setdefault(
                "initial",
                {
                    "key": section["key"],
                    "title": title,
                    "title_es": title_es,
                    "description": description,
                    "description_es": description_es,
                },
            )
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("key") and cleaned.get("title") and "key" not in self.errors:
            taken = builder.section_keys(self.structure) - {self.before.get("key", "")}
            cleaned["key"] = builder.key_from(cleaned["title"], taken, fallback="section")
        return cleaned

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "key": data["key"],
            "title": _join_text(data["title"], data["title_es"], self.before.get("title")),
        }
        if data["description"] or data["description_es"]:
            values["description"] = _join_text(
                data["description"], data["description_es"], self.before.get("description")
            )
        return values


# --- import -------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("JSON file"), required=False)
    text = forms.CharField(
        label=gettext_lazy("Or paste the JSON"),
        required=False,
        max_length=IMPORT_MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        upload, pasted = cleaned.get("file"), (cleaned.get("text") or "").strip()
        if upload is None and not pasted:
            raise forms.ValidationError(_("Choose a file exported from Starline, or paste its JSON."))
        if upload is not None:
            if upload.size > IMPORT_MAX_BYTES:
                self.add_error("file", _("The file is too large (at most 1 MB)."))
                return cleaned
            raw = upload.read()
            field = "file"
        else:
            raw = pasted.encode("utf-8")
            field = "text"
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, ValueError):
            self.add_error(field, _("This is not valid JSON."))
            return cleaned
        try:
            cleaned["values"] = _import_values(data)
        except forms.ValidationError as exc:
            self.add_error(field, exc)
        return cleaned

    def values(self) -> dict[str, Any]:
        return self.cleaned_data["values"]


def _import_values(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("format") != builder.EXPORT_FORMAT:
        raise forms.ValidationError(
            _("This is not a form template exported from Starline (its “format” should be “%(format)s”).")
            % {"format": builder.EXPORT_FORMAT}
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 255:
        raise forms.ValidationError(_("The template needs a name (at most 255 characters)."))
    form_type = data.get("type", FormTemplate.Type.OTHER)
    if form_type not in FormTemplate.Type.values:
        raise forms.ValidationError(_("Unknown form type “%(type)s”.") % {"type": form_type})
    strings = {key: data.get(key, "") for key in ("category", "description")}
    flags = {key: data.get(key, False) for key in ("requires_signature", "requires_approval")}
    signers = data.get("signers", [])
    if (
        any(not isinstance(value, str) for value in strings.values())
        or len(strings["category"]) > 100
        or any(not isinstance(value, bool) for value in flags.values())
        or not isinstance(signers, list)
        or any(not isinstance(step, str) for step in signers)
    ):
        raise forms.ValidationError(
            _("The category, description, signature and approval settings or signers are not in the expected form.")
        )
    reserved = sorted(_keys_of(data.get("form_structure")) & RESERVED_KEYS)
    if reserved:
        raise forms.ValidationError(_("“%(key)s” is reserved; choose another key.") % {"key": reserved[0]})
    return {
        "template_name": name,
        "form_type": form_type,
        **strings,
        **flags,
        "signers": signers,
        "form_structure": data.get("form_structure"),
    }


def _keys_of(structure: Any) -> set[str]:
    """The section and field keys of what may not be a structure at all (the service says
    what is wrong with it; this only looks for keys the builder's URLs cannot name)."""
    keys: set[str] = set()
    sections = structure.get("sections") if isinstance(structure, dict) else None
    for section in sections if isinstance(sections, list) else []:
        if not isinstance(section, dict):
            continue
        keys.add(str(section.get("key")))
        fields = section.get("fields")
        for field in fields if isinstance(fields, list) else []:
            if isinstance(field, dict):
                keys.add(str(field.get("key")))
    return keys
