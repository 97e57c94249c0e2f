"""Audit pages for organization admins and auditors: the log, one record's history, and who
accessed a record (page, CSV, PDF)."""

from __future__ import annotations

import json
from datetime import UTC

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can, permission_required
from apps.audit import forms, naming, selectors
from apps.audit.models import LogEntry
from apps.core.csvexport import csv_response as _csv_response
from apps.core.db.replicas import replica_reads
from apps.core.pdf import pdf_response, render_pdf


def _entry_row(entry: LogEntry, type_names: dict[int, str], names: dict, hidden: dict[int, str], export: dict) -> list:
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    details = {k: v for k, v in data.items() if k not in ("event", "via")}
    masked = hidden.get(entry.content_type_id)
    changes = entry.changes
    model = export["models"].get(entry.content_type_id)
    if changes and not masked and model is not None:
        # Rows are written after the view returns: the labels in the reader's language.
        with translation.override(export["language"]):
            changes = selectors.export_changes(entry, model, export["cache"])
    return [
        entry.id,
        entry.timestamp.astimezone(UTC).isoformat(),
        entry.actor_email or names["system"],
        names["actions"].get(entry.action, entry.action),
        names["events"].get(entry.event, entry.event),
        type_names.get(entry.content_type_id, ""),
        entry.object_pk,
        masked or entry.object_repr,
        entry.remote_addr or "",
        entry.user_agent,
        entry.origin,
        json.dumps(changes, ensure_ascii=False) if changes and not masked else "",
        json.dumps(details, ensure_ascii=False) if details else "",
        entry.hash,
    ]


PDF_ROWS = 1000

ENTRY_HEADER = [
    "entry",
    "timestamp_utc",
    "user",
    "action",
    "event",
    "resource_type",
    "resource_id",
    "resource",
    "ip_address",
    "user_agent",
    "origin",
    "changes",
    "details",
    "hash",
]


def _filename(request: OrgRequest, kind: str) -> str:
    return f"{request.organization.subdomain}-{kind}-{timezone.now():%Y%m%d-%H%M}"


@login_required
@permission_required("audit.view_logentry")
@replica_reads
def log(request: OrgRequest) -> HttpResponseBase:
    form = forms.AuditFilterForm(request.GET or None)
    cursor = request.GET.get("after", "")
    bad_cursor = bool(cursor) and selectors.decode_cursor(cursor) is None
    if (form.is_bound and not form.is_valid()) or bad_cursor:
        if bad_cursor:
            form.add_error(None, _("That page link is not valid any more. Start from the newest entries."))
        return render(request, "audit/log.html", {**_log_context(form, None), "query": "bad"}, status=400)
    entries = selectors.filtered(form.filters())
    if request.GET.get("format") == "csv":
        types = {ct.pk: label for label, _name, ct in selectors.resource_types()}
        # Translated now: the rows are written after the view returns, outside the request's language.
        names = selectors.labels()
        # Records the reader may not see are named as on the page, "a client (hidden)", their
        # changes left out.
        hidden = naming.hidden_kinds(
            request.user, ((ct.pk, ct.model_class()) for _l, _n, ct in selectors.resource_types())
        )
        export = {
            "models": {ct.pk: ct.model_class() for _l, _n, ct in selectors.resource_types()},
            "language": translation.get_language(),
            "cache": {},
        }
        return _csv_response(
            (_entry_row(entry, types, names, hidden, export) for entry in entries.iterator(chunk_size=2000)),
            header=ENTRY_HEADER,
            filename=_filename(request, "audit-log") + ".csv",
        )
    page = selectors.page(entries, cursor=cursor, changes=selectors.LIST_CHANGES, reader=request.user)
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "audit/log.html", {**_log_context(form, page), "query": query.urlencode()})


def _log_context(form, page) -> dict:
    return {
        "form": form,
        "page": page,
        "selects": [form["resource"], form["action"]],
        "dates": [form["since"], form["until"]],
        "sign_ins": form["sign_ins"],
    }


