"""The template builder's edits, as pure functions: each takes a form structure and returns a
new one (the stored structure is never changed in place), which the view then hands to
`services.template_update` to be validated and versioned. Also the reads the builder's
pages make (the list with submission counts, what uses older versions).

A refusal that no structure rule covers (moving the first field up, deleting a section that
still has fields) raises ValidationError with the message to show.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from apps.documentation.models import FormSubmission, FormTemplate
from apps.documentation.structure import field_map, fields_of, text

# An export's format, so an import knows what it reads (and a later format can be told apart).
EXPORT_FORMAT = "starline.form_template/1"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
UP, DOWN = "up", "down"


# --- reads --------------------------------------------------------------------------------------


def template_list(query: str = "") -> QuerySet[FormTemplate]:
    """Templates with their submission counts, in one query."""
    templates = FormTemplate.objects.annotate(submission_count=Count("submissions")).only(
        "pk", "template_name", "starter", "form_type", "category", "version", "is_active", "is_default_visit_note"
    )
    query = query.strip()
    if query:
        templates = templates.filter(Q(template_name__icontains=query) | Q(category__icontains=query))
    return templates.order_by("template_name", "pk")


def older_version_submissions(template: FormTemplate) -> int:
    """How many submissions were filled on a version before the current one."""
    return FormSubmission.objects.filter(form_template=template, template_version__version__lt=template.version).count()


# --- keys ---------------------------------------------------------------------------------------


def key_from(label: str, taken: set[str], fallback: str = "field") -> str:
    """A key for a new field or section made from its label ("Injury?" -> "injury"), unique
    among `taken`."""
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    base = re.sub(r"^[^a-z]+", "", base)[:44] or fallback
    key, number = base, 2
    while key in taken:
        key = f"{base}_{number}"
        number += 1
    return key


def section_keys(structure: dict) -> set[str]:
    return {section["key"] for section in structure.get("sections", [])}


def field_keys(structure: dict) -> set[str]:
    return set(field_map(structure))


def section_of(structure: dict, key: str) -> dict | None:
    return next((section for section in structure.get("sections", []) if section["key"] == key), None)


def locate(structure: dict, key: str) -> tuple[int, int] | None:
    """(section index, field index) of the field `key`, or None."""
    for s, section in enumerate(structure.get("sections", [])):
        for f, field in enumerate(section.get("fields", [])):
            if field["key"] == key:
                return s, f
    return None


# --- fields -------------------------------------------------------------------------------------


def field_put(structure: dict, *, spec: dict, section: str, old_key: str | None = None) -> dict:
    """The structure with `spec` added at the end of `section`, or replacing the field
    `old_key` (in its place, or at the end of `section` if that is another section).
    A renamed field's conditions follow it: fields shown depending on the old key now name
    the new one."""
    new = copy.deepcopy(structure)
    target = section_of(new, section)
    if target is None:
        raise ValidationError({"section": _("Choose one of the form's sections.")})
    place = locate(new, old_key) if old_key else None
    if place is not None and new["sections"][place[0]]["key"] == section:
        new["sections"][place[0]]["fields"][place[1]] = spec
    else:
        if place is not None:
            del new["sections"][place[0]]["fields"][place[1]]
        target["fields"].append(spec)
    if old_key and old_key != spec["key"]:
        for field in fields_of(new):
            condition = field.get("show_if")
            if condition and condition.get("field") == old_key:
                condition["field"] = spec["key"]
    return new


def field_move(structure: dict, *, key: str, direction: str) -> dict:
    """The field one place up or down; at a section's edge it crosses into the section
    before (as its last field) or after (as its first)."""
    new = copy.deepcopy(structure)
    place = locate(new, key)
    if place is None or direction not in (UP, DOWN):
        raise ValidationError(_("There is no such field to move."))
    s, f = place
    sections = new["sections"]
    fields = sections[s]["fields"]
    if direction == UP:
        if f > 0:
            fields[f - 1], fields[f] = fields[f], fields[f - 1]
        elif s > 0:
            sections[s - 1]["fields"].append(fields.pop(f))
        else:
            raise ValidationError(_("This is already the first field."))
    else:
        if f < len(fields) - 1:
            fields[f + 1], fields[f] = fields[f], fields[f + 1]
        elif s < len(sections) - 1:
            sections[s + 1]["fields"].insert(0, fields.pop(f))
        else:
            raise ValidationError(_("This is already the last field."))
    return new


def field_remove(structure: dict, *, key: str) -> dict:
    new = copy.deepcopy(structure)
    place = locate(new, key)
    if place is None:
        raise ValidationError(_("There is no such field to delete."))
    dependents = [spec for spec in fields_of(new) if (spec.get("show_if") or {}).get("field") == key]
    if dependents:
        removed = new["sections"][place[0]]["fields"][place[1]]
        raise ValidationError(
            _("“%(field)s” decides whether %(others)s is shown: change or remove that condition first.")
            % {"field": text(removed["label"]), "others": ", ".join(f"“{text(spec['label'])}”" for spec in dependents)}
        )
    del new["sections"][place[0]]["fields"][place[1]]
    return new


def free_name(name: str) -> str:
    """`name`, or `name (2)`, `(3)`… when a template already has it: an imported copy is
    told apart from its original in every picker."""
    taken = set(FormTemplate.objects.filter(template_name__startswith=name).values_list("template_name", flat=True))
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate[:255]


# --- sections -----------------------------------------------------------------------------------


def section_put(structure: dict, *, values: dict, old_key: str | None = None) -> dict:
    """The structure with a section added at the end, or the section `old_key` changed
    (its fields kept)."""
    new = copy.deepcopy(structure)
    if old_key is None:
        new.setdefault("sections", []).append({**values, "fields": []})
        return new
    section = section_of(new, old_key)
    if section is None:
        raise ValidationError(_("There is no such section."))
    fields = section["fields"]
    section.clear()
    section.update({**values, "fields": fields})
    return new


def section_remove(structure: dict, *, key: str) -> dict:
    new = copy.deepcopy(structure)
    section = section_of(new, key)
    if section is None:
        raise ValidationError(_("There is no such section."))
    if section["fields"]:
        raise ValidationError(_("Move or delete the section's fields first."))
    if len(new["sections"]) == 1:
        raise ValidationError(_("A form keeps at least one section."))
    new["sections"] = [s for s in new["sections"] if s["key"] != key]
    return new


# --- starting, exporting, importing -------------------------------------------------------------


def starter_structure() -> dict:
    """A new template's structure: one section with one long-text field, because a form
    with no fields is refused (the builder then edits or replaces it)."""
    return {
        "sections": [
            {
                "key": "section_1",
                "title": _("Section 1"),
                "fields": [{"key": "notes", "type": "textarea", "label": _("Notes")}],
            }
        ]
    }


def export_data(template: FormTemplate) -> dict[str, Any]:
    return {
        "format": EXPORT_FORMAT,
        "name": template.template_name,
        "type": template.form_type,
        "category": template.category,
        "description": template.description,
        "requires_signature": template.requires_signature,
        "requires_approval": template.requires_approval,
        "signers": list(template.signers or []),
        "form_structure": template.form_structure,
    }
