"""What the claims tests share: a billing identity, a payer, clients with coverage and
diagnoses, READY billable services made directly (total = units × rate), and the payer's 835
for sent claims, inside the organization's schema (call these under `with organization:`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from apps.billing.models import BillableService, Claim, Coverage, Interchange, Payer, ServiceAuthorization
from apps.billing.remittance import remittance_import
from apps.billing.x12.sample835 import build_835
from apps.clients.models import Client
from apps.scheduling.models import Service
from apps.staff.models import Staff

_numbers = count(1)

IDENTITY = {
    "name": "Alpha Community Living",
    "npi": "1234567893",
    "tax_id": "123456789",
    "taxonomy_code": "251C00000X",
    "address_line1": "100 Main Street",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "627011234",
    "contact_name": "Bea Biller",
    "contact_phone": "2175550100",
    "submitter_id": "ALPHA01",
    "receiver_id": "CLEARHOUSE",
    "receiver_name": "Clearing House",
}


def set_identity(organization, **changes) -> None:
    organization.billing_settings = {**IDENTITY, **changes}
    organization.save(update_fields=["billing_settings"])


def make_payer(name: str = "State Medicaid", **fields) -> Payer:
    values = {"name": name, "edi_payer_id": "SKIL0", "claim_filing_indicator": "MC"} | fields
    return Payer.objects.create(**values)


def make_service(code: str = "T1019", rate: str = "6.25", modifiers=None) -> Service:
    service, _created = Service.objects.get_or_create(
        code=code,
        defaults={"name": f"Service {code}", "base_rate": Decimal(rate), "modifiers": modifiers or []},
    )
    return service


def make_staff() -> Staff:
    n = next(_numbers)
    return Staff.objects.create(
        employee_id=f"B{n:05d}",
        first_name="Sam",
        last_name=f"Carer{n}",
        email=f"carer{n}@example.org",
        hire_date=dt.date(2020, 1, 6),
    )


def make_client(payer: Payer, *, first_name: str = "Maria", last_name: str = "Lopez", **fields) -> Client:
    n = next(_numbers)
    coverage_fields = {
        key: fields.pop(key)
        for key in list(fields)
        if key in {"subscriber_relationship", "subscriber_first_name", "subscriber_last_name", "group_number"}
    }
    values = {
        "client_id": f"CL{n:05d}",
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": dt.date(1990, 5, 17),
        "gender": "female",
        "address_line1": "12 Oak Lane",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62704",
        "primary_diagnosis": "F84.0 Autistic disorder",
    } | fields
    client = Client.objects.create(**values)
    Coverage.objects.create(
        client=client,
        payer=payer,
        member_id=f"M{n:08d}",
        start_date=dt.date(2020, 1, 1),
        **coverage_fields,
    )
    return client


def make_authorization(client: Client, payer: Payer, service: Service, number: str = "PA-1") -> ServiceAuthorization:
    return ServiceAuthorization.objects.create(
        client=client,
        payer=payer,
        service=service,
        authorization_number=number,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        units_authorized=Decimal("10000"),
    )


def make_billables(
    client: Client,
    payer: Payer,
    service: Service,
    days: list[dt.date],
    *,
    units: str = "4",
    rate: str = "6.25",
    staff: Staff | None = None,
    authorization: ServiceAuthorization | None = None,
    status: str = BillableService.Status.READY,
) -> list[BillableService]:
    staff = staff or make_staff()
    units_d, rate_d = Decimal(units), Decimal(rate)
    return BillableService.objects.bulk_create(
        [
            BillableService(
                client=client,
                staff=staff,
                service=service,
                payer=payer,
                authorization=authorization,
                source=BillableService.Source.MANUAL,
                reason="Entered for a test",
                service_date=day,
                minutes=60,
                units=units_d,
                rate=rate_d,
                total_amount=(units_d * rate_d).quantize(Decimal("0.01")),
                status=status,
            )
            for day in days
        ]
    )


def days_of(year: int, month: int, count_: int, start: int = 1) -> list[dt.date]:
    return [dt.date(year, month, start + i) for i in range(count_)]


def post_835(claims: list[Claim], *, trace: str, day: dt.date = dt.date(2026, 12, 1), **decisions) -> Interchange:
    """The payer's answer to the claims, as production posts it: an 835 (paid, denied, reversed,
    adjustments as `build_835` takes them) imported by `remittance_import`."""
    content = build_835(claims, trace_number=trace, payment_date=day, **decisions)
    return remittance_import(content=content, actor=None, filename=f"{trace}.835")
