"""A submission as people read it (its page, its PDF): each section of the version it was
filled on, each shown field with its answer in words (option labels, Yes/No, names instead
of ids), in a fixed number of queries whatever the form's length. And the few answers a
new form starts with."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from apps.clients.models import Client
from apps.core import clock
from apps.documentation.answers import holds
from apps.documentation.models import FormSubmission, FormTemplate
from apps.documentation.structure import fields_of, text
from apps.files.models import File
from apps.staff.models import Staff


def fields(structure: dict) -> list[dict]:
    return list(fields_of(structure))


def prefill_for_start(template: FormTemplate, *, client: Client | None, author) -> dict[str, Any]:
    """A form started by hand: the client chosen, the author's staff record, today."""
    values: dict[str, Any] = {}
    staff = Staff.objects.filter(user=author).only("pk").first()
    for spec in fields_of(template.form_structure):
        source = spec.get("prefill")
        if source == "client" and client is not None and spec["type"] == "client":
            values[spec["key"]] = str(client.pk)
        elif source == "staff" and staff is not None and spec["type"] == "staff":
            values[spec["key"]] = str(staff.pk)
        elif source == "visit_date" and spec["type"] == "date":
            values[spec["key"]] = clock.today().isoformat()
    return values


def _ids(values: list[Any]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def _names(structure: dict, data: dict) -> dict[str, dict[str, str]]:
    """Names for the ids the answers hold: clients, staff and files, one query per kind."""
    wanted: dict[str, list[Any]] = {"client": [], "staff": [], "file": []}
    for spec in fields_of(structure):
        if spec["type"] in wanted and data.get(spec["key"]):
            wanted[spec["type"]].append(data[spec["key"]])
    names: dict[str, dict[str, str]] = {"client": {}, "staff": {}, "file": {}}
    if wanted["client"]:
        for client in Client.objects.filter(pk__in=_ids(wanted["client"])).only(
            "pk", "first_name", "last_name", "preferred_name"
        ):
            names["client"][str(client.pk)] = client.display_name
    if wanted["staff"]:
        for staff in Staff.objects.filter(pk__in=_ids(wanted["staff"])).only("pk", "first_name", "last_name"):
            names["staff"][str(staff.pk)] = f"{staff.first_name} {staff.last_name}"
    if wanted["file"]:
        for file in File.objects.filter(pk__in=_ids(wanted["file"])).only("pk", "original_filename"):
            names["file"][str(file.pk)] = file.original_filename
    return names


def _shown(spec: dict, value: Any, names: dict[str, dict[str, str]]) -> dict[str, Any]:
    kind = spec["type"]
    row: dict[str, Any] = {"key": spec["key"], "label": text(spec["label"]), "kind": kind, "value": ""}
    if value is None or value == "" or value == []:
        row["value"] = "—"
        row["empty"] = True
        return row
    options = {o["value"]: text(o["label"]) for o in spec.get("options", [])}
    if kind == "yesno":
        row["value"] = _("Yes") if value == "yes" else _("No")
    elif kind == "checkbox":
        row["value"] = _("Yes") if value else _("No")
    elif kind == "select":
        row["value"] = options.get(value, value)
    elif kind == "multiselect":
        row["value"] = ", ".join(options.get(item, item) for item in value) if isinstance(value, list) else value
    elif kind == "rating":
        row["value"] = f"{value} / {spec.get('max', 5)}"
    elif kind == "date":
        row["value"] = _formatted(value, dt.date.fromisoformat, "DATE_FORMAT")
    elif kind == "datetime":
        row["value"] = _formatted(value, dt.datetime.fromisoformat, "DATETIME_FORMAT")
    elif kind == "time":
        row["value"] = _formatted(value, dt.time.fromisoformat, "TIME_FORMAT")
    elif kind in ("client", "staff"):
        row["value"] = names[kind].get(str(value), _("(no longer on record)"))
    elif kind == "file":
        row["value"] = names["file"].get(str(value), _("(file removed)"))
        row["file_id"] = str(value)
    elif kind == "signature":
        row["image"] = value
        row["value"] = _("Signed")
    else:
        row["value"] = str(value)
    return row


def _formatted(value: Any, parse, fmt: str) -> str:
    try:
        return formats.date_format(parse(str(value)), fmt)
    except (ValueError, TypeError):
        return str(value)


def visible_keys(structure: dict, data: dict) -> set[str]:
    """Fields shown for these stored answers (conditions followed along their chains)."""
    specs = {spec["key"]: spec for spec in fields_of(structure)}
    decided: dict[str, bool] = {}

    def shown(key: str) -> bool:
        if key not in decided:
            condition = specs[key].get("show_if")
            decided[key] = False
            target = condition["field"] if condition else None
            decided[key] = (
                not condition or target not in specs or (shown(target) and holds(condition, data.get(target)))
            )
        return decided[key]

    return {key for key in specs if shown(key)}


def answered_sections(submission: FormSubmission) -> list[dict[str, Any]]:
    structure = submission.template_version.form_structure
    data = submission.submission_data or {}
    names = _names(structure, data)
    shown = visible_keys(structure, data)
    sections = []
    for section in structure.get("sections", []):
        rows = [_shown(spec, data.get(spec["key"]), names) for spec in section["fields"] if spec["key"] in shown]
        if rows:
            sections.append(
                {"title": text(section["title"]), "description": text(section.get("description", "")), "rows": rows}
            )
    return sections
