"""Visit notes: what a note written for a visit starts with (the fields a template marks
`prefill`), and where a clock-out leads.

Answers are stored as AnswersForm stores them: ids and dates as strings, times as "HH:MM"
in the organization's zone, the length in minutes as a number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from apps.documentation.structure import fields_of
from apps.scheduling.models import Service, Visit


def _service_text(visit: Visit) -> str:
    """The visit's service as people know it: "T2017 · Habilitation, residential"."""
    if not visit.service_code:
        return ""
    name = Service.objects.filter(code=visit.service_code).values_list("name", flat=True).first()
    return f"{visit.service_code} · {name}" if name else visit.service_code


def visit_values(visit: Visit, zone: dt.tzinfo) -> dict[str, Any]:
    """Each prefill source's value for this visit (None where the visit has none)."""
    start = visit.clock_in_at.astimezone(zone)
    end = visit.clock_out_at.astimezone(zone) if visit.clock_out_at else None
    return {
        "client": str(visit.client_id) if visit.client_id else None,
        # The staff picker stores apps.staff Staff ids.
        "staff": str(visit.staff_id),
        "visit_date": start.date().isoformat(),
        "visit_start": start.strftime("%H:%M"),
        "visit_end": end.strftime("%H:%M") if end else None,
        "visit_duration": visit.minutes,
        "service": None,
    }


def prefill_for_visit(structure: dict, visit: Visit, zone: dt.tzinfo) -> dict[str, Any]:
    """The answers a note on `structure` starts with for `visit`: every field marked
    `prefill` whose source the visit has."""
    wanted = [(spec["key"], spec["prefill"]) for spec in fields_of(structure) if spec.get("prefill")]
    if not wanted:
        return {}
    values = visit_values(visit, zone)
    if any(source == "service" for _key, source in wanted):
        values["service"] = _service_text(visit) or None
    return {key: values[source] for key, source in wanted if values.get(source) is not None}
