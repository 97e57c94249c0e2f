"""Home page panel of the audit app (registered in AuditConfig.ready): who opened which
records lately, for those who read the audit log."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from apps.audit import selectors
from apps.audit.models import LogEntry
from apps.core import home

# The log is partitioned by month: a recent lower bound reads only the newest partition or
# two, through audit_entry_action_idx, however large the log has grown.
RECENT_DAYS = 7
ROWS = 8


def recent_access(request) -> dict:
    filters = selectors.Filters(action=LogEntry.Action.ACCESS, since=timezone.now() - dt.timedelta(days=RECENT_DAYS))
    # No "and N more" here: counting a busy week of reads would cost more than the page.
    # Named as on the log's page: a record the reader may not see is "a client (hidden)".
    page = selectors.page(selectors.filtered(filters), size=ROWS, reader=request.user)
    return {
        "rows": page.rows,
        "days": RECENT_DAYS,
        "log_url": reverse("audit:log") + "?" + urlencode({"action": LogEntry.Action.ACCESS}),
    }


PANELS = [
    # The log is no watched table: the panel is kept for the minute it was drawn in only.
    home.Panel(
        key="recent_access",
        title=_("Recent access to records"),
        template="audit/partials/_home_recent_access.html",
        permissions=("audit.view_logentry",),
        order=90,
        context=recent_access,
    ),
]
