"""A submission on paper, and its answers as a reader sees them.

`readable_sections` turns stored answers into what a person reads, with the labels of the
template version the submission was filled on: options by their labels, yes/no in words,
clients and staff by name, files by name, a signature field as its image. The signing pages
and the PDF both show it.

`submission_pdf` is the PDF, branded like the care plan (apps/clients/printing.py): the
organization's logo, colour and name, every section and answer, the signatures (drawn image
or typed name, signer, role, time, voided ones marked) and the content hash, "Page x of y",
times in the organization's zone.
"""

from __future__ import annotations

import base64
import datetime as dt
import mimetypes
import uuid
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.documentation import signing
from apps.documentation.answers import YES_NO, holds
from apps.documentation.models import ElectronicSignature, FormSubmission
from apps.documentation.structure import fields_of, text


@dataclass(frozen=True)
class Answer:
    label: str
    kind: str
    # What a reader sees: text, or for a signature field the PNG's data URL in `image`.
    value: str
    image: str = ""
    help: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    description: str
    answers: list[Answer]


def _visible(structure: dict, data: dict) -> set[str]:
    """The fields whose conditions hold for the stored answers (a hidden field has none)."""
    specs = {spec["key"]: spec for spec in fields_of(structure)}
    decided: dict[str, bool] = {}

    def shown(key: str) -> bool:
        if key not in decided:
            condition = specs[key].get("show_if")
            decided[key] = False  # a guard against loops; validate_structure refuses them
            if not condition or condition.get("field") not in specs:
                decided[key] = True
            else:
                decided[key] = shown(condition["field"]) and holds(condition, data.get(condition["field"]))
        return decided[key]

    return {key for key in specs if shown(key)}


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
            names["staff"].update(
                {str(u.pk): u.get_full_name() or u.email for u in User.objects.filter(pk__in=missing)}
            )
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


def readable_sections(submission: FormSubmission) -> list[Section]:
    """Every section of the submission's own template version, with each visible field's
    answer as a reader sees it ("" for a field left empty)."""
    structure = submission.template_version.form_structure
    data = submission.submission_data or {}
    visible = _visible(structure, data)
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
                )
            )
        title, description = text(section.get("title", "")), text(section.get("description", ""))
        sections.append(Section(title=title, description=description, answers=answers))
    return sections


def _logo_data_url(organization) -> str:
    """The logo inline, as the care plan prints it: the PDF renderer fetches nothing."""
    logo = getattr(organization, "logo", None)
    if not logo:
        return ""
    try:
        with logo.open("rb") as handle:
            data = handle.read(2 * 1024 * 1024)
    except (OSError, ValueError):
        return ""
    mime = mimetypes.guess_type(logo.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _zone(organization) -> dt.tzinfo:
    name = getattr(organization, "timezone", "") if organization is not None else ""
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_current_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def submission_pdf(*, submission: FormSubmission, organization) -> bytes:
    from apps.core.pdf import render_pdf

    signatures = list(
        ElectronicSignature.objects.filter(form_submission=submission)
        .select_related("signer")
        .order_by("signed_at", "id")
    )
    current = [signature for signature in signatures if signature.voided_at is None]
    zone = _zone(organization)
    with timezone.override(zone):
        return render_pdf(
            template="documentation/submission_pdf.html",
            context={
                "submission": submission,
                "template": submission.form_template,
                "client": submission.client,
                "author": submission.staff,
                "sections": readable_sections(submission),
                "signatures": signatures,
                "content_hash": signing.content_hash(submission),
                "signed_hash": current[-1].content_hash if current else "",
                "organization": organization,
                "logo": _logo_data_url(organization),
                "color": getattr(organization, "primary_color", "") or "#2563eb",
                "printed_at": timezone.localtime(),
                "zone": str(zone),
            },
        )


def filename(submission: FormSubmission) -> str:
    name = slugify(str(submission.form_template.template_name))[:40] or "form"
    client = f"-{submission.client.client_id}" if submission.client_id and submission.client else ""
    return f"{name}{client}-{submission.service_date.isoformat()}-{str(submission.pk)[:8]}.pdf"
