"""Claims awaiting payment, made directly with the ORM, and a hand-written 835, for the 835
tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from apps.billing.models import BillableService, Claim, ClaimLine, Coverage, Payer
from apps.clients.models import Client
from apps.scheduling.models import Service
from apps.staff.models import Staff

_numbers = count(1)
DAY = dt.date(2026, 11, 2)


def make_payer(**fields) -> Payer:
    values = {"name": "State Medicaid", "edi_payer_id": "SKMD0", "address_line1": "1 Capitol Way"} | fields
    return Payer.objects.create(**values)


def make_claim(payer: Payer, charges=("100.00", "50.00"), *, code="T1019", claim_number=None, day=DAY) -> Claim:
    """A submitted claim of one line per charge, a day apart, each from its own billable
    service."""
    n = next(_numbers)
    client = Client.objects.create(
        client_id=f"R{n:05d}", first_name="Maria", last_name=f"Lopez{n}", date_of_birth=dt.date(1990, 5, 17)
    )
    staff = Staff.objects.create(
        employee_id=f"RS{n:05d}",
        first_name="Dana",
        last_name="Okafor",
        email=f"remit{n}@example.org",
        hire_date=dt.date(2020, 1, 6),
    )
    service, _ = Service.objects.get_or_create(
        code=code, defaults={"name": "Personal care", "base_rate": Decimal("25.00")}
    )
    coverage = Coverage.objects.create(
        client=client, payer=payer, member_id=f"M{n:06d}", start_date=dt.date(2026, 1, 1)
    )
    amounts = [Decimal(c) for c in charges]
    claim = Claim.objects.create(
        payer=payer,
        client=client,
        coverage=coverage,
        claim_number=claim_number or f"CLM{n:06d}",
        period_start=day,
        period_end=day + dt.timedelta(days=len(amounts) - 1),
        total_amount=sum(amounts, Decimal("0.00")),
        status=Claim.Status.SUBMITTED,
        submitted_date=day,
    )
    for number, amount in enumerate(amounts, start=1):
        when = day + dt.timedelta(days=number - 1)
        billable = BillableService.objects.create(
            client=client,
            staff=staff,
            service=service,
            payer=payer,
            source=BillableService.Source.MANUAL,
            reason="Test",
            service_date=when,
            minutes=60,
            units=Decimal("4"),
            rate=amount / 4,
            total_amount=amount,
            status=BillableService.Status.CLAIMED,
        )
        ClaimLine.objects.create(
            claim=claim,
            line_number=number,
            billable_service=billable,
            service_date=when,
            procedure_code=code,
            modifiers=["U1"],
            units=Decimal("4"),
            charge=amount,
        )
    return claim


# A payment of three claims (paid in part, denied, reversed) and a provider adjustment, as a
# payer might send it; none of the claims is ours.
SEGMENTS = [
    "ISA*00*          *00*          *ZZ*SKMD0          *ZZ*STARLINE       *261201*1200*^*00501*000000007*0*P*:",
    "GS*HP*SKMD0*STARLINE*20261201*1200*7*X*005010X221A1",
    "ST*835*0001",
    "BPR*I*90*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20261201",
    "TRN*1*EFT0001*1512345678",
    "N1*PR*STATE MEDICAID*XV*SKMD0",
    "N3*1 CAPITOL WAY",
    "N4*SPRINGFIELD*IL*62701",
    "PER*BL*EDI*TE*8005550100",
    "N1*PE*ALPHA*XX*1234567893",
    "LX*1",
    "CLP*CLM1*1*150*110*20*MC*PCN1*12*1",
    "NM1*QC*1*LOPEZ*MARIA****MI*M1",
    "SVC*HC:T1019:U1:U2*100*80**4",
    "DTM*472*20261102",
    "CAS*PR*1*15**2*5",
    "REF*6R*LINE-A",
    "SVC*HC:T1019*50*30",
    "DTM*472*20261103",
    "CAS*CO*45*20*2",
    "CLP*CLM2*4*75*0*0*MC*PCN2*12*1",
    "CAS*CO*96*75",
    "NM1*QC*1*DOE*JOHN****MI*M2",
    "LX*2",
    "CLP*CLM3*22*-40*-40*0*MC*PCN3*12*1",
    "NM1*QC*1*ROE*ANA****MI*M3",
    "PLB*1234567893*20261231*WO:ACCT9*-20",
    "SE*26*0001",
    "GE*1*7",
    "IEA*1*000000007",
]


def text(segments: list[str] | None = None) -> str:
    return "~\n".join(segments or SEGMENTS) + "~\n"