def _subject(resource: str, pk: str):
    """The audited record named in the URL (or, once deleted, its last name in the log)."""
    model, content_type = selectors.resource_model(resource)
    try:
        obj = model._default_manager.filter(pk=pk).first()
    except (ValidationError, ValueError):
        raise Http404 from None
    if obj is not None:
        return content_type, str(obj), obj
    last = LogEntry.objects.filter(content_type=content_type, object_pk=pk).order_by("-timestamp").first()
    if last is None:
        raise Http404
    return content_type, last.object_repr, None


@login_required
@replica_reads
def history(request: OrgRequest, resource: str, pk: str) -> HttpResponse:
    resource = resource.lower()
    context = history_context(request, resource, pk)
    # A record whose app shows the history inside its own page (a client's, a staff
    # member's) keeps its header and tabs there.
    tab = naming.history_tab(resource)
    if context["subject"] is not None and tab:
        url = reverse(tab, args=[pk])
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{url}?{query}" if query else url)
    return render(request, "audit/history.html", context)


def history_context(request: OrgRequest, resource: str, pk: object) -> dict:
    pk = str(pk)  # a record's page passes its UUID; the log's own URL, text
    """A record's history, for the audit app's page or a record's own History tab: 403 for
    someone who reads no history of this kind, 404 for a record that is not theirs."""
    reads_log = can(request.user, "audit.view_logentry")
    # Others read a record's history only where its app allows it (a manager, their client's).
    if not reads_log and not naming.has_reader_hook(resource):
        raise PermissionDenied
    content_type, title, obj = _subject(resource, pk)
    if not naming.may_read_history(request.user, resource, obj):
        raise Http404
    cursor = request.GET.get("after", "")
    if cursor and selectors.decode_cursor(cursor) is None:
        raise Http404
    related = selectors.history_related(resource)
    page = selectors.history(
        content_type=content_type,
        object_pk=pk,
        cursor=cursor,
        also=selectors.history_also(obj, resource),
        related=related,
        reader=request.user,
        # Who opened the record (and from where) is the log's, as the access report is: a
        # manager reading their client's history sees its changes.
        changes_only=not reads_log,
    )
    context = {"title": title, "subject": obj, "resource": resource, "pk": pk, "page": page, "query": ""}
    # With the records that belong to it, each entry says which record it is about.
    context["hide_resource"] = not related
    context["may_see_accesses"] = reads_log
    return context


@login_required
@permission_required("audit.view_logentry")
@replica_reads
def access_report(request: OrgRequest, resource: str, pk: str) -> HttpResponseBase:
    content_type, title, obj = _subject(resource, pk)
    model = content_type.model_class()
    if naming.subjects_visible(request.user, {model: {str(pk)}}).get(model) not in (None, {str(pk)}):
        # The log's reader learns who opened the record, not the name of one they may not see.
        title = naming.hidden(model)
    entries = selectors.accesses(content_type=content_type, object_pk=pk)
    output = request.GET.get("format", "")
    if output == "csv":
        return _csv_response(
            (
                [
                    e.timestamp.astimezone(UTC).isoformat(),
                    e.actor_label,
                    e.event_label,
                    e.remote_addr or "",
                    e.user_agent,
                ]
                for e in entries.iterator(chunk_size=2000)
            ),
            header=["timestamp_utc", "user", "how", "ip_address", "user_agent"],
            filename=_filename(request, "access-report") + ".csv",
        )
    summary = selectors.access_summary(content_type=content_type, object_pk=pk)
    context = {"title": title, "subject": obj, "resource": resource, "pk": pk, "summary": summary}
    if output == "pdf":
        # The PDF is for reading and printing; the CSV holds every access however many.
        context["entries"] = list(entries[:PDF_ROWS])
        context["truncated"] = len(context["entries"]) == PDF_ROWS
        context["generated"] = timezone.now()
        context["organization"] = request.organization
        pdf = render_pdf(template="audit/access_report_pdf.html", context=context, request=request)
        return pdf_response(pdf, filename=_filename(request, "access-report") + ".pdf")
    cursor = request.GET.get("after", "")
    if cursor and selectors.decode_cursor(cursor) is None:
        raise Http404
    context["page"] = selectors.page(entries, cursor=cursor, size=selectors.TAB_PAGE_SIZE, reader=request.user)
    context["query"] = ""
    return render(request, "audit/access_report.html", context)
