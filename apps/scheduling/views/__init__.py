"""Scheduling pages, in three modules: shifts and schedules, appointments, visits and feeds
(their routes are in apps/scheduling/urls.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from apps.accounts.permissions import can
from apps.core.forms import add_errors
from apps.scheduling import services


def checked_form_page(
    request, form, *, save: Callable, saved_message: str, template: str, context: dict, refused_message: str
):
    """A form whose save runs the conflict engine: blocking findings come back as the page's
    answer (status 200, with the override reason field for those allowed), warnings after a
    save as messages; anything else invalid is a 400 with the errors by their fields."""
    findings, status = [], 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = form.save(commit=False)
                found = save(saved, request.POST.get("override_reason", ""))
            except services.Conflicts as exc:
                findings, status = exc.findings, 200
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or refused_message)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                for finding in found:
                    messages.warning(request, finding.message)
                messages.success(request, saved_message)
                return redirect(saved)
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "findings": findings,
            "blocked": any(f.blocking for f in findings),
            "may_override": can(request.user, "scheduling.override_conflict"),
            "override_reason": request.POST.get("override_reason", ""),
        },
        status=status,
    )
