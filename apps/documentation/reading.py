"""A submission as people read it (its page, the signing pages, its PDF): each section of the
version it was filled on, each shown field with its answer in words (option labels, Yes/No,
names instead of ids, files by name with their link, a signature field as its image), in a
fixed number of queries whatever the form's length. And the few answers a form started by
hand begins with."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from apps.clients.models import Client
from apps.core import clock
from apps.documentation.answers import YES_NO, visible_keys
from apps.documentation.models import FormSubmission, FormTemplate
from apps.documentation.structure import fields_of, text
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


@dataclass(frozen=True)
class Answer:
    label: str
    kind: str
    # What a reader sees: text, or for a signature field the PNG's data URL in `image`.
    value: str
    image: str = ""
    help: str = ""
    # A file answer's download page (the files app checks who may download it).
    link: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    description: str
    answers: list[Answer]


def _ids(structure: dict, data: dict, kind: str) -> set[uuid.UUID]:
    found = set()
    for spec in fields_of(structure):
        if spec["type"] == kind and data.get(spec["key"]):
            try:
                found.add(uuid.UUID(str(data[spec["key"]])))
            except ValueError:
                continue
    return found


def _names(structure: dict, data: dict) -> dict[str, dict[str, str]]:
    """Names for the ids the answers hold, one query per kind (none when there is none)."""
    from apps.accounts.models import User
    from apps.clients.models import Client
    from apps.files.models import File
    from apps.staff.models import Staff

    names: dict[str, dict[str, str]] = {"client": {}, "staff": {}, "file": {}}
    clients = _ids(structure, data, "client")
    if clients:
        names["client"] = {
            str(c.pk): f"{c.display_name} ({c.client_id})" for c in Client.objects.filter(pk__in=clients)
        }
    staff = _ids(structure, data, "staff")
    if staff:
        names["staff"] = {
            str(s.pk): f"{s.preferred_name or s.first_name} {s.last_name}" for s in Staff.objects.filter(pk__in=staff)
        }
        # A picker filled before staff records existed may hold a person's account id.
        missing = staff - {uuid.UUID(key) for key in names["staff"]}
        if missing:
            names["staff"].update({str(u.pk): str(u) for u in User.objects.filter(pk__in=missing)})
    files = _ids(structure, data, "file")
    if files:
        names["file"] = {str(f.pk): f.original_filename for f in File.objects.filter(pk__in=files)}
    return names


def _display(spec: dict, value: Any, names: dict[str, dict[str, str]]) -> str:
    kind = spec["type"]
    if value is None or value == "" or value == []:
        return ""
    if kind in ("select", "multiselect"):
        labels = {option["value"]: text(option["label"]) for option in spec.get("options", [])}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(item), str(item)) for item in values)
    if kind == "yesno":
        return str(dict(YES_NO).get(str(value), value))
    if kind == "checkbox":
        return _("Yes") if value else _("No")
    if kind in ("client", "staff", "file"):
        return names[kind].get(str(value)) or _("(not found)")
    if kind == "date":
        try:
            return formats.date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT")
        except ValueError:
            return str(value)
    if kind == "datetime":
        try:
            return formats.date_format(dt.datetime.fromisoformat(str(value)), "DATETIME_FORMAT")
        except ValueError:
            return str(value)
    if kind == "time":
        try:
            return formats.time_format(dt.time.fromisoformat(str(value)), "TIME_FORMAT")
        except ValueError:
            return str(value)
    if kind == "rating":
        top = spec.get("max", 5)
        return _("%(value)s of %(top)s") % {"value": value, "top": top}
    return str(value)


def _file_link(spec: dict, value: Any, names: dict[str, dict[str, str]]) -> str:
    if spec["type"] != "file" or str(value) not in names["file"]:
        return ""
    return reverse("files:download", args=[value])


def readable_sections(submission: FormSubmission) -> list[Section]:
    """Every section of the submission's own template version, with each visible field's
    answer as a reader sees it ("" for a field left empty)."""
    structure = submission.template_version.form_structure
    data = submission.submission_data or {}
    visible = visible_keys({spec["key"]: spec for spec in fields_of(structure)}, data)
    names = _names(structure, data)
    sections = []
    for section in structure.get("sections", []):
        answers = []
        for spec in section.get("fields", []):
            if spec["key"] not in visible:
                continue
            value = data.get(spec["key"])
            if spec["type"] == "signature":
                image = str(value) if isinstance(value, str) and value.startswith("data:image/png;base64,") else ""
                answers.append(Answer(label=text(spec["label"]), kind="signature", value="", image=image))
                continue
            answers.append(
                Answer(
                    label=text(spec["label"]),
                    kind=spec["type"],
                    value=_display(spec, value, names),
                    help=text(spec.get("help", "")),
                    link=_file_link(spec, value, names),
                )
            )
        title, description = text(section.get("title", "")), text(section.get("description", ""))
        sections.append(Section(title=title, description=description, answers=answers))
    return sections
