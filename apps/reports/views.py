"""The reports' pages: the index of those the person may open, any report as a table with
its filters, and its exports (a POST: each one is recorded, see apps/reports/models.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can
from apps.audit.services import access_record
from apps.reports import exports, registry, services
from apps.reports.models import Export
from apps.reports.registry import Report

PAGE_SIZE = 50


def _report_for(request: OrgRequest, slug: str) -> Report:
    """The report, 404 when there is none by that name, 403 when the person may not open it."""
    report = registry.get(slug)
    if report is None:
        raise Http404
    if not can(request.user, report.permission):
        raise PermissionDenied
    return report


def summary(form: forms.Form) -> str:
    """The filters applied, in words ("From: 1 Dec 2026 · Location: Elm House")."""
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, Model):
            shown = str(value)
        elif isinstance(value, dt.date):
            shown = date_format(value)
        elif isinstance(field, forms.ChoiceField):
            # A form field's choices are a list of pairs by now (django-stubs types them wider).
            shown = str(dict(cast(Any, field.choices)).get(value, value))
        else:
            shown = str(value)
        parts.append(f"{field.label}: {shown}")
    return " · ".join(parts)


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
def report_export(request: OrgRequest, slug: str) -> HttpResponse | StreamingHttpResponse:
    report = _report_for(request, slug)
    form = report.form(request.POST)
    back = reverse(f"reports:{slug}")
    chosen = request.POST.get("format", "")
    if chosen not in Export.Format.values or not form.is_valid():
        messages.error(request, _("The export was refused: check the filters and choose CSV, XLSX or PDF."))
        return render(
            request, "reports/report.html", {"report": report, "form": form, "columns": report.columns}, status=400
        )
    rows = report.rows(form.cleaned_data)
    if chosen == Export.Format.PDF and len(rows) > exports.PDF_MAX_ROWS:
        messages.error(
            request,
            _(
                "This report has %(rows)s rows, too many for a PDF (at most %(most)s): narrow the filters"
                " or export XLSX."
            )
            % {"rows": len(rows), "most": exports.PDF_MAX_ROWS},
        )
        kept = {name: str(request.POST.get(name, "")) for name in form.fields}
        return redirect(f"{back}?{urlencode(kept)}")
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
