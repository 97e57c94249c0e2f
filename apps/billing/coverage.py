"""A client's coverage: several over time, a secondary beside the primary, and on any date
at most one primary, since the primary is the payer a claim goes to first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.billing.models import Coverage
from apps.billing.params import date_span
from apps.clients.models import Client

COVERAGE_FIELDS = (
    "payer",
    "rank",
    "member_id",
    "group_number",
    "subscriber_relationship",
    "subscriber_first_name",
    "subscriber_last_name",
    "subscriber_date_of_birth",
    "start_date",
    "end_date",
)
SUBSCRIBER_FIELDS = ("subscriber_first_name", "subscriber_last_name", "subscriber_date_of_birth")


@transaction.atomic
def coverage_save(*, client: Client, coverage: Coverage | None = None, actor: User | None, **fields: Any) -> Coverage:
    """Add or change a coverage. The client's row is locked first, so two primaries saved at
    once for the same client are checked one after the other."""
    unknown = set(fields) - set(COVERAGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown coverage fields: {sorted(unknown)}")
    Client.objects.select_for_update().filter(pk=client.pk).first()
    if coverage is not None and coverage.client_id != client.pk:
        raise ValidationError(_("This coverage belongs to another client."))
    coverage = coverage or Coverage(client=client)
    for name in ("member_id", "group_number", "subscriber_first_name", "subscriber_last_name"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    for name, value in fields.items():
        setattr(coverage, name, value)
    coverage_check(coverage)
    coverage.full_clean()
    coverage.save()
    return coverage


def coverage_check(coverage: Coverage) -> None:
    """The rules of a coverage as it would be saved (also run by the admin's form); the
    subscriber's details are cleared when the client is the subscriber."""
    errors: dict[str, list[str]] = {}
    if coverage.subscriber_relationship == Coverage.Relationship.SELF:
        # The client is the subscriber: details of someone else would be sent on claims.
        coverage.subscriber_first_name = coverage.subscriber_last_name = ""
        coverage.subscriber_date_of_birth = None
    else:
        needed = _("Name the subscriber when the client is not the subscriber: claims carry their name and birth date.")
        for name in SUBSCRIBER_FIELDS:
            if not getattr(coverage, name):
                errors[name] = [needed]
    if coverage.start_date is None:
        errors["start_date"] = [_("Give the first date of eligibility.")]
    elif coverage.end_date is not None and coverage.end_date < coverage.start_date:
        errors["end_date"] = [_("The end date cannot be before the start date.")]
    if errors:
        raise ValidationError(errors)
    if coverage.rank == Coverage.Rank.PRIMARY:
        _refuse_second_primary(coverage)


def _refuse_second_primary(coverage: Coverage) -> None:
    others = Coverage.objects.filter(client_id=coverage.client_id, rank=Coverage.Rank.PRIMARY).exclude(pk=coverage.pk)
    if coverage.end_date is not None:
        others = others.filter(start_date__lte=coverage.end_date)
    clash = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=coverage.start_date)).select_related("payer")
    other = clash.first()
    if other is not None:
        raise ValidationError(
            {
                "rank": _(
                    "The client already has a primary coverage on these dates: %(payer)s %(span)s. "
                    "End it first, or make this one secondary."
                )
                % {"payer": other.payer.name, "span": date_span(other.start_date, other.end_date)}
            }
        )


@transaction.atomic
def coverage_delete(*, coverage: Coverage, actor: User | None) -> None:
    if coverage.claims.exists():
        raise ValidationError(
            _("Claims were made under this coverage: end it with an end date instead of deleting it.")
        )
    coverage.delete()


def primary_coverage(*, client: Client, day: dt.date) -> Coverage | None:
    """The client's primary coverage on `day`, if any."""
    return (
        Coverage.objects.filter(client=client, rank=Coverage.Rank.PRIMARY, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("payer")
        .first()
    )


def coverages_of(client: Client) -> list[Coverage]:
    return list(Coverage.objects.filter(client=client).select_related("payer").order_by("rank", "-start_date"))


def get_coverage(pk) -> Coverage:
    coverage = Coverage.objects.filter(pk=pk).select_related("payer").first()
    if coverage is None:
        raise Http404
    return coverage
