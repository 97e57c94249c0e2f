"""Reading what people send billing's pages (an edited query string is ignored, not an error),
the permission check every billing view starts with, and how a range of dates reads."""

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


def date_span(start: dt.date, end: dt.date | None) -> str:
    """A range of dates as people read it: "from May 1, 2026 to June 30, 2026", or "from May 1,
    2026 on" when it has no end."""
    if end is None:
        return _("from %(start)s on") % {"start": date_format(start, "SHORT_DATE_FORMAT")}
    return _("from %(start)s to %(end)s") % {
        "start": date_format(start, "SHORT_DATE_FORMAT"),
        "end": date_format(end, "SHORT_DATE_FORMAT"),
    }
