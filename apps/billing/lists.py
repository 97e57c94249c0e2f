"""Reads for the authorization and billable-service pages: filtered querysets with what each
row shows joined in, one-object lookups that 404, and keyset pagination (the same cost on the
first page and the thousandth: no OFFSET, no COUNT)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from apps.billing.models import BillableService, Payer, ServiceAuthorization
from apps.billing.params import uuid_or_none
from apps.clients.models import Client, clinical_of
from apps.core import keyset
from apps.core.versions import tables_of
from apps.scheduling.models import Service
from apps.staff.models import Staff

PAGE_SIZE = 25
ENDING_SOON_DAYS = 30
# The share used at which billing is alerted (the nightly job's first alert) and the list filters.
NEAR_LIMIT = Decimal("0.8")


def get_authorization(pk) -> ServiceAuthorization:
    key = uuid_or_none(pk)
    found = (
        ServiceAuthorization.objects.select_related("client", "payer", "service").filter(pk=key).first()
        if key
        else None
    )
    if found is None:
        raise Http404
    return found


def get_billable(pk) -> BillableService:
    key = uuid_or_none(pk)
    found = (
        BillableService.objects.select_related(
            "client", "staff", "service", "payer", "authorization", "visit", "created_by"
        )
        .filter(pk=key)
        .first()
        if key
        else None
    )
    if found is None:
        raise Http404
    return found


def _name_matches(query: str, prefix: str = "client__") -> Q:
    match = Q()
    for word in query.split()[:4]:
        match &= (
            Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}preferred_name__icontains": word})
        )
    return match


@dataclass(frozen=True)
class AuthorizationFilters:
    status: str = ""
    payer: uuid.UUID | None = None
    service: uuid.UUID | None = None
    ending_soon: bool = False
    near_limit: bool = False
    # All their units used (what the home's "Used up" counts); a part of near_limit's rows.
    used_up: bool = False
    query: str = ""


def authorization_list(filters: AuthorizationFilters, *, today: dt.date) -> QuerySet[ServiceAuthorization]:
    rows = ServiceAuthorization.objects.select_related("client", "payer", "service").defer(*clinical_of())
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.payer:
        rows = rows.filter(payer_id=filters.payer)
    if filters.service:
        rows = rows.filter(service_id=filters.service)
    if filters.ending_soon:
        rows = rows.filter(end_date__gte=today, end_date__lte=today + dt.timedelta(days=ENDING_SOON_DAYS))
    if filters.used_up:
        rows = near_limit(rows, share=Decimal("1"))
    elif filters.near_limit:
        rows = near_limit(rows)
    if filters.query:
        rows = rows.filter(Q(authorization_number__icontains=filters.query) | _name_matches(filters.query))
    return rows.order_by("end_date", "id")


def near_limit(rows: QuerySet[ServiceAuthorization], *, share: Decimal = NEAR_LIMIT) -> QuerySet[ServiceAuthorization]:
    """Active authorizations with `share` (80%) or more of their units used (used up included),
    counted as utilization counts them: the units of services ready to bill or on a claim under
    each."""
    used = (
        BillableService.objects.filter(
            authorization=OuterRef("pk"),
            status__in=[BillableService.Status.READY, BillableService.Status.CLAIMED],
        )
        .order_by()
        .values("authorization")
        .annotate(total=Sum("units"))
        .values("total")
    )
    units: DecimalField = DecimalField(max_digits=12, decimal_places=2)
    return (
        rows.filter(status=ServiceAuthorization.Status.ACTIVE)
        .annotate(units_used=Coalesce(Subquery(used, output_field=units), Decimal("0"), output_field=units))
        .filter(units_used__gte=F("units_authorized") * share)
    )


@dataclass(frozen=True)
class BillableFilters:
    status: str = ""
    reason: str = ""
    payer: uuid.UUID | None = None
    query: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    authorization: uuid.UUID | None = None


# What the review queue shows (a kept page: apps.core.fragments.cached_page).
REVIEW_TABLES = tables_of(BillableService, Client, Staff, Service, Payer)


def billable_list(filters: BillableFilters) -> QuerySet[BillableService]:
    # The queue names the client and the staff member; their SSNs (and the client's clinical
    # detail) are never decrypted for it.
    rows = BillableService.objects.select_related("client", "staff", "service", "payer").defer(
        *clinical_of(), "staff__ssn"
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.reason:
        rows = rows.filter(blocking_reasons__contains=[filters.reason])
    if filters.payer:
        rows = rows.filter(payer_id=filters.payer)
    if filters.authorization:
        rows = rows.filter(authorization_id=filters.authorization)
    if filters.query:
        rows = rows.filter(_name_matches(filters.query))
    if filters.date_from:
        rows = rows.filter(service_date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(service_date__lte=filters.date_to)
    return rows.order_by("-service_date", "-id")


def authorization_page(rows: QuerySet[ServiceAuthorization], cursor: str = ""):
    """One page in end-date order after `cursor`, and the next page's cursor ("" at the end)."""
    return keyset.page(rows, cursor, order=("end_date", "id"), size=PAGE_SIZE)


def billable_page(rows: QuerySet[BillableService], cursor: str = ""):
    """One page, newest date of service first, after `cursor`."""
    return keyset.page(rows, cursor, order=("-service_date", "-id"), size=PAGE_SIZE)
