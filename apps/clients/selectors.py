"""Reads: who sees which clients, the searchable list, one client's page, plans to review."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts.models import Role, User
from apps.accounts.permissions import can
from apps.audit.naming import may_read_history
from apps.clients import tabs
from apps.clients.models import (
    CarePlan,
    Client,
    ClientContact,
    ClientLocation,
    ClientUserObjectPermission,
    clinical_of,
)
from apps.core import clock
from apps.core.search import name_or_code_match
from apps.core.versions import tables_of
from apps.files.models import File

# Everything the list page shows: names, locations, care teams and their members' names.
LIST_TABLES = tables_of(Client, ClientLocation, ClientUserObjectPermission, User)
SORTS = {
    "name": ("last_name", "first_name"),
    "-name": ("-last_name", "-first_name"),
    "client_id": ("client_id",),
    "-client_id": ("-client_id",),
    "admission": ("admission_date", "last_name"),
    "-admission": ("-admission_date", "last_name"),
}


def sees_every_client(user) -> bool:
    return can(user, "clients.view_client")


def visible_clients(user) -> QuerySet[Client]:
    """Every client for roles that see all; the client's care team otherwise."""
    clients = Client.objects.all()
    if sees_every_client(user):
        return clients
    return clients.filter(pk__in=ClientUserObjectPermission.objects.filter(user=user).values("content_object_id"))


# Enough to check access, log it and title a page whose body comes from the fragment cache.
BRIEF = ("pk", "client_id", "first_name", "last_name", "preferred_name", "status")


def get_client_for_user(user, pk, *, brief: bool = False) -> Client:
    """The client, or 404 for one that does not exist and for one the person may not see."""
    clients = visible_clients(user)
    clients = clients.only(*BRIEF) if brief else clients.select_related("location", "photo")
    try:
        client = clients.filter(pk=pk).first()
    except (ValueError, TypeError):
        client = None
    if client is None:
        raise Http404
    return client


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
        clients = clients.filter(location_id=uuid.UUID(location))
    if staff:
        clients = clients.filter(
            pk__in=ClientUserObjectPermission.objects.filter(user_id=staff).values("content_object_id")
        )
    query = query.strip()
    if query:
        clients = clients.filter(name_or_code_match("clients_client", query, codes=("client_id",)))
    return clients.order_by(*SORTS.get(sort, SORTS["name"]))


# What a client's overview shows: the record, its photo, its location, its care team and their roles.
OVERVIEW_TABLES = tables_of(Client, File, ClientLocation, ClientUserObjectPermission, User, Role)


def care_team(client: Client) -> list[User]:
    return list(
        User.objects.filter(
            pk__in=ClientUserObjectPermission.objects.filter(content_object=client).values("user_id")
        ).select_related("role")
    )


def on_care_team(user, client: Client) -> bool:
    return ClientUserObjectPermission.objects.filter(user=user, content_object_id=client.pk).exists()


# A client's parts beyond the record (its tabs), each behind its own permission: holding
# clients.view_client (schedulers, billing) does not open goals or guardians' phone numbers.
# The care team sees every part of its clients: the team is who works with them.
PART_PERMISSIONS = {"contacts": "clients.view_clientcontact", "care_plans": "clients.view_careplan"}


def may_see_part(user, client: Client, part: str) -> bool:
    return can(user, PART_PERMISSIONS[part]) or on_care_team(user, client)


def tab_flags(user, client: Client) -> dict:
    """What the client's header and tabs offer this person (also part of the page's cache key)."""
    return {
        "may_change": can(user, "clients.change_client", client),
        "may_reveal": can(user, "clients.reveal_ssn", client),
        "may_manage_team": can(user, "clients.manage_care_team", client),
        "may_see_history": may_read_history(user, "clients.client", client),
        "may_see_contacts": may_see_part(user, client, "contacts"),
        "may_see_care_plans": may_see_part(user, client, "care_plans"),
        # Tabs of apps above clients (documentation), by key.
        "extra_tabs": tabs.shown_keys(user, client),
    }


def contacts_of(client: Client) -> list[ClientContact]:
    return list(ClientContact.objects.filter(client=client))


def care_plans_of(client: Client) -> list[CarePlan]:
    return list(
        CarePlan.objects.filter(client=client).select_related("created_by", "approved_by").order_by("-created_at")
    )


def get_care_plan(client: Client, pk) -> CarePlan:
    plan = CarePlan.objects.select_related("created_by", "approved_by", "previous").filter(client=client, pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def plans_due_for_review(*, within_days: int = 14, today: dt.date | None = None) -> QuerySet[CarePlan]:
    """Active plans whose review date falls within the next `within_days` days (or has
    passed): what the review reminders are about."""
    today = today or clock.today()
    return (
        CarePlan.objects.filter(status=CarePlan.Status.ACTIVE, review_date__lte=today + dt.timedelta(days=within_days))
        # A discharged client's plan has nothing left to review.
        .exclude(client__status__in=Client.CLOSED)
        .select_related("client", "created_by")
        .defer(*clinical_of())
        .order_by("review_date")
    )


TEAM_SEARCH_LIMIT = 20


def care_team_candidates(client: Client, query: str) -> list[User]:
    """Active people not yet on the client's care team whose name, email or employee ID
    starts with every word typed. With their role and staff record: namesakes are told
    apart by email, employee ID and job title."""
    words = query.split()[:4]
    if not words or len(query.strip()) < 2:
        return []
    people = User.objects.filter(status=User.Status.ACTIVE).exclude(
        pk__in=ClientUserObjectPermission.objects.filter(content_object=client).values("user_id")
    )
    for word in words:
        people = people.filter(
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(email__istartswith=word)
            | Q(staff_record__employee_id__iexact=word)
        )
    return list(
        people.select_related("role", "staff_record").order_by("first_name", "last_name", "email")[:TEAM_SEARCH_LIMIT]
    )


def care_team_members() -> QuerySet[User]:
    """People on at least one care team: the list's "care team member" filter."""
    return (
        User.objects.filter(pk__in=ClientUserObjectPermission.objects.values("user_id"))
        .only("pk", "first_name", "last_name", "email")
        .order_by("first_name", "last_name")
    )
