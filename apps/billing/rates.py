"""A service's price on a date for a payer: the payer's own rate covering the date, else the
service's base rate; and a line's total, units × rate rounded half-up to cents.

`total_for` must agree with the check constraint `billable_total_is_units_times_rate`
(PostgreSQL's round() of a numeric rounds half away from zero: the same for amounts that are
never negative)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from apps.billing.models import Payer, PayerRate
from apps.scheduling.models import Service

CENT = Decimal("0.01")

RateKey = tuple[uuid.UUID | None, uuid.UUID, dt.date]


def total_for(units: Decimal, rate: Decimal) -> Decimal:
    return (Decimal(units) * Decimal(rate)).quantize(CENT, ROUND_HALF_UP)


def rate_on(*, payer: Payer | None, service: Service, day: dt.date) -> Decimal:
    """The rate per unit `payer` pays for `service` on `day` (dates inclusive)."""
    if payer is not None:
        own = (
            PayerRate.objects.filter(payer=payer, service=service, effective_from__lte=day)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
            .order_by("-effective_from")
            .values_list("rate", flat=True)
            .first()
        )
        if own is not None:
            return own
    return service.base_rate


def rates_on(keys: Iterable[RateKey]) -> dict[RateKey, Decimal]:
    """rate_on for many (payer id, service id, day) at once, in two queries whatever their
    number; a key whose payer is None gets the base rate."""
    keys = set(keys)
    service_ids = {service_id for _, service_id, _ in keys}
    payer_ids = {key[0] for key in keys if key[0] is not None}
    base = dict(Service.objects.filter(pk__in=service_ids).values_list("pk", "base_rate"))
    periods: dict[tuple, list[tuple[dt.date, dt.date | None, Decimal]]] = defaultdict(list)
    if payer_ids:
        rows = (
            PayerRate.objects.filter(payer_id__in=payer_ids, service_id__in=service_ids)
            .order_by("-effective_from")
            .values_list("payer_id", "service_id", "effective_from", "effective_to", "rate")
        )
        for rate_payer, rate_service, start, end, rate in rows:
            periods[(rate_payer, rate_service)].append((start, end, rate))
    found = {}
    for key in keys:
        payer_id, service_id, day = key
        found[key] = next(
            (
                rate
                for start, end, rate in periods.get((payer_id, service_id), ())
                if start <= day and (end is None or day <= end)
            ),
            base[service_id],
        )
    return found
