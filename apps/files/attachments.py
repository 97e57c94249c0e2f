"""One way to attach files to any record: an app registers its model here (in its
AppConfig.ready) and gets a documents tab (`files:attached`, or the partial
`files/partials/_documents.html` in its own page) with list, upload, share and delete.
A record whose documents are a tab of its own page registers that page: `page(request, pk,
status=..., **extra)` renders it (an upload refused there is shown there), and the model's
`get_documents_url()` is where `files:attached` and uploads send people.

The record lends its permissions: whoever may view it reads its documents, whoever may
change it adds, edits and deletes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.permissions import can

# "app_label.model" -> the use (services.PURPOSES) its documents are checked against.
ATTACHABLE: dict[str, str] = {}
# "app_label.model" -> the view that shows its documents inside the record's own page.
PAGES: dict[str, Callable[..., Any]] = {}
# "app_label.model" -> called with the record when a file is attached, deleted or restored
# (a record that points at its newest document keeps that pointer true).
ON_CHANGE: dict[str, Callable[[Any], None]] = {}


def register(
    label: str,
    *,
    purpose: str = "document",
    page: Callable[..., Any] | None = None,
    on_change: Callable[[Any], None] | None = None,
) -> None:
    ATTACHABLE[label.lower()] = purpose
    if page is not None:
        PAGES[label.lower()] = page
    if on_change is not None:
        ON_CHANGE[label.lower()] = on_change


def documents_changed(record: Model | None) -> None:
    hook = ON_CHANGE.get(label_of(record)) if record is not None else None
    if hook is not None:
        hook(record)


def page_of(record: Model) -> Callable[..., Any] | None:
    return PAGES.get(label_of(record))


def documents_url(record: Any) -> str:
    if page_of(record) is not None:
        return record.get_documents_url()
    return reverse("files:attached", args=[label_of(record), record.pk])


def label_of(obj: Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def may_view(user: User, obj: Model) -> bool:
    meta = obj._meta
    return can(user, f"{meta.app_label}.view_{meta.model_name}", obj)


def get_record_for_user(user: User, label: str, pk: Any, action: str = "view") -> Model:
    """The record files are attached to, if the person may `action` it; 404 otherwise
    (not attachable, missing, or not theirs)."""
    label = label.lower()
    if label not in ATTACHABLE:
        raise Http404
    model = apps.get_model(label)
    try:
        obj = model._default_manager.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError) as exc:  # a malformed id
        raise Http404 from exc
    if obj is None or not can(user, f"{model._meta.app_label}.{action}_{model._meta.model_name}", obj):
        raise Http404
    return obj
