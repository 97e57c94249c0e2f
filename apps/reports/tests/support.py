"""What the reports' tests share: a small organization's worth of records made directly, with
the numbers each report should show, and the period they fall in (November 2026, whose
Mondays are the 2nd, 9th, 16th, 23rd and 30th). Call `build()` under `with organization:`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from apps.accounts.models import User
from apps.audit.services import access_record, partitions_ensure
from apps.billing.models import BillableService, Payer, ServiceAuthorization
from apps.clients.models import Client, ClientLocation
from apps.core import clock
from apps.scheduling.models import Service, Shift, Visit
from apps.staff.models import Certification, CertificationRequirement, Staff, TrainingProgram, TrainingRecord

START, END = dt.date(2026, 11, 2), dt.date(2026, 11, 29)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
_n = count(1)


def make_client(location=None, status="active", **fields) -> Client:
    n = next(_n)
    values = {
        "client_id": f"R{n:05d}",
        "first_name": f"Ana{n}",
        "last_name": f"Reyes{n}",
        "date_of_birth": dt.date(1980, 1, 1),
        "status": status,
        "location": location,
    } | fields
    return Client.objects.create(**values)


def make_staff(pay_type="hourly", last_name=None) -> Staff:
    n = next(_n)
    return Staff.objects.create(
        employee_id=f"E{n:05d}",
        first_name="Pat",
        last_name=last_name or f"Worker{n}",
        email=f"worker{n}@example.org",
        hire_date=dt.date(2020, 1, 6),
        pay_type=pay_type,
    )


def make_visit(staff, client, day: dt.date, *, hours: str = "9", start: str = "09:00", out=True, **fields) -> Visit:
    begins = dt.datetime.combine(day, dt.time.fromisoformat(start)).replace(tzinfo=clock.zone())
    ends = begins + dt.timedelta(hours=float(Decimal(hours)))
    service, _created = Service.objects.get_or_create(code="T2017", defaults={"name": "Habilitation"})
    shift = Shift.objects.create(
        staff=staff,
        client=client,
        service=service,
        shift_date=day,
        start_time=begins.time(),
        end_time=ends.time(),
        starts_at=begins,
        ends_at=ends,
        status=Shift.Status.COMPLETED,
    )
    return Visit.objects.create(
        shift=shift,
        staff=staff,
        client=client,
        location=client.location,
        service_code=service.code,
        clock_in_at=begins,
        clock_out_at=ends if out else None,
        status=fields.pop("status", Visit.Status.VERIFIED if out else Visit.Status.OPEN),
        **fields,
    )


def make_billable(
    client, payer, day: dt.date, *, units="4", rate="6.25", status="ready", staff=None, authorization=None
):
    service, _created = Service.objects.get_or_create(code="T2017", defaults={"name": "Habilitation"})
    units_d, rate_d = Decimal(units), Decimal(rate)
    return BillableService.objects.create(
        client=client,
        staff=staff or make_staff(),
        service=service,
        payer=payer,
        source=BillableService.Source.MANUAL,
        reason="Entered for a test",
        service_date=day,
        minutes=60,
        units=units_d,
        rate=rate_d,
        total_amount=(units_d * rate_d).quantize(Decimal("0.01")),
        status=status,
        authorization=authorization,
    )


def make_authorization(client, payer, start: dt.date, end: dt.date, units: str, number: str) -> ServiceAuthorization:
    service, _created = Service.objects.get_or_create(code="T2017", defaults={"name": "Habilitation"})
    return ServiceAuthorization.objects.create(
        client=client,
        payer=payer,
        service=service,
        authorization_number=number,
        start_date=start,
        end_date=end,
        units_authorized=Decimal(units),
    )


def make_certification(staff, expiry: dt.date | None, kind: str = "CPR") -> Certification:
    return Certification.objects.create(
        staff=staff,
        certification_type=kind,
        certification_name=f"{kind} card",
        issuing_organization="Red Cross",
        issue_date=dt.date(2024, 1, 1),
        expiry_date=expiry,
    )


def make_incident(client, day: dt.date, answers: dict, status: str):
    from apps.documentation.models import FormSubmission, FormTemplate

    template = FormTemplate.objects.filter(form_type=FormTemplate.Type.INCIDENT_REPORT).first()
    if template is None:
        from apps.documentation import services, starters

        template = services.template_create(
            actor=User.objects.get(email__startswith="manager@"),
            template_name="Incident report",
            form_structure=starters.INCIDENT_REPORT,
            form_type=FormTemplate.Type.INCIDENT_REPORT,
        )
    return FormSubmission.objects.create(
        form_template=template,
        template_version=template.versions.order_by("-version")[0],
        client=client,
        staff=User.objects.get(email__startswith="dsp@"),
        status=status,
        service_date=day,
        submission_data={"what_happened": "A test incident", **answers},
    )


def weeks_start_on(weekday: int) -> None:
    """The active organization's weeks start on `weekday` (0 = Monday): payroll counts by them."""
    from apps.core.tenancy import current_organization
    from apps.tenants import services as tenants

    organization = current_organization()
    settings = dict(organization.settings or {})
    settings["scheduling"] = {**(settings.get("scheduling") or {}), "week_start": weekday}
    tenants.organization_update(organization=organization, settings=settings)


