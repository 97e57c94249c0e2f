"""The reports' pages: the index of those the person may open, any report as a table with
its filters, and its exports (a POST: each one is recorded, see apps/reports/models.py).
A large export is built in the background: the POST records it and sends the person to its
page, which follows its progress and then offers the download ("My exports" lists them)."""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can
from apps.audit.services import access_record
from apps.core.db.replicas import replica_reads
from apps.reports import exports, registry, selectors, services, tasks
from apps.reports.exports import summary
from apps.reports.models import Export
from apps.reports.registry import Report

PAGE_SIZE = 50
EXPORTS_PAGE_SIZE = 25


def _report_for(request: OrgRequest, slug: str) -> Report:
    """The report, 404 when there is none by that name, 403 when the person may not open it."""
    report = registry.get(slug)
    if report is None:
        raise Http404
    if not can(request.user, report.permission):
        raise PermissionDenied
    return report


@login_required
@require_GET
def index(request: OrgRequest) -> HttpResponse:
    return render(request, "reports/index.html", {"reports": registry.visible_to(request.user)})


def _log_access(request: OrgRequest, report: Report, obj, via: str) -> None:
    if report.phi:
        access_record(obj=obj, request=request, via=via, label=f"{report.slug} report", detail={"report": report.slug})


def _show_defaults(form: forms.Form) -> None:
    """The period the report ran for, in its fields: the default (the current month) where they
    were left empty, whole weeks where the report widens it (staff hours)."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    for name in ("start", "end"):
        if name in form.fields and form.cleaned_data.get(name):
            data[name] = form.cleaned_data[name].isoformat()
    form.data = data


@login_required
@require_GET
@replica_reads
def report_page(request: OrgRequest, slug: str) -> HttpResponse:
    report = _report_for(request, slug)
    form = report.form(request.GET)
    context: dict[str, Any] = {"report": report, "form": form, "columns": report.columns}
    if not form.is_valid():
        return render(request, "reports/report.html", context, status=400)
    rows = report.rows(form.cleaned_data)
    _log_access(request, report, request.organization, "view")
    _show_defaults(form)
    context |= {
        "ran": True,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "totals": report.totals(rows),
        "count": len(rows),
        "summary": summary(form),
    }
    return render(request, "reports/report.html", context)


@login_required
@require_POST
@replica_reads  # the rows (read as the file is written); the export's record is written on the primary
def report_export(request: OrgRequest, slug: str) -> HttpResponse | StreamingHttpResponse:
    report = _report_for(request, slug)
    form = report.form(request.POST)
    chosen = request.POST.get("format", "")
    if chosen not in Export.Format.values or not form.is_valid():
        messages.error(request, _("The export was refused: check the filters and choose CSV, XLSX or PDF."))
        return render(
            request, "reports/report.html", {"report": report, "form": form, "columns": report.columns}, status=400
        )
    rows = report.rows(form.cleaned_data)
    if len(rows) > services.inline_rows() or (chosen == Export.Format.PDF and len(rows) > exports.PDF_MAX_ROWS):
        # Too long to build while the person waits: a task builds it (apps/reports/tasks.py).
        export = services.export_queue(
            user=request.user, report=report, filters=form.cleaned_data, format=chosen, row_count=len(rows)
        )
        transaction.on_commit(partial(tasks.export_enqueue, export.pk))
        _log_access(request, report, export, "print" if chosen == Export.Format.PDF else "export")
        messages.info(
            request, _("This export is large: it is being prepared, and you will be notified when it is ready.")
        )
        return redirect("reports:export", pk=export.pk)
    totals = report.totals(rows)
    export = services.export_record(
        user=request.user, report=report, filters=form.cleaned_data, format=chosen, row_count=len(rows)
    )
    _log_access(request, report, export, "print" if chosen == Export.Format.PDF else "export")
    if chosen == Export.Format.CSV:
        return exports.csv_file(report, rows, totals, form.cleaned_data)
    if chosen == Export.Format.XLSX:
        return exports.xlsx_file(report, rows, totals, form.cleaned_data)
    return exports.pdf_file(report, rows, totals, form.cleaned_data, request=request, summary=summary(form))


def _export_for(request: OrgRequest, pk: UUID) -> tuple[Export, Report | None]:
    """The export (404 when not theirs), and its report when the person may still open it
    (403 when they may not: a role that lost the report loses its files too)."""
    export = selectors.get_export_for_user(request.user, pk)
    report = registry.get(export.report)
    if report is not None and not can(request.user, report.permission):
        raise PermissionDenied
    return export, report


def _export_context(export: Export, report: Report | None) -> dict[str, Any]:
    return {"export": export, "report": report, "expired": export.expired()}


@login_required
@require_GET
def export_list(request: OrgRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.exports_of(request.user, query=query), EXPORTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    titles = {report.slug: report.title for report in registry.all_reports()}
    rows = [(export, titles.get(export.report, export.report)) for export in page.object_list]
    return render(request, "reports/exports.html", {"page": page, "rows": rows, "query": query, "now": timezone.now()})


@login_required
@require_GET
def export_detail(request: OrgRequest, pk: UUID) -> HttpResponse:
    export, report = _export_for(request, pk)
    return render(request, "reports/export.html", _export_context(export, report))


@login_required
@require_GET
def export_status(request: OrgRequest, pk: UUID) -> HttpResponse:
    """The progress fragment the export's page polls (htmx) until the export is finished."""
    export, report = _export_for(request, pk)
    return render(request, "reports/partials/_export_status.html", _export_context(export, report))


@login_required
@require_GET
def export_download(request: OrgRequest, pk: UUID) -> HttpResponse:
    """The export's file through the files app's download (which checks the file's own
    permission and logs the download), while it has not expired: 410 after."""
    export, report = _export_for(request, pk)
    if export.status != Export.Status.READY or export.expires_at is None:
        raise Http404  # not ready yet, or made in the request (nothing was kept)
    if export.expired() or export.file_id is None:
        return render(request, "reports/export_expired.html", _export_context(export, report), status=410)
    return redirect("files:download", pk=export.file_id)
