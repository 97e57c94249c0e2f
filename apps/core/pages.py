"""One way to write a form page: the form, then its service, then a message and a redirect.

Every page that edits something runs the same sequence, so it is written once:

    GET          the form (status 200)
    POST valid   save(form.cleaned_data) calls one service with plain keyword values;
                 on success a message and a redirect to what was saved (or `redirect_to`)
    POST refused the service's ValidationError by its fields, or a PermissionDenied above the
                 form; an invalid form the same way; the page again with status 400 and
                 nothing saved (services run in one transaction)

Pages whose service can answer with something to confirm (scheduling's conflicts) name that
exception in `answers`: the page comes back with status 200 and the context the handler
returns, for the person to confirm or change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.forms import add_errors

Answers = Mapping[type[Exception], Callable[[Any], dict[str, Any]]]


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[dict[str, Any]], Any],
    template: str,
    context: dict[str, Any] | None = None,
    saved_message: str | Callable[[Any], str] = "",
    redirect_to: str | Callable[[Any], Any] | None = None,
    valid: Callable[[], bool] | None = None,
    answers: Answers | None = None,
    refused_message: str = "",
) -> HttpResponse:
    """The form page's whole answer.

    `save` gets the cleaned data and returns what was saved; `redirect_to` is a URL, or a
    function of what was saved (default: the saved object's get_absolute_url).
    `valid` adds checks beyond the form's own (formsets on the same page).
    """
    status, extra = 200, {}
    if request.method == "POST":
        status = 400
        if form.is_valid() and (valid is None or valid()):
            try:
                saved = save(form.cleaned_data)
            # The answers first: one may be a ValidationError too (scheduling's Conflicts is).
            except tuple(answers or ()) as exc:
                status, extra = 200, _answer(answers or {}, exc)
            except ValidationError as exc:
                add_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or refused_message or _("You may not do that."))
            else:
                message = saved_message(saved) if callable(saved_message) else saved_message
                if message:
                    messages.success(request, message)
                return _redirect(redirect_to, saved)
    return render(request, template, {**(context or {}), **extra, "form": form}, status=status)


def _answer(answers: Answers, exc: Exception) -> dict[str, Any]:
    for kind, handler in answers.items():
        if isinstance(exc, kind):
            return handler(exc)
    raise exc


def _redirect(redirect_to: str | Callable[[Any], Any] | None, saved: Any) -> HttpResponse:
    if callable(redirect_to):
        return redirect(redirect_to(saved))
    return redirect(redirect_to if redirect_to is not None else saved)


def action(
    request: HttpRequest,
    do: Callable[[], Any],
    *,
    done: str | Callable[[Any], str],
    redirect_to: Any,
    refused_redirect_to: Any = None,
) -> HttpResponse:
    """A button that does one thing (publish, approve, delete): the service once, then back to
    a page. A refusal (the service's ValidationError) is an error message there, with nothing
    saved; success is `done` (or `done(result)`). `redirect_to` is a URL, a URL name or a
    record; `refused_redirect_to` where a refusal goes instead (the record that was not deleted)."""
    try:
        result = do()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(refused_redirect_to if refused_redirect_to is not None else redirect_to)
    messages.success(request, done(result) if callable(done) else done)
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