def build() -> dict:
    """Records for every report, with something each filter leaves out. The organization's
    weeks start on Monday here (the numbers below are worked out by Monday weeks)."""
    weeks_start_on(0)
    elm = ClientLocation.objects.create(name="Elm House")
    oak = ClientLocation.objects.create(name="Oak Day Program")
    clients = [
        make_client(elm),
        make_client(elm),
        make_client(elm, status="on_hold"),
        make_client(elm, status="discharged", admission_date=dt.date(2020, 1, 1), discharge_date=dt.date(2026, 1, 1)),
        make_client(oak),
        make_client(oak, status="inactive"),
        make_client(None),
    ]
    hourly, salaried = make_staff("hourly", "Adams"), make_staff("salary", "Baker")
    # Adams: 5 × 9 h in the week of 2 Nov (45 h: 5 overtime), 7.5 h in the week of 9 Nov.
    for offset in range(5):
        make_visit(hourly, clients[0], START + dt.timedelta(days=offset))
    make_visit(
        hourly,
        clients[4],
        dt.date(2026, 11, 10),
        hours="7.5",
        exception_codes=["outside_geofence"],
        status=Visit.Status.EXCEPTION,
    )
    # Baker: 5 × 9 h in the week of 2 Nov, salaried: all regular; one visit with two exceptions.
    for offset in range(5):
        make_visit(salaried, clients[1], START + dt.timedelta(days=offset), start="08:00")
    make_visit(
        salaried, clients[4], dt.date(2026, 11, 12), hours="2", exception_codes=["manual_entry", "early_or_late"]
    )
    # Left out: before the period, and still clocked in.
    make_visit(hourly, clients[0], dt.date(2026, 10, 20), exception_codes=["manual_entry"])
    make_visit(salaried, clients[1], dt.date(2026, 11, 20), out=False)

    medicaid = Payer.objects.create(name="State Medicaid", edi_payer_id="SKIL0", claim_filing_indicator="MC")
    hmo = Payer.objects.create(name="Care Plan HMO", edi_payer_id="HMO1", claim_filing_indicator="HM")
    # Utilization: 6 of 100 units used (a blocked service does not count); one authorization
    # unused; one after the period.
    in_force = make_authorization(clients[0], medicaid, dt.date(2026, 11, 1), dt.date(2026, 11, 30), "100", "PA-100")
    make_authorization(clients[4], medicaid, dt.date(2026, 10, 1), dt.date(2026, 11, 15), "20", "PA-200")
    make_authorization(clients[1], hmo, dt.date(2026, 12, 1), dt.date(2026, 12, 31), "50", "PA-300")
    make_billable(clients[0], medicaid, dt.date(2026, 11, 3), authorization=in_force)
    make_billable(clients[0], medicaid, dt.date(2026, 11, 4), units="2", status="claimed", authorization=in_force)
    make_billable(clients[0], medicaid, dt.date(2026, 11, 5), units="3", status="blocked", authorization=in_force)
    make_billable(clients[1], hmo, dt.date(2026, 11, 5), units="8", rate="5.10")
    make_billable(clients[1], hmo, dt.date(2026, 11, 6), status="void")
    make_billable(clients[1], hmo, dt.date(2026, 10, 30))

    # Compliance, as of today: CPR and a mandatory program required of everyone.
    today = clock.today()
    CertificationRequirement.objects.create(certification_type="CPR")
    program = TrainingProgram.objects.create(program_name="Abuse prevention", is_mandatory=True)
    clark = make_staff("hourly", "Clark")
    make_certification(hourly, today + dt.timedelta(days=400))
    make_certification(salaried, today + dt.timedelta(days=5))
    make_certification(clark, today - dt.timedelta(days=1))
    TrainingRecord.objects.create(staff=hourly, program=program, completed_on=today - dt.timedelta(days=10))
    record = TrainingRecord.objects.create(staff=salaried, program=program, completed_on=today - dt.timedelta(days=800))
    TrainingRecord.objects.filter(pk=record.pk).update(expires_on=today - dt.timedelta(days=70))
    Staff.objects.create(
        employee_id="GONE1",
        first_name="Ex",
        last_name="Former",
        email="gone@example.org",
        hire_date=dt.date(2020, 1, 1),
        employment_status="terminated",
    )

    # Incidents: Elm in November (an injury, an injury with abuse suspected, one of no kind, a
    # draft left out), Oak in October, Oak in November with emergency services.
    for client, day, answers, status in [
        (clients[0], dt.date(2026, 11, 3), {"injury": "yes"}, "submitted"),
        (clients[1], dt.date(2026, 11, 9), {"injury": "yes", "abuse_suspected": "yes"}, "approved"),
        (clients[1], dt.date(2026, 11, 20), {"injury": "no", "abuse_suspected": "no"}, "submitted"),
        (clients[0], dt.date(2026, 11, 21), {"injury": "yes"}, "draft"),
        (clients[4], dt.date(2026, 10, 30), {"injury": "yes"}, "submitted"),
        (clients[4], dt.date(2026, 11, 12), {"emergency_services": "yes"}, "submitted"),
    ]:
        make_incident(client, day, answers, status)

    reader = User.objects.get(email__startswith="manager@")
    other = User.objects.get(email__startswith="nurse@")
    # The log is partitioned by month: the test's past months need theirs.
    partitions_ensure(now=dt.datetime(2026, 10, 1, tzinfo=dt.UTC), months_ahead=2)
    moment = clock.start_of_day(dt.date(2026, 11, 10)) + dt.timedelta(hours=10)
    for minutes, (user, client) in enumerate(
        [(reader, clients[0]), (reader, clients[0]), (other, clients[0]), (reader, clients[4])]
    ):
        access_record(obj=client, user=user, now=moment + dt.timedelta(minutes=minutes))
    access_record(obj=clients[4], user=reader, now=moment - dt.timedelta(days=30))
    return {
        "elm": elm,
        "oak": oak,
        "clients": clients,
        "medicaid": medicaid,
        "hmo": hmo,
        "hourly": hourly,
        "salaried": salaried,
        "clark": clark,
    }
