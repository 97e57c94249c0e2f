"""Home page panel of the notifications app (registered in NotificationsConfig.ready):
emails and texts that failed lately, for the people who run the organization's account."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from apps.core import home
from apps.notifications.models import Delivery

# Older failures have been seen (or retried) by now; the deliveries page keeps them all.
RECENT_DAYS = 7


def failed_deliveries(request) -> dict:
    rows = (
        # delivery_status_idx (status, newest first).
        Delivery.objects.filter(
            status=Delivery.Status.FAILED, created_at__gte=timezone.now() - dt.timedelta(days=RECENT_DAYS)
        )
        .select_related("notification__user")
        .order_by("-created_at", "pk")
    )
    return {
        **home.rows_and_more(rows),
        "days": RECENT_DAYS,
        "more_url": reverse("notifications:deliveries") + "?" + urlencode({"status": Delivery.Status.FAILED}),
    }


PANELS = [
    # Deliveries are written by tasks all day, like a log, so no watched table: the panel is
    # kept for the minute it was drawn in only.
    home.Panel(
        key="failed_deliveries",
        title=_("Emails and texts that failed"),
        template="notifications/partials/_home_failed_deliveries.html",
        # Fixing what failed (an address, the provider's settings) is the account's
        # administrators' work; auditors read the deliveries page without it on their home.
        permissions=("notifications.view_delivery", "accounts.access_admin"),
        order=21,
        context=failed_deliveries,
    ),
]
