"""Records the setup tests build on: a service, a payer, a client with coverage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from apps.billing import coverage, payers
from apps.billing.models import Coverage, Payer
from apps.scheduling.models import Service


def make_service(organization, code: str = "T1019", **fields) -> Service:
    values = {"name": "Personal care", "base_rate": Decimal("6.25"), "unit_minutes": 15} | fields
    with organization:
        return Service.objects.create(code=code, **values)


def make_payer(organization, name: str = "State Medicaid", **fields) -> Payer:
    values = {"payer_type": Payer.Type.MEDICAID, "edi_payer_id": "SKMD0"} | fields
    with organization:
        return payers.payer_save(actor=None, name=name, **values)


def make_coverage(organization, client, payer, **fields) -> Coverage:
    values = {
        "payer": payer,
        "rank": Coverage.Rank.PRIMARY,
        "member_id": "M1234567",
        "start_date": dt.date(2026, 1, 1),
        "end_date": None,
    } | fields
    with organization:
        return coverage.coverage_save(client=client, actor=None, **values)
