"""Saving the organization settings page: every section's values, or none of them."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from apps.tenants import settings_audit
from apps.tenants.models import Organization
from apps.tenants.services import organization_update
from apps.tenants.settings_sections import Section


@transaction.atomic
def organization_settings_update(
    *, organization: Organization, sections: list[Section], data: dict[str, Any], actor, request=None
) -> Organization:
    """Check every section's values (all refusals at once, by field), then save them with one
    organization_update: one change-log entry naming each changed field, the host cache
    cleared and the organization's updated_at moved on (the page caches' key), so a new time
    zone or language reaches the next request. Each section's `saved` then runs in the same
    transaction.

    Works on a fresh, locked copy of the row: the request's organization is the host cache's
    object, shared by the process's requests, and must not carry refused values; the lock
    keeps two admins saving at once from losing one another's sections.
    """
    current = Organization.objects.select_for_update().get(pk=organization.pk)
    before = copy.deepcopy(current.settings) if isinstance(current.settings, dict) else {}
    settings_value = copy.deepcopy(before)
    fields: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for section in sections:
        try:
            fields.update(section.apply(organization=current, settings=settings_value, data=data))
        except ValidationError as exc:
            found = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            for field, messages in found.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    changed = {name: value for name, value in fields.items() if getattr(current, name) != value}
    # A first save writes down the defaults the page showed: the stored object differs, but no
    # setting does, and the change log would show an entry nobody made. Only a setting whose
    # value as its reader sees it moved is a change (the same test as the log's lines).
    if settings_value != before and settings_audit.changes(before, settings_value, {}) != []:
        changed["settings"] = settings_value
    if not changed:
        return current
    organization_update(organization=current, **changed)
    for section in sections:
        if section.saved is not None:
            section.saved(organization=current, before=before, actor=actor, request=request)
    return current
