"""Scheduling pages, in three modules: shifts and schedules, appointments, visits and feeds
(their routes are in apps/scheduling/urls.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import HttpResponse

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can
from apps.core.pages import form_page
from apps.scheduling import conflicts, services

# A save that runs the conflict engine: (the cleaned data, the override reason given) ->
# (what was saved, the findings that did not block it).
CheckedSave = Callable[[dict[str, Any], str], tuple[Model, list[conflicts.Finding]]]


def checked_form_page(
    request: OrgRequest,
    form: forms.BaseForm,
    *,
    save: CheckedSave,
    saved_message: str,
    template: str,
    context: dict[str, Any],
    refused_message: str,
) -> HttpResponse:
    """core.pages.form_page for a form whose save runs the conflict engine: blocking findings
    come back as the page's answer (status 200, with the override reason field for those
    allowed), warnings after a save as messages; anything else invalid is a 400 with the
    errors by their fields."""
    override_reason = request.POST.get("override_reason", "")

    def checked(data: dict[str, Any]) -> Model:
        saved, findings = save(data, override_reason)
        for finding in findings:
            messages.warning(request, finding.message)
        return saved

    def conflicts_found(exc: services.Conflicts) -> dict[str, Any]:
        return {"findings": exc.findings, "blocked": any(f.blocking for f in exc.findings)}

    return form_page(
        request,
        form,
        save=checked,
        template=template,
        context={
            **context,
            "findings": [],
            "blocked": False,
            "may_override": can(request.user, "scheduling.override_conflict"),
            "override_reason": override_reason,
        },
        saved_message=saved_message,
        refused_message=refused_message,
        answers={services.Conflicts: conflicts_found},
    )
