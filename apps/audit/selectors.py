"""Reads of the audit log: filtered lists with keyset pages, one object's history, and who
accessed a record.

Pages are keyset-paginated on (timestamp, id), newest first: each page is an index range
scan from the cursor, however deep, where OFFSET would count every skipped row.
"""

from __future__ import annotations

import json
import re
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format, time_format
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from apps.audit import naming, registry
from apps.audit.models import ACCESS_KINDS, LogEntry
from apps.core.db.replicas import read_connection
from apps.core.formats import time_with_seconds_format

PAGE_SIZE = 50
LIST_CHANGES = 4
# A record's history and its access report are tabs of a record page: shorter pages.
TAB_PAGE_SIZE = 25
PAGE_COLUMNS = (
    "id",
    "timestamp",
    "action",
    "content_type_id",
    "object_pk",
    "object_repr",
    "changes",
    "actor_email",
    "remote_addr",
    "origin",
    "additional_data",
)
PLATFORM_APPS = {"tenants"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Authentication entries the log leaves out unless asked (Filters.sign_ins).
ROUTINE_SIGN_INS = ["sign_in", "sign_out", "2fa_verified"]


@dataclass
class Filters:
    actor_id: Any = None
    content_type: ContentType | None = None
    object_pk: str = ""
    action: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    # Routine sign-ins and sign-outs would fill the log; failures and lockouts always show.
    sign_ins: bool = False


@dataclass
class Page:
    entries: list
    next_cursor: str | None
    has_previous: bool = False
    rows: list = field(default_factory=list)


def resource_types() -> list[tuple[str, str, ContentType]]:
    """The audited kinds of record: (label as "app.model", display name, content type).

    Kept per process: content types have the same ids in every schema (a test checks), and
    django-tenants empties Django's own content-type cache whenever the schema changes."""
    if not _resource_types:
        models = [apps.get_model(label) for label in registry.AUDITED]
        by_model = ContentType.objects.get_for_models(*models)
        _resource_types.extend((f"{m._meta.app_label}.{m._meta.model_name}", m, by_model[m]) for m in models)
    found = [(label, naming.kind_name(model), content_type) for label, model, content_type in _resource_types]
    return sorted(found, key=lambda item: item[1].lower())


def filter_types() -> list[tuple[str, str, ContentType]]:
    """The kinds of record the log's filter offers: those an auditor knows by name."""
    return [item for item in resource_types() if item[0] not in registry.NOT_IN_FILTER]


_resource_types: list = []


def resource_model(label: str):
    """The audited model named "app_label.model_name" whose records live in the organization's
    own schema, or 404. Platform models (organizations, domains) are reachable through the
    search path too, so a history page for them could show another organization's name."""
    for key, _name, content_type in resource_types():
        if key == label.lower() and content_type.app_label not in PLATFORM_APPS:
            return content_type.model_class(), content_type
    raise Http404


def filtered(filters: Filters) -> QuerySet[LogEntry]:
    entries = LogEntry.objects.all()
    if filters.actor_id is not None:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.content_type is not None:
        entries = entries.filter(content_type=filters.content_type)
        if filters.object_pk:
            entries = entries.filter(object_pk=filters.object_pk)
    if filters.action is not None:
        entries = entries.filter(action=filters.action)
    elif not filters.sign_ins:
        entries = entries.exclude(action=LogEntry.Action.AUTHENTICATION, additional_data__event__in=ROUTINE_SIGN_INS)
    if filters.since is not None:
        entries = entries.filter(timestamp__gte=filters.since)
    if filters.until is not None:
        entries = entries.filter(timestamp__lt=filters.until)
    return entries.order_by("-timestamp", "-id")


def encode_cursor(entry: LogEntry) -> str:
    micros = int(entry.timestamp.timestamp() * 1_000_000)
    return f"{micros}.{entry.id}"


def decode_cursor(value: str) -> tuple[datetime, int] | None:
    try:
        micros, entry_id = value.split(".", 1)
        moment = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
        return moment, int(entry_id)
    except (ValueError, OverflowError, OSError):
        return None


def page(
    entries: QuerySet[LogEntry],
    *,
    cursor: str = "",
    size: int = PAGE_SIZE,
    changes: int | None = None,
    reader=None,
) -> Page:
    """One page newest first, starting after `cursor` (an encoded (timestamp, id)).

    Rows are named tuples of the columns a page shows, not model instances: half the work
    of a page of entries was building objects and decoding columns nobody reads."""
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        moment, entry_id = position
        # timestamp <= t bounds the index scan; the exclude drops the rows at t already shown.
        entries = entries.filter(timestamp__lte=moment).exclude(timestamp=moment, id__gte=entry_id)
    rows = _fetch(entries, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    return Page(
        entries=rows,
        next_cursor=encode_cursor(rows[-1]) if more else None,
        has_previous=position is not None,
        rows=describe_all(rows, changes=changes, reader=reader),
    )


_Row = namedtuple("_Row", PAGE_COLUMNS)  # type: ignore[misc]  # the columns are the query's, named once
_JSON = [PAGE_COLUMNS.index("changes"), PAGE_COLUMNS.index("additional_data")]


def _fetch(entries: QuerySet[LogEntry], limit: int) -> list:
    """The page's rows through a prepared statement (see apps/core/db): on a log of many
    monthly partitions, planning the query costs more than running it."""
    sql, params = entries.values_list(*PAGE_COLUMNS)[:limit].query.sql_with_params()
    rows = []
    # The connection the ORM would read from: a replica in the audit log's pages.
    for values in read_connection().fetch_prepared(sql, params):  # type: ignore[attr-defined]  # apps/core/db's backend
        values = list(values)
        for index in _JSON:
            if isinstance(values[index], str):
                values[index] = json.loads(values[index])
        rows.append(_Row(*values))
    return rows


def history(
    *,
    content_type: ContentType,
    object_pk: str,
    cursor: str = "",
    also=(),
    related=(),
    reader=None,
    changes_only: bool = False,
) -> Page:
    """A record's entries, those of the records in `also` ((content type, pk) pairs), and those
    of the records that belong to it (`related`, from history_related); `changes_only` leaves
    out who opened them and sign-ins."""
    where = Q(content_type=content_type, object_pk=str(object_pk))
    for other_type, other_pk in also:
        where |= Q(content_type=other_type, object_pk=str(other_pk))
    for other_type, field_name in related:
        # The records that belong to it now, and those since deleted: their creation logged
        # the field (creations only, which keeps the scan to one entry per record).
        model = other_type.model_class()
        current = model._default_manager.filter(**{field_name: object_pk}).values_list("pk", flat=True)
        mentions = LogEntry.objects.filter(
            content_type=other_type,
            action=LogEntry.Action.CREATE,
            changes__contains={field_name: [str(object_pk)]},
        ).values("object_pk")
        where |= Q(content_type=other_type, object_pk__in=[str(pk) for pk in current])
        where |= Q(content_type=other_type, object_pk__in=mentions)
    entries = LogEntry.objects.filter(where)
    if changes_only:
        entries = entries.exclude(action__in=[LogEntry.Action.ACCESS, LogEntry.Action.AUTHENTICATION])
    return page(entries.order_by("-timestamp", "-id"), cursor=cursor, size=TAB_PAGE_SIZE, reader=reader)


def history_related(resource: str) -> list[tuple[ContentType, str]]:
    """The kinds of record shown on `resource`'s history with it, and the field naming it."""
    return [
        (ContentType.objects.get_for_model(apps.get_model(label)), field_name)
        for label, field_name in registry.HISTORY_RELATED.get(resource, [])
    ]


def history_also(obj, resource: str) -> list[tuple[ContentType, str]]:
    found = []
    for label, attribute in registry.HISTORY_ALSO.get(resource, []):
        value = getattr(obj, attribute, None) if obj is not None else None
        if value is not None:
            found.append((ContentType.objects.get_for_model(apps.get_model(label)), str(value)))
    return found


def accesses(*, content_type: ContentType, object_pk: str) -> QuerySet[LogEntry]:
    return LogEntry.objects.filter(
        content_type=content_type, object_pk=str(object_pk), action=LogEntry.Action.ACCESS
    ).order_by("-timestamp", "-id")


def access_summary(*, content_type: ContentType, object_pk: str) -> list[dict]:
    """One row per person who accessed the record: how often, first and last time."""
    return list(
        accesses(content_type=content_type, object_pk=object_pk)
        .order_by()
        .values("actor_id", "actor_email")
        .annotate(times=Count("id"), first=Min("timestamp"), last=Max("timestamp"))
        .order_by("-last")
    )


# --- presenting entries ------------------------------------------------------------------------


def _field_label(model, name: str, cache: dict) -> tuple[str, dict]:
    """A field's display name, and its values' display names (choices, yes/no)."""
    key = (model, name)
    if key not in cache:
        values: dict = {}
        try:
            field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        if field is not None and getattr(field, "flatchoices", None):
            values = {str(k): str(v) for k, v in field.flatchoices}
        elif field is not None and field.get_internal_type() == "BooleanField":
            values = {"True": str(_("Yes")), "False": str(_("No"))}
        override = registry.FIELD_LABELS.get((naming.label_of(model), name)) if model is not None else None
        # capfirst, not capitalize: a label's own capitals stay ("custom CSS", not "Custom css").
        cache[key] = (capfirst(str(override or _verbose(model, name))), values)
    return cache[key]


def _date_kind(model, name: str, cache: dict) -> str:
    """ "date" or "datetime" for a date field (logged as ISO text), "" otherwise."""
    key = (model, name, "date")
    if key not in cache:
        try:
            field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        kind = field.get_internal_type() if field is not None and field.concrete else ""
        cache[key] = {"DateField": "date", "DateTimeField": "datetime"}.get(kind, "")
    return cache[key]


def _when_value(value, kind: str):
    """A logged date in the reader's language; a logged moment (naive UTC) in the zone too."""
    if not isinstance(value, str) or not value:
        return value
    try:
        if kind == "date":
            return date_format(date.fromisoformat(value[:10]))
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _verbose(model, name: str) -> str:
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed keeps its raw name
        return name
    return str(getattr(field, "verbose_name", name))


def _show(value, limit: int = 120) -> str:
    if value is None or value in ("None", ""):
        return "—"
    text = readable(value) or "—"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def readable(value) -> str:
    """Lists and objects as a person writes them ("Peanuts (severity: severe); Latex"), not as
    Python or JSON prints them. Values logged as JSON text are read back first."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        parts = [f"{_words(key)}: {readable(item)}" for key, item in value.items() if item not in (None, "", [], {})]
        return ", ".join(parts)
    if isinstance(value, list | tuple):
        parts = [readable(item) for item in value if item not in (None, "", [], {})]
        return ("; " if any(isinstance(item, dict | list) for item in value) else ", ").join(parts)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return _when_value(value, "date")
    return "—" if value is None else str(value)


# The keys of the structured lists records keep (diagnoses, allergies, goals, interventions),
# as a reader says them; other keys are written out from their names.
KEY_LABELS = {
    "code": gettext_lazy("code"),
    "description": gettext_lazy("description"),
    "allergen": gettext_lazy("allergen"),
    "reaction": gettext_lazy("reaction"),
    "severity": gettext_lazy("severity"),
    "target": gettext_lazy("target"),
    "start_date": gettext_lazy("start date"),
    "target_date": gettext_lazy("target date"),
    "status": gettext_lazy("status"),
    "frequency": gettext_lazy("frequency"),
    "responsible_role": gettext_lazy("responsible role"),
    # Which report an access entry read (apps.reports).
    "report": gettext_lazy("report"),
}


def _words(key) -> str:
    return capfirst(str(KEY_LABELS.get(key) or str(key).replace("_", " ")))


def labels() -> dict:
    """Display names of actions, events and fields, translated once per language and
    process rather than per row (they are fixed strings)."""
    language = get_language()
    if language not in _labels:
        from apps.accounts.models import AuthEvent

        _labels[language] = {
            "types": {content_type.pk: content_type for _label, _name, content_type in resource_types()},
            "system": str(_("System")),
            "fields": {},
            "history": reverse("audit:log") + "history/",
            "actions": {value: str(label).capitalize() for value, label in LogEntry.Action.choices},
            "events": {
                **{k: str(v) for k, v in AuthEvent.Kind.choices},
                **{k: str(v) for k, v in ACCESS_KINDS.items()},
            },
        }
    return _labels[language]


_labels: dict[str, dict] = {}


def describe_all(entries, *, changes: int | None = None, reader=None) -> list[dict]:
    """Every entry of a page, ready to print. The records the entries point at are named with
    one query per kind for the whole page, and masked for a reader who may not see them."""
    names = labels()
    models = {}
    for entry in entries:
        if entry.content_type_id not in models:
            models[entry.content_type_id] = _model_of(entry.content_type_id, names)
    refs: dict[type, set[str]] = {}
    subjects: dict[type, set[str]] = {}
    for entry in entries:
        model = models[entry.content_type_id]
        if model is None:
            continue
        subjects.setdefault(model, set()).add(entry.object_pk)
        shown = [(name, values) for name, values in (entry.changes or {}).items() if name != "id"]
        for name, values in shown[: _limit(model, changes)]:
            related = _related_model(model, name, names["fields"])
            if related is not None and isinstance(values, list | tuple):
                refs.setdefault(related, set()).update(str(v) for v in values if v not in (None, "", registry.MASK))
            listed = _listed_model(model, name)
            if listed is not None and isinstance(values, list | tuple):
                for side in values:
                    side = _parsed(side)
                    if isinstance(side, list):
                        refs.setdefault(listed, set()).update(str(v) for v in side if v not in (None, ""))
    # An entry's own record is named live too (its stored object_repr is in the language and
    # date format of whoever acted): in the same one query per kind as the records it points at.
    wanted = {model: refs.get(model, set()) | subjects.get(model, set()) for model in {*refs, *subjects}}
    named = naming.names(reader, wanted) if reader is not None else {}
    context = {
        "reader": reader,
        "names": named,
        "visible": naming.subjects_visible(reader, subjects, named=named) if reader is not None else {},
    }
    return [describe(entry, names, changes=changes, context=context) for entry in entries]


def _limit(model, changes: int | None) -> int | None:
    """How many of an entry's fields a list shows: the platform's records (an organization's
    settings) have no history page to show the rest on, so all of theirs."""
    if model is not None and model._meta.app_label in PLATFORM_APPS:
        return None
    return changes


def _model_of(content_type_id, names: dict):
    content_type = names["types"].get(content_type_id)
    if content_type is None:
        try:
            content_type = ContentType.objects.get_for_id(content_type_id)
        except ContentType.DoesNotExist:  # a model since removed: its entries stay readable
            return None
    return content_type.model_class()


def _related_model(model, name: str, cache: dict):
    key = (model, name, "related")
    if key not in cache:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        related = getattr(field, "related_model", None)
        cache[key] = related if field is not None and (field.many_to_one or field.one_to_one) else None
    return cache[key]


def _listed_model(model, name: str):
    """The model whose pks a list field holds (a care plan's responsible staff), where the
    registry says so: such a list is named like a foreign key, not shown as bare ids."""
    label = registry.LISTED_RELATIONS.get((naming.label_of(model), name))
    if label is None:
        return None
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _names_of(model, value, context: dict) -> str:
    value = _parsed(value)
    if not isinstance(value, list):
        return _name_of(model, value, context)
    return ", ".join(_name_of(model, pk, context) for pk in value if pk not in (None, "")) or "—"


def _parsed(value):
    """A logged value, JSON text read back (older entries and masks are text)."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _converter(model, name: str, cache: dict, shown: dict):
    """How a field's logged values read: in the words of its choices (a list's items too),
    dates in the reader's format, measures rounded, or as an app's hook words them."""
    key = (model, name, "convert")
    if key not in cache:
        cache[key] = _make_converter(model, name, cache, shown)
    return cache[key]


def _make_converter(model, name: str, cache: dict, shown: dict):
    hook = naming.value_hook(model, name) if model is not None else None
    if hook is not None:
        return lambda value: hook(_parsed(value))
    kind = _date_kind(model, name, cache)
    if kind:
        return lambda value: _when_value(value, kind)
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        field = None
    base = getattr(field, "base_field", None)
    if base is not None and getattr(base, "flatchoices", None):
        items = {str(k): str(v) for k, v in base.flatchoices}
        return lambda value: _each(_parsed(value), items)
    if field is not None and field.get_internal_type() == "FloatField":
        return _rounded
    return lambda value: shown.get(str(value), value)


def _each(value, words: dict):
    return [words.get(str(item), item) for item in value] if isinstance(value, list) else words.get(str(value), value)


def _rounded(value):
    # Metres and other measures: a tenth is more than a phone's location is worth.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_format(round(value, 1), 1)
    return value


def _name_of(model, pk, context: dict) -> str:
    if pk in (None, "", "None"):
        return "—"
    if pk == registry.MASK:
        return pk
    found = context["names"].get((model, str(pk)))
    if found is not None:
        return found
    if not naming.may_see_kind(context["reader"], model):
        return naming.hidden(model)
    # Named in the entry, readable by this reader, gone from the database.
    kind = naming.kind_name(model)
    if kind[:1].lower() in "aeiou":
        return _("an %(kind)s since deleted") % {"kind": kind}
    return _("a %(kind)s since deleted") % {"kind": kind}


def describe(entry, names: dict | None = None, *, changes: int | None = None, context: dict | None = None) -> dict:
    """What a page shows for an entry, ready to print: who, when, what, the kind of record,
    and each field's before and after. Done here rather than in the template, which would
    resolve each of these a few thousand times a page."""
    names = names or labels()
    context = context or {}
    model = _model_of(entry.content_type_id, names)
    content_type = names["types"].get(entry.content_type_id)
    if content_type is None and model is not None:
        content_type = ContentType.objects.get_for_model(model)
    limit = _limit(model, changes)
    changes_shown: list[dict] = []
    fields_shown = 0
    # A record's own id says nothing its entry does not (the record is named beside it).
    fields = {name: values for name, values in (entry.changes or {}).items() if name != "id"}
    for name, values in list(fields.items())[:limit]:
        label, shown = _field_label(model, name, names["fields"])
        related = _related_model(model, name, names["fields"]) if model is not None else None
        lines = _expanded(model, name, values, context)
        if lines is not None:
            # One logged field, every line of it: the limit counts fields.
            fields_shown += 1
            changes_shown.extend({"field": line, "before": _show(was), "after": _show(now)} for line, was, now in lines)
        elif isinstance(values, dict) and values.get("type") == "m2m":
            fields_shown += 1
            sign = "+" if values.get("operation") == "add" else "−"
            changes_shown.append(
                {"field": label, "before": "", "after": _show(f"{sign} " + ", ".join(values.get("objects", [])))}
            )
        elif isinstance(values, list | tuple) and len(values) == 2:
            listed = _listed_model(model, name) if model is not None else None
            if related is not None and context.get("reader") is not None:
                before, after = (_name_of(related, v, context) for v in values)
            elif listed is not None and context.get("reader") is not None:
                before, after = (_names_of(listed, v, context) for v in values)
            else:
                convert = _converter(model, name, names["fields"], shown)
                before, after = (convert(v) for v in values)
            fields_shown += 1
            changes_shown.append({"field": label, "before": _show(before), "after": _show(after)})
    label = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    # Only audited kinds have a history page (an exempt one, a report's export record, has none).
    linkable = (
        label
        and content_type.app_label not in PLATFORM_APPS
        and entry.object_pk
        and model is not None
        and model._meta.label in registry.AUDITED
    )
    # Named live where the record still exists and the reader may see it; a deleted record by
    # the name it had.
    live = context.get("names", {}).get((model, str(entry.object_pk))) if model is not None else None
    stored = naming.stored_name(model, entry.object_repr) if model is not None else entry.object_repr
    resource = _show(live or stored or entry.object_pk, 60)
    visible = context.get("visible", {}).get(model) if model is not None else None
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    event = data.get("event", "") or data.get("via", "")
    detail = {k: v for k, v in data.items() if k not in ("event", "via")}
    if visible is not None and str(entry.object_pk) not in visible:
        # The reader learns that something happened to a record, nothing of what it holds.
        resource, linkable, changes_shown, fields, detail = naming.hidden(model), False, [], {}, {}
    when = timezone.localtime(entry.timestamp)
    return {
        "id": entry.id,
        # To the second: an audit trail is read for exact times.
        "when": when_text(when),
        "when_iso": when.isoformat(),
        "actor": entry.actor_email or names["system"],
        "origin": entry.origin if entry.origin and entry.origin != "web" else "",
        "action": names["actions"].get(entry.action, str(entry.action)),
        "event": names["events"].get(event, event),
        "resource_type": (
            naming.kind_name(model) if model else (content_type.model if content_type else "")
        ).capitalize(),
        "resource": resource,
        "history_url": f"{names['history']}{label}/{entry.object_pk}/" if linkable else "",
        "changes": changes_shown,
        # The log lists the first few fields; the record's history shows them all.
        "more_changes": max(0, len(fields) - fields_shown) if limit is not None else 0,
        "detail": "; ".join(f"{_words(k)}: {readable(v)}" for k, v in detail.items()),
        "ip": entry.remote_addr or "—",
    }


def _expanded(model, name: str, values, context: dict) -> list | None:
    """A field an app splits into lines (the organization's settings), or None."""
    hook = naming.expanded(model, name) if model is not None else None
    if hook is None or not isinstance(values, list | tuple) or len(values) != 2:
        return None
    return hook(values[0], values[1], context.setdefault("expanded", {}))


def export_changes(entry, model, cache: dict) -> dict:
    """An entry's changes for the CSV, keyed as the page names them: each field by its label in
    the reader's language (its values as logged), and a field an app splits into lines a key
    per line, its values in words. The record's own id is left out as on the page: the row's
    resource_id holds it. `cache` is the export's, one for all its rows."""
    found: dict = {}
    labels = cache.setdefault("labels", {})
    for name, values in (entry.changes or {}).items():
        if name == "id":
            continue
        lines = _expanded(model, name, values, {"expanded": cache})
        if lines is None:
            label = _field_label(model, name, labels)[0]
            # Two fields a reader would call alike keep apart: the second by its stored name.
            found[name if label in found else label] = values
            continue
        for line, was, now in lines:
            found[line] = [_show(was, limit=1000), _show(now, limit=1000)]
    return found


def when_text(moment: datetime) -> str:
    """The reader's language's date, and the time to the second."""
    return f"{date_format(moment, 'DATE_FORMAT')} {time_format(moment, time_with_seconds_format())}"
