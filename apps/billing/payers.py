"""Payers and their rates: saved whole or not at all, and a payer's rates for one service never
overlapping in dates, so a date of service finds at most one rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.billing.models import Payer, PayerRate
from apps.billing.params import date_span
from apps.scheduling.models import Service

PAYER_FIELDS = (
    "name",
    "payer_type",
    "edi_payer_id",
    "claim_filing_indicator",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "phone",
    "is_active",
)


@transaction.atomic
def payer_save(*, payer: Payer | None = None, actor: User | None, **fields: Any) -> Payer:
    unknown = set(fields) - set(PAYER_FIELDS)
    if unknown:
        raise TypeError(f"unknown payer fields: {sorted(unknown)}")
    payer = payer or Payer()
    for name in ("name", "edi_payer_id", "address_line1", "address_line2", "city", "postal_code", "phone"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "state" in fields:
        fields["state"] = (fields["state"] or "").strip().upper()
    if "edi_payer_id" in fields:
        fields["edi_payer_id"] = fields["edi_payer_id"].upper()
    for name, value in fields.items():
        setattr(payer, name, value)
    payer.full_clean()
    if payer._state.adding:
        payer.save()
    else:
        payer.save(update_fields=[*fields, "updated_at"])
    return payer


@transaction.atomic
def payer_rate_set(
    *,
    payer: Payer,
    service: Service,
    rate: Decimal,
    effective_from: dt.date,
    effective_to: dt.date | None,
    actor: User | None,
    rate_obj: PayerRate | None = None,
) -> PayerRate:
    """A new rate (or `rate_obj` changed), refused when its dates overlap another rate of the
    payer for the service. The payer's row is locked first: two people adding rates for the
    same payer at once are checked one after the other, not both against the old rates."""
    Payer.objects.select_for_update().filter(pk=payer.pk).first()
    if rate_obj is not None and rate_obj.payer_id != payer.pk:
        raise ValidationError(_("This rate belongs to another payer."))
    rate_obj = rate_obj or PayerRate(payer=payer)
    rate_obj.service, rate_obj.rate = service, rate
    rate_obj.effective_from, rate_obj.effective_to = effective_from, effective_to
    if effective_from is None:
        raise ValidationError({"effective_from": _("Give the first date the rate applies.")})
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError({"effective_to": _("The end date cannot be before the start date.")})
    rate_overlap_check(rate_obj)
    rate_obj.full_clean()
    rate_obj.save()
    return rate_obj


def rate_overlap_check(rate_obj: PayerRate) -> None:
    """Refuse a rate whose dates overlap another rate of its payer for its service, naming
    that rate's dates."""
    others = PayerRate.objects.filter(payer_id=rate_obj.payer_id, service_id=rate_obj.service_id).exclude(
        pk=rate_obj.pk
    )
    if rate_obj.effective_to is not None:
        others = others.filter(effective_from__lte=rate_obj.effective_to)
    clash = others.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=rate_obj.effective_from)).first()
    if clash is not None:
        raise ValidationError(
            {
                "effective_from": _(
                    "These dates overlap the rate of %(rate)s for this service %(span)s. "
                    "End that rate first or choose other dates."
                )
                % {"rate": clash.rate, "span": date_span(clash.effective_from, clash.effective_to)}
            }
        )


@transaction.atomic
def payer_rate_delete(*, rate_obj: PayerRate, actor: User | None) -> None:
    # A billable service keeps the rate it was priced at, so a rate can go without touching them.
    rate_obj.delete()


# --- reads ----------------------------------------------------------------------------------------


def payer_list(*, query: str = "", active: str = "") -> QuerySet[Payer]:
    """Payers by name, found by name or EDI payer ID; `active` "1" or "0" filters."""
    payers = Payer.objects.annotate(rate_count=Count("rates"))
    if query:
        payers = payers.filter(Q(name__icontains=query) | Q(edi_payer_id__icontains=query))
    if active in ("1", "0"):
        payers = payers.filter(is_active=active == "1")
    return payers.order_by("name", "pk")


def get_payer(pk) -> Payer:
    payer = Payer.objects.filter(pk=pk).first()
    if payer is None:
        raise Http404
    return payer


def get_rate(payer: Payer, pk) -> PayerRate:
    rate = PayerRate.objects.filter(payer=payer, pk=pk).select_related("service").first()
    if rate is None:
        raise Http404
    return rate


def rates_of(payer: Payer) -> list[PayerRate]:
    """The payer's rates grouped by service, newest first within each."""
    return list(
        PayerRate.objects.filter(payer=payer).select_related("service").order_by("service__code", "-effective_from")
    )
