"""The fieldsets of the organization settings page (/settings/), one per concern.

The page belongs to tenants, but most of what it sets is read by apps above it: the sign-in
policy by accounts, the scheduling rules by scheduling, the upload limit by files, the client
ID pattern by clients. Tenants may not import them, so each app describes its own fieldset in
`apps/<app>/org_settings.py` (`SECTIONS = [Section(...)]`, found by apps.core.discovery) with
the validation its own reader relies on, and the page gathers them: one form, one POST, one
transaction (apps/tenants/settings_services.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured

from apps.core.discovery import app_modules

# Who may open the page. The permission lives with accounts (roles are made of accounts' and
# the other apps' permissions; tenants' own are the platform's and no role may hold them).
PERMISSION = "accounts.manage_organization"


@dataclass(frozen=True)
class Section:
    """One fieldset.

    `fields(organization)`: the form fields, by name (names are unique across sections).
    `initial(organization)`: their current values, as the app's own reader sees them.
    `apply(organization=, settings=, data=)`: checks the cleaned values and writes them into
    `settings` (a copy of Organization.settings, changed in place); returns the Organization
    fields to change (tenants' own sections), or {}. Refuses with a ValidationError keyed by
    field name; nothing is saved unless every section accepts.
    `saved(organization=, before=, actor=, request=)`: after the save, in the same transaction
    (an app's own record of the change, beyond the change log's entry on the organization).
    `permission`: a section shown and saved only for those who hold it too.
    """

    key: str
    legend: Any  # a lazy translation
    order: int
    fields: Callable[[Any], dict[str, forms.Field]]
    initial: Callable[[Any], dict[str, Any]]
    apply: Callable[..., dict[str, Any]]
    saved: Callable[..., None] | None = None
    permission: str | None = None
    description: Any = ""


def all_sections() -> list[Section]:
    sections = [section for _label, module in app_modules("org_settings") for section in module.SECTIONS]
    sections.sort(key=lambda s: (s.order, s.key))
    keys = [s.key for s in sections]
    if len(keys) != len(set(keys)):
        raise ImproperlyConfigured(f"organization settings sections share a key: {keys}")
    return sections


def sections_for(user) -> list[Section]:
    """The sections this person may change (all of them need PERMISSION, checked by the view)."""
    return [s for s in all_sections() if s.permission is None or user.has_perm(s.permission)]
