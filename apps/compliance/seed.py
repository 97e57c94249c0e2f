"""Demo compliance: the starter rules evaluated over the demo data, at the end of the seed
(compliance comes after every app it reads), so the dashboard has findings of every type.

The other apps' demo data already holds most conditions (expiring certifications, overdue
training, EVV exceptions, notes due, an incident overdue for review…). Where nothing is at risk
among the demo authorizations (the billing demo sizes them from visits, which depend on the
day it runs), the payer's approval is added for clients whose services wait for one, through
billing's own service: one nearly used up and one ending soon without renewal. Then the rules
run. Seeding again finds the findings there and adds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.db.models import Min, Sum

from apps.compliance.models import Finding
from apps.compliance.services import rules_evaluate
from apps.core import clock

AUTHORIZATION_TYPES = {"authorization_utilization", "authorization_expiring"}


def seed(organization, *, stdout) -> None:
    if Finding.objects.exists():
        # Seeded before: the nightly job keeps the findings current, and seeding again must
        # change nothing (a run would move every finding's "last seen").
        stdout.write("  compliance: findings already there\n")
        return
    run = rules_evaluate()
    if AUTHORIZATION_TYPES - _types_found():
        _authorizations_at_risk(organization)
        run = rules_evaluate()
    stdout.write(f"  compliance: {run.found} findings current, {run.opened} new\n")


def _types_found() -> set[str]:
    current = Finding.objects.exclude(status=Finding.Status.RESOLVED)
    return set(current.values_list("rule__rule_type", flat=True).distinct())


@transaction.atomic
def _authorizations_at_risk(organization) -> None:
    from apps.accounts.models import User
    from apps.billing.authorizations import authorization_save
    from apps.billing.models import BillableService, Payer
    from apps.clients.models import Client
    from apps.scheduling.models import Service

    actor = User.objects.filter(email=f"billing@{organization.subdomain}.test").first()
    waiting = list(
        BillableService.objects.filter(
            status=BillableService.Status.BLOCKED,
            authorization__isnull=True,
            blocking_reasons__contains=["no_authorization"],
            payer__isnull=False,
        )
        .values("client_id", "service_id", "payer_id")
        .annotate(units=Sum("units"), first=Min("service_date"))
        .order_by("-units", "client_id")[:2]
    )
    today = clock.today(organization)
    for number, group in enumerate(waiting):
        nearly_used = number == 0
        authorization_save(
            actor=actor,
            client=Client.objects.get(pk=group["client_id"]),
            payer=Payer.objects.get(pk=group["payer_id"]),
            service=Service.objects.get(pk=group["service_id"]),
            authorization_number=f"PA-DEMO-{today.year}-{number + 1}",
            start_date=group["first"],
            end_date=today + dt.timedelta(days=120 if nearly_used else 20),
            # 90% used by what was delivered, or a third of it used and ending in 20 days.
            units_authorized=(group["units"] / (Decimal("0.9") if nearly_used else Decimal("0.33"))).quantize(
                Decimal("1"), ROUND_CEILING
            ),
        )
