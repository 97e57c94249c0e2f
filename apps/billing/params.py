"""Reading what people send billing's pages (an edited query string is ignored, not an error),
the permission check every billing view starts with, and how an open-ended date reads."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.permissions import can


def require(request, perm: str) -> None:
    """403 unless the signed-in person holds `perm` ("billing.view_claim")."""
    if not can(request.user, perm):
        raise PermissionDenied


def uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


def date_or_none(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (ValueError, TypeError):
        return None


def day_or_open(value: dt.date | None) -> str:
    """A range's end as people read it: the date, or "open-ended"."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else _("open-ended")
