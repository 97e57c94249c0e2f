"""Reads: who sees which clients, the searchable list, one client's page, plans to review."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import can
from apps.clients.models import CarePlan, Client, ClientContact, ClientUserObjectPermission

SORTS = {
    "name": ("last_name", "first_name"),
    "-name": ("-last_name", "-first_name"),
    "client_id": ("client_id",),
    "-client_id": ("-client_id",),
    "admission": ("admission_date", "last_name"),
    "-admission": ("-admission_date", "last_name"),
}
# The seed's full-text expression; its GIN index (migration 0002) serves this exact text.
NAME_MATCH = (
    "SELECT id FROM clients_client WHERE to_tsvector('english', first_name || ' ' || last_name) "
    "@@ to_tsquery('english', %s)"
)
WORD = re.compile(r"[\w']+", re.UNICODE)


def sees_every_client(user) -> bool:
    return can(user, "clients.view_client")


def visible_clients(user) -> QuerySet[Client]:
    """Every client for roles that see all; the client's care team otherwise."""
    clients = Client.objects.all()
    if sees_every_client(user):
        return clients
    return clients.filter(pk__in=ClientUserObjectPermission.objects.filter(user=user).values("content_object_id"))


def get_client_for_user(user, pk) -> Client:
    """The client, or 404 for one that does not exist and for one the person may not see."""
    try:
        client = visible_clients(user).select_related("location", "photo").filter(pk=pk).first()
    except (ValueError, TypeError):
        client = None
    if client is None:
        raise Http404
    return client


def tsquery(text: str) -> str:
    """ "mar lop" → "mar:* & lop:*": every word, each as a prefix (so "Mar" finds "Maria")."""
    words = [w.replace("'", "") for w in WORD.findall(text)][:6]
    return " & ".join(f"{w}:*" for w in words if w)


def client_list(
    user,
    *,
    query: str = "",
    status: str = "",
    location: str = "",
    staff: str = "",
    sort: str = "name",
) -> QuerySet[Client]:
    # Only what the list shows: no SSN to decrypt, no health lists to parse.
    clients = (
        visible_clients(user)
        .select_related("location")
        .only(
            "pk", "client_id", "first_name", "last_name", "preferred_name", "date_of_birth", "status", "location__name"
        )
    )
    if status == "all":
        pass
    elif status in Client.Status.values:
        clients = clients.filter(status=status)
    else:  # the default: the active lists leave out discharged and deceased clients
        clients = clients.exclude(status__in=Client.CLOSED)
    if location:
        clients = clients.filter(location_id=location)
    if staff:
        clients = clients.filter(
            pk__in=ClientUserObjectPermission.objects.filter(user_id=staff).values("content_object_id")
        )
    query = query.strip()
    if query:
        match = Q(client_id__istartswith=query)
        terms = tsquery(query)
        if terms:
            # A subquery of its own (not correlated with the outer query), on the index's own
            # expression; the SQL is a constant and the terms a bound parameter.
            match |= Q(pk__in=RawSQL(NAME_MATCH, [terms]))  # noqa: S611
        clients = clients.filter(match)
    return clients.order_by(*SORTS.get(sort, SORTS["name"]))


def client_detail(client: Client) -> dict:
    contacts = list(ClientContact.objects.filter(client=client))
    plans = list(
        CarePlan.objects.filter(client=client).select_related("created_by", "approved_by").order_by("-created_at")
    )
    team = list(
        User.objects.filter(
            pk__in=ClientUserObjectPermission.objects.filter(content_object=client).values("user_id")
        ).select_related("role")
    )
    return {"contacts": contacts, "plans": plans, "team": team}


def get_care_plan(client: Client, pk) -> CarePlan:
    plan = CarePlan.objects.select_related("created_by", "approved_by", "previous").filter(client=client, pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def plans_due_for_review(*, within_days: int = 14, today: dt.date | None = None) -> QuerySet[CarePlan]:
    """Active plans whose review date falls within the next `within_days` days (or has
    passed): what the review reminders are about."""
    today = today or timezone.localdate()
    return (
        CarePlan.objects.filter(status=CarePlan.Status.ACTIVE, review_date__lte=today + dt.timedelta(days=within_days))
        .select_related("client", "created_by")
        .order_by("review_date")
    )


def care_team_members() -> QuerySet[User]:
    """People on at least one care team: the list's "care team member" filter."""
    return (
        User.objects.filter(pk__in=ClientUserObjectPermission.objects.values("user_id"))
        .only("pk", "first_name", "last_name", "email")
        .order_by("first_name", "last_name")
    )
