"""Demo billing: the agency's billing identity, priced services, four payers with their rates,
coverage for every active client, authorizations (most comfortable, some near or past their
limit, one ending soon, one capped per week), two months of in-home visits billed from EVV,
last month's claims in every state (a draft, sent, processed with a partial payment, paid,
denied, rejected, and a replacement being prepared), one payment file (835) already posted,
and a second one left in Files for the Billing Specialist to import.

Made through the services, as the pages make them: the visits through scheduling's
clock-in and clock-out, billable services by the generation, claims by the claim builder, the
claim file by the 837P export, payments by the 835 import. Deterministic per organization, and
skipped once the organization has a payer.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.billing import authorizations, claims, coverage, generation, identity, jobs, payers, remittance
from apps.billing.models import Claim, Payer, ServiceAuthorization
from apps.billing.units import units_for
from apps.billing.x12.sample835 import build_835
from apps.clients.models import Client
from apps.core import clock
from apps.files import services as files
from apps.scheduling import services as scheduling
from apps.scheduling.models import Service, Shift, Visit
from apps.staff.models import Staff

PRICES = {
    # code: (unit minutes, rounding, base rate, modifiers, description)
    "T1019": (15, Service.Rounding.EIGHT_MINUTE, "6.50", ["U1"], "Personal care services, per 15 minutes."),
    "S5125": (15, Service.Rounding.EIGHT_MINUTE, "5.85", ["U3"], "Attendant care services, per 15 minutes."),
    "T2017": (15, Service.Rounding.DOWN, "7.40", ["HI"], "Habilitation, residential, waiver; per 15 minutes."),
}
PAYERS = [
    # name, type, filing indicator, EDI payer ID
    ("State Medicaid", Payer.Type.MEDICAID, Payer.FilingIndicator.MEDICAID, "SKMCD1"),
    ("Evergreen Health Plan", Payer.Type.MANAGED_CARE, Payer.FilingIndicator.HMO, "EVGRN1"),
    ("Cascade Mutual Insurance", Payer.Type.PRIVATE, Payer.FilingIndicator.COMMERCIAL, "CSCDM1"),
    ("Private pay", Payer.Type.SELF_PAY, Payer.FilingIndicator.MUTUALLY_DEFINED, ""),
]
ADDRESSES = {
    "harbor": ("120 Commercial St", "Portland", "ME", "041013456"),
}
DEFAULT_ADDRESS = ("1200 SW Main St", "Portland", "OR", "972051234")
# Clients with in-home visits, and how each one's authorization is sized (units for the
# authorization's whole span; "week" caps a week instead).
CASELOAD = ["comfortable", "comfortable", "comfortable", "near_limit", "exhausted", "ending", "weekly_cap", "none"]
# In-home visits: weekdays (Monday = 0) and times, by the client's place in the caseload.
SLOTS = [((0, 2, 4), dt.time(17, 0), dt.time(19, 0)), ((1, 3), dt.time(17, 30), dt.time(19, 15))]


def seed(organization, *, stdout) -> None:
    if Payer.objects.exists():
        return
    actor = User.objects.filter(email=f"billing@{organization.subdomain}.test").first()
    admin = User.objects.filter(email=f"admin@{organization.subdomain}.test").first()
    if actor is None or admin is None or not Service.objects.filter(code__in=PRICES).exists():
        return
    Seeder(organization, actor, admin).run(stdout)


class Seeder:
    def __init__(self, organization, actor: User, admin: User):
        self.organization = organization
        self.actor = actor
        self.admin = admin
        self.rng = random.Random(f"billing-{organization.subdomain}")  # noqa: S311 - made-up demo data
        self.today = clock.today(organization)
        self.this_month = clock.month_start(organization)
        self.last_month = (self.this_month - dt.timedelta(days=1)).replace(day=1)
        self.counts = {"visits": 0, "billable": 0, "blocked": 0, "claims": 0}

    def run(self, stdout) -> None:
        with transaction.atomic():
            self.billing_identity()
            self.price_services()
            self.payers()
            self.coverage()
        visits_by_client = self.visits()
        with transaction.atomic():
            self.authorizations(visits_by_client)
            result = generation.billables_generate(start=self.last_month, end=self.today, actor=self.actor)
            self.counts["billable"], self.counts["blocked"] = result.created, result.blocked
            self.manual_entry(visits_by_client)
            self.claims()
            jobs.authorization_alerts(day=self.today)
        stdout.write(
            f"  {self.organization.name}: {len(self.payer_by_name)} payers, {self.counts['visits']} in-home visits,"
            f" {self.counts['billable']} billable services ({self.counts['blocked']} blocked),"
            f" {self.counts['claims']} claims in every state, an 835 to import in Files"
        )

    # --- reference data -------------------------------------------------------------------------

    def billing_identity(self) -> None:
        street, city, state, postal = ADDRESSES.get(self.organization.subdomain, DEFAULT_ADDRESS)
        identity.billing_identity_save(
            organization=self.organization,
            actor=self.actor,
            values={
                "name": self.organization.name,
                # CMS's published example NPI: valid, and nobody's.
                "npi": "1234567893",
                "tax_id": "931234567",
                "taxonomy_code": "251C00000X",
                "address_line1": street,
                "city": city,
                "state": state,
                "postal_code": postal,
                "contact_name": str(self.actor),
                "contact_phone": "5035550142",
                "contact_email": self.actor.email,
                "submitter_id": self.organization.subdomain.upper()[:10] + "01",
                "receiver_id": "DEMOCLEAR",
                "receiver_name": "Demo Clearinghouse",
                "usage_indicator": "T",
            },
        )

    def price_services(self) -> None:
        for service in Service.objects.filter(code__in=PRICES):
            minutes, rounding, rate, modifiers, description = PRICES[service.code]
            service.unit_type = Service.UnitType.UNIT
            service.unit_minutes, service.rounding, service.base_rate = minutes, rounding, Decimal(rate)
            service.modifiers, service.description = modifiers, description
            service.full_clean()
            service.save(
                update_fields=[
                    "unit_type",
                    "unit_minutes",
                    "rounding",
                    "base_rate",
                    "modifiers",
                    "description",
                    "updated_at",
                ]
            )
        self.services = {s.code: s for s in Service.objects.filter(code__in=PRICES)}

    def payers(self) -> None:
        _street, city, state, postal = ADDRESSES.get(self.organization.subdomain, DEFAULT_ADDRESS)
        self.payer_by_name = {}
        for name, kind, indicator, edi in PAYERS:
            self.payer_by_name[name] = payers.payer_save(
                actor=self.actor,
                name=name,
                payer_type=kind,
                claim_filing_indicator=indicator,
                edi_payer_id=edi,
                address_line1="PO Box 14000" if edi else "",
                city=city if edi else "",
                state=state if edi else "",
                postal_code=postal[:5] if edi else "",
            )
        medicaid, plan = self.payer_by_name["State Medicaid"], self.payer_by_name["Evergreen Health Plan"]
        year = self.today.replace(month=1, day=1)
        last_year = year.replace(year=year.year - 1)
        for payer, code, rate, start, end in [
            (medicaid, "T1019", "6.40", last_year, year - dt.timedelta(days=1)),
            (medicaid, "T1019", "6.88", year, None),
            (medicaid, "S5125", "6.10", year, None),
            (plan, "T1019", "7.25", year, None),
            (plan, "S5125", "6.35", year, None),
        ]:
            payers.payer_rate_set(
                payer=payer,
                service=self.services[code],
                rate=Decimal(rate),
                effective_from=start,
                effective_to=end,
                actor=self.actor,
            )

    def coverage(self) -> None:
        """Every active client covered since their admission (or two years back): most by
        Medicaid, some by the managed-care plan, a few privately insured with Medicaid second."""
        medicaid = self.payer_by_name["State Medicaid"]
        plan = self.payer_by_name["Evergreen Health Plan"]
        insurer = self.payer_by_name["Cascade Mutual Insurance"]
        clients = Client.objects.filter(status=Client.Status.ACTIVE).order_by("client_id")
        for number, client in enumerate(clients):
            start = client.admission_date or self.today.replace(year=self.today.year - 2)
            primary = medicaid if number % 5 < 3 else plan if number % 5 == 3 else insurer
            coverage.coverage_save(
                client=client,
                actor=self.actor,
                payer=primary,
                rank=1,
                member_id=f"{primary.edi_payer_id[:2]}{70000000 + number * 7919:08d}",
                group_number="GRP-2210" if primary is insurer else "",
                subscriber_relationship="18",
                start_date=start,
            )
            if primary is insurer:
                coverage.coverage_save(
                    client=client,
                    actor=self.actor,
                    payer=medicaid,
                    rank=2,
                    member_id=f"SK{80000000 + number * 7919:08d}",
                    subscriber_relationship="18",
                    start_date=start,
                )

    # --- visits ---------------------------------------------------------------------------------

    def visits(self) -> dict:
        """In-home personal care since the first of last month for the caseload: clients with
        coordinates (so the visits verify) whose primary payer is Medicaid or the plan."""
        clients = list(
            Client.objects.filter(
                status=Client.Status.ACTIVE,
                latitude__isnull=False,
                coverages__rank=1,
                coverages__payer__in=[
                    self.payer_by_name["State Medicaid"],
                    self.payer_by_name["Evergreen Health Plan"],
                ],
            )
            # What a claim needs of the client: an address and a diagnosis.
            .exclude(address_line1="")
            .exclude(city="")
            .exclude(state="")
            .exclude(postal_code="")
            # The diagnosis is encrypted, but an empty one is stored empty: this compares no PHI.
            .exclude(primary_diagnosis="")
            .order_by("client_id")[: len(CASELOAD)]
        )
        staff = list(
            Staff.objects.filter(employment_status=Staff.Status.ACTIVE, user__isnull=True).order_by("employee_id")[
                : len(clients)
            ]
        )
        service = self.services["T1019"]
        visits: dict = {}
        day = self.last_month
        while day < self.today:
            for index, client in enumerate(clients):
                weekdays, start, end = SLOTS[index % len(SLOTS)]
                if day.weekday() not in weekdays or not staff:
                    continue
                visit = self.visit(client, staff[index % len(staff)], service, day, start, end)
                if visit is not None:
                    visits.setdefault(client, []).append(visit)
            day += dt.timedelta(days=1)
        return visits

    def visit(self, client: Client, person: Staff, service: Service, day, start, end) -> Visit | None:
        shift = Shift(shift_date=day, start_time=start, end_time=end, staff=person, client=client, service=service)
        try:
            with transaction.atomic():
                scheduling.shift_save(shift=shift, actor=self.admin, organization=self.organization)
                visit = scheduling.visit_clock_in(
                    staff=person,
                    organization=self.organization,
                    shift=shift,
                    at=shift.starts_at + dt.timedelta(minutes=self.rng.randint(-3, 3)),
                    latitude=client.latitude,
                    longitude=client.longitude,
                    accuracy=10,
                )
                visit = scheduling.visit_clock_out(
                    visit=visit,
                    staff=person,
                    organization=self.organization,
                    at=shift.ends_at + dt.timedelta(minutes=self.rng.randint(-2, 4)),
                    latitude=client.latitude,
                    longitude=client.longitude,
                    accuracy=10,
                )
        except (ValidationError, PermissionDenied):
            return None  # a slot the scheduling rules refuse
        self.counts["visits"] += 1
        return visit

    # --- authorizations and billing -------------------------------------------------------------

    def authorizations(self, visits_by_client: dict) -> None:
        """One authorization per caseload client for personal care, sized by what their visits
        use: most with room to spare, one past 80%, one used up before the month ends (its last
        visits are blocked), one ending within 30 days, one capped at two visits a week, and one
        client with none at all (their visits are blocked until the payer approves)."""
        service = self.services["T1019"]
        for number, (client, visits) in enumerate(visits_by_client.items()):
            kind = CASELOAD[number % len(CASELOAD)]
            if kind == "none":
                continue
            primary = coverage.primary_coverage(client=client, day=self.last_month)
            if primary is None:
                continue
            each = [
                units_for(service=service, seconds=int((v.clock_out_at - v.clock_in_at).total_seconds()))
                for v in visits
            ]
            used = sum(each, Decimal(0))
            units = {
                "comfortable": used * 3,
                "near_limit": (used / Decimal("0.86")).quantize(Decimal("1")),
                # Exactly what all but the last two visits use: 100% used, and those two blocked.
                "exhausted": sum(each[:-2], Decimal(0)) or each[0],
                "ending": used * 2,
                "weekly_cap": used * 2,
            }[kind]
            end = self.today + dt.timedelta(days=20) if kind == "ending" else self.today + dt.timedelta(days=120)
            authorizations.authorization_save(
                actor=self.actor,
                client=client,
                payer=primary.payer,
                service=service,
                authorization_number=f"PA-{self.today.year}-{1040 + number * 17}",
                start_date=self.last_month - dt.timedelta(days=61),
                end_date=end,
                units_authorized=units,
                period=ServiceAuthorization.Period.WEEK if kind == "weekly_cap" else ServiceAuthorization.Period.TOTAL,
                period_units=Decimal(16) if kind == "weekly_cap" else None,
                status=ServiceAuthorization.Status.ACTIVE,
            )

    def manual_entry(self, visits_by_client: dict) -> None:
        """A visit on paper: the phone app was down, the supervisor signed the timesheet (a
        weekday morning, when no other visit was recorded)."""
        if not visits_by_client:
            return
        client, visits = next(iter(visits_by_client.items()))
        day = self.last_month + dt.timedelta(days=(1 - self.last_month.weekday()) % 7)  # a Tuesday
        generation.billable_create_manual(
            client=client,
            staff=visits[0].staff,
            service=self.services["T1019"],
            service_date=day,
            start_time=dt.time(8, 0),
            end_time=dt.time(9, 0),
            reason="Paper timesheet signed by the supervisor: the phone app was down that morning.",
            actor=self.actor,
        )

    def claims(self) -> None:
        """Last month's claims, then their lives: one left as a draft, the rest sent in one 837P;
        a first payment file from Medicaid pays one in full, one in part (the rest contractual
        and patient responsibility) and denies one; another payer's comes back rejected; the
        paid one gets a replacement being prepared; the rest wait for Medicaid's second payment
        file, left in Files for the Billing Specialist to import."""
        made = claims.claims_build(start=self.last_month, end=self.this_month - dt.timedelta(days=1), actor=self.actor)
        made.sort(key=lambda c: c.claim_number)
        self.counts["claims"] = len(made)
        if len(made) < 2:
            return
        # The first stays a draft, for the Billing Specialist to send.
        sent = made[1:]
        claims.claims_export(claims=sent, actor=self.actor)
        medicaid = self.payer_by_name["State Medicaid"]
        by_medicaid = [c for c in sent if c.payer_id == medicaid.pk]
        others = [c for c in sent if c.payer_id != medicaid.pk]
        padded: list[Claim | None] = [*by_medicaid, None, None, None]
        paid, partial, denied, *rest = padded
        first = [c for c in (paid, partial, denied) if c is not None]
        if first:
            content = build_835(
                first,
                paid={partial.claim_number: (partial.total_amount * Decimal("0.8")).quantize(Decimal("0.01"))}
                if partial is not None
                else None,
                denied=[denied.claim_number] if denied is not None else (),
                trace_number=f"EFT{self.this_month:%Y%m}01",
                payment_date=self.today,
            )
            remittance.remittance_import(content=content, actor=self.actor, filename="remittance-1.835")
        if others:
            claims.claim_status_set(
                claim=others[0],
                status=Claim.Status.REJECTED,
                actor=self.actor,
                note="Clearinghouse 277CA: subscriber's member ID not found. Check the coverage and send again.",
            )
        if paid is not None:
            paid.refresh_from_db()
            if paid.payer_claim_number:
                claims.claim_replace(claim=paid, actor=self.actor)
        waiting = [c for c in rest if c is not None]
        if waiting:
            content = build_835(
                waiting, trace_number=f"EFT{self.this_month:%Y%m}02", payment_date=self.today, control_number=2
            )
            files.file_store_bytes(
                content=content.encode(),
                filename="demo-remittance-835.txt",
                actor=self.actor,
                description="A payment file (835) from State Medicaid: import it on Billing, Payments (835).",
            )
