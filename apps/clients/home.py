"""Home page panel of the clients app (registered in ClientsConfig.ready): care plans waiting
for approval and care plans due for review, for those who approve plans."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from apps.clients.models import CarePlan, Client
from apps.clients.selectors import sees_every_client, visible_clients
from apps.clients.services import two_person_rule
from apps.core import clock, home

# The same horizon as the review reminders (clients.jobs.REVIEW_DUE).
REVIEW_WITHIN_DAYS = 14


def care_plans(request) -> dict:
    today = clock.today(request.organization)
    plans = CarePlan.objects.select_related("client").only(
        "pk",
        "title",
        "status",
        "review_date",
        "client_id",
        "client__first_name",
        "client__preferred_name",
        "client__last_name",
        "client__client_id",
    )
    if not sees_every_client(request.user):
        plans = plans.filter(client__in=visible_clients(request.user))
    awaiting = plans.filter(status=CarePlan.Status.UNDER_REVIEW)
    if two_person_rule(request.organization):
        # Under the two-person rule the author cannot approve their own plan: it waits for
        # someone else, so it is not this person's to act on.
        awaiting = awaiting.exclude(created_by=request.user)
    return {
        "today": today,
        "within_days": REVIEW_WITHIN_DAYS,
        "awaiting": home.rows_and_more(awaiting.order_by("updated_at", "pk")),
        # careplan_review_idx: the partial index on active plans' review dates.
        "due": home.rows_and_more(
            plans.filter(status=CarePlan.Status.ACTIVE, review_date__lte=today + dt.timedelta(days=REVIEW_WITHIN_DAYS))
            # A discharged client's plan has nothing left to review.
            .exclude(client__status__in=Client.CLOSED)
            .order_by("review_date", "pk")
        ),
    }


PANELS = [
    home.Panel(
        key="care_plans",
        title=_("Care plans to review"),
        template="clients/partials/_home_care_plans.html",
        permissions=("clients.approve_careplan",),
        order=30,
        context=care_plans,
        tables=("clients_careplan", "clients_client", "clients_clientuserobjectpermission"),
    ),
]
