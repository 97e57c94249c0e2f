"""The organization's settings in the change log, one setting to a line.

The settings page (apps/tenants/settings_sections.py) stores its values in one JSON field,
Organization.settings, so the log's entry holds the whole object before and after: read as
it is, one long value with the storage's key names. The log asks this module instead (the
EXPANDED hook in apps/tenants/audit_hooks.py) for each setting that differs, with the page's
own label in the reader's language and its values as the page words them: a choice by its
label, a box as Yes or No, a setting left at its default as that default.

Each side is read the way the page reads it, by the sections' `initial` on an organization
holding that side's settings: what differs is what the organization's people see change.
Keys no section reads (a platform operator's raw JSON) are listed by their path.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.db import connection
from django.utils.formats import localize
from django.utils.translation import gettext as _

from apps.tenants import settings_sections
from apps.tenants.models import Organization

# The form fields that are Organization's own columns (name, time zone): the log lists those
# as fields of their own.
_COLUMNS = {f.name for f in Organization._meta.concrete_fields}

Row = tuple[str, Any, Any]


def _as_settings(value) -> dict | None:
    """A logged side of the settings: a dict, JSON text of one (older entries), or nothing
    (a creation's empty side). None when it is none of these: the log shows it as it is."""
    if value in (None, "", "None"):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def _fields(cache: dict) -> list[tuple[settings_sections.Section, dict[str, forms.Field]]]:
    """Every section's fields, once per page (a section's choices may be the organization's
    records: its roles), for the organization whose log it is."""
    if "sections" not in cache:
        organization = getattr(connection, "tenant", None)
        cache["sections"] = [(section, section.fields(organization)) for section in settings_sections.all_sections()]
    return cache["sections"]


def _choices(field: forms.Field) -> dict[str, str]:
    words: dict[str, str] = {}
    for value, label in getattr(field, "choices", None) or ():
        if isinstance(label, list | tuple):  # a group of choices
            words.update({str(key): str(text) for key, text in label})
        else:
            words[str(value)] = str(label)
    return words


def _words(field: forms.Field, value):
    """A value as the page shows it."""
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    choices = _choices(field)
    if isinstance(value, list | tuple):
        return ", ".join(choices.get(str(item), str(item)) for item in value) or "—"
    if choices:
        return choices.get(str(value), value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return localize(value)
    return value


def _leaves(value: dict, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    found: dict[tuple[str, ...], Any] = {}
    for key, item in value.items():
        if isinstance(item, dict):
            # An empty one holds no setting: the keys it gains are the change.
            found.update(_leaves(item, (*path, str(key))))
        else:
            found[(*path, str(key))] = item
    return found


def changes(before, after, cache: dict) -> list[Row] | None:
    """[(label, before, after)] for each setting that differs, in the page's order; None when a
    side is not a settings object (the log then shows the value as logged)."""
    old, new = _as_settings(before), _as_settings(after)
    if old is None or new is None:
        return None
    rows: list[Row] = []
    known: set[str] = set()
    sides = Organization(settings=old), Organization(settings=new)
    for section, fields in _fields(cache):
        known.update(fields)
        try:
            was, now = (section.initial(side) for side in sides)
        except (TypeError, ValueError, AttributeError):
            # A value its reader cannot make sense of (hand-written JSON): its raw keys below.
            known.difference_update(fields)
            continue
        for name, field in fields.items():
            if name in _COLUMNS or was.get(name) == now.get(name):
                continue
            rows.append((str(field.label), _words(field, was.get(name)), _words(field, now.get(name))))
    # What no section reads, by where it is stored.
    old_leaves, new_leaves = _leaves(old), _leaves(new)
    for path in sorted(set(old_leaves) | set(new_leaves)):
        if path[-1] in known or old_leaves.get(path) == new_leaves.get(path):
            continue
        label = " › ".join(part.replace("_", " ") for part in path).capitalize()
        rows.append((label, old_leaves.get(path), new_leaves.get(path)))
    return rows
