"""Demo staff: about 30 per organization, with supervisors, the demo accounts linked, four
certifications (CPR, First Aid, Medication Administration, CPI) in every state, training
programs and records. Deterministic; skipped when the organization already has staff."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from apps.accounts.models import Role, User
from apps.core import clock
from apps.staff import services
from apps.staff.models import Certification, CertificationRequirement, Staff, TrainingProgram

FIRST = [
    "Dana",
    "Noor",
    "Morgan",
    "Harper",
    "Jordan",
    "Riley",
    "Casey",
    "Avery",
    "Quinn",
    "Rowan",
    "Sage",
    "Emery",
    "Finley",
    "Hayden",
    "Kai",
    "Logan",
    "Micah",
    "Parker",
    "Reese",
    "Skyler",
]
LAST = [
    "Okafor",
    "Haddad",
    "Reyes",
    "Kowalski",
    "Baptiste",
    "Novak",
    "Mendez",
    "Singh",
    "Larsen",
    "Abebe",
    "Costa",
    "Dubois",
    "Ferreira",
    "Hoang",
    "Ibrahim",
    "Jensen",
    "Kaur",
    "Moreau",
    "Petrov",
    "Tanaka",
]
CERTS = [
    ("CPR", "CPR/AED for Professional Rescuers", "American Red Cross", 24),
    ("First Aid", "First Aid", "American Red Cross", 24),
    ("Medication Administration", "Medication Administration Certification", "State Department of Health", 12),
    ("CPI", "CPI Nonviolent Crisis Intervention", "Crisis Prevention Institute", 12),
]
PROGRAMS = [
    ("HIPAA privacy and security", "Compliance", 12, False, None),
    ("Abuse and neglect reporting", "Compliance", 12, False, None),
    ("Person-centered planning", "Practice", None, True, Decimal(80)),
]


@transaction.atomic
def seed(organization, *, stdout) -> None:
    if Staff.objects.exists():
        return
    rng = random.Random(f"staff-{organization.subdomain}")  # noqa: S311 - made-up demo data
    today = clock.today()
    hr = User.objects.filter(email=f"hr@{organization.subdomain}.test").first()
    assert hr is not None  # the accounts seed, which runs first, made every role's person
    dsp_role = Role.objects.filter(name="Direct Support Professional").first()
    for cert_type, *_rest in CERTS:
        requirement, _created = CertificationRequirement.objects.get_or_create(certification_type=cert_type)
        if cert_type in ("Medication Administration",) and dsp_role:
            requirement.required_roles.set([dsp_role])
            requirement.required_job_titles = ["Direct Support Professional", "Nurse"]
            requirement.save()
    programs = [
        services.program_save(
            program_name=name,
            category=category,
            is_mandatory=True,
            frequency_months=months,
            test_required=test,
            passing_score=score,
            delivery_method=TrainingProgram.Delivery.ONLINE,
            duration_hours=Decimal(2),
        )
        for name, category, months, test, score in PROGRAMS
    ]
    people: list[Staff] = []
    linked = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{organization.subdomain}.test")}
    titles = ["Direct Support Professional"] * 5 + ["Nurse", "Program Manager", "Scheduler"]
    departments = ["Residential", "Day Program", "Nursing"]
    for index in range(30):
        title = titles[index % len(titles)]
        local = {0: "dsp", 5: "nurse", 6: "manager", 7: "scheduler"}.get(index)
        user = linked.get(local) if local else None
        values: dict[str, Any] = dict(
            employee_id=f"E{1000 + index}",
            first_name=user.first_name if user else FIRST[index % len(FIRST)],
            last_name=user.last_name if user else LAST[(index * 3) % len(LAST)],
            email=user.email if user else f"staff{index}@{organization.subdomain}.test",
            phone=f"+1503555{3000 + index:04d}",
            hire_date=today - dt.timedelta(days=rng.randint(90, 3000)),
            department=departments[index % 3],
            job_title=title,
            work_location=["Maple House", "Riverside Day Program", "Workshop on 5th"][index % 3],
            supervisor=people[6] if len(people) > 6 and index != 6 else None,
            user=user,
        )
        if index == 29:
            values |= {"employment_status": Staff.Status.TERMINATED, "termination_date": today - dt.timedelta(days=10)}
        pay = services.Pay(
            pay_type=Staff.PayType.HOURLY, hourly_rate=Decimal(rng.choice(["18.50", "19.75", "21", "24.50"]))
        )
        people.append(
            services.staff_save(
                actor=hr, pay=pay, ssn=f"{200 + index:03d}-{40 + index:02d}-{5000 + index:04d}", **values
            )
        )
    # Certifications in every state: current, expiring, expired, pending renewal, suspended, missing.
    for index, staff in enumerate(people):
        for number, (cert_type, name, issuer, months) in enumerate(CERTS):
            kind = (index + number) % 6
            if kind == 5:
                continue  # missing
            expiry = {
                0: today + dt.timedelta(days=300),
                1: today + dt.timedelta(days=12),
                2: today - dt.timedelta(days=20),
                3: today + dt.timedelta(days=5),
                4: today + dt.timedelta(days=200),
            }[kind]
            services.certification_save(
                staff=staff,
                certification_type=cert_type,
                certification_name=name,
                issuing_organization=issuer,
                certification_number=f"{cert_type[:3].upper()}-{index:03d}{number}",
                issue_date=expiry - dt.timedelta(days=30 * months),
                expiry_date=expiry,
                renewal_period_months=months,
                status={3: Certification.Status.PENDING_RENEWAL, 4: Certification.Status.SUSPENDED}.get(
                    kind, Certification.Status.ACTIVE
                ),
            )
        for number, program in enumerate(programs):
            if (index + number) % 5 == 4:
                continue
            completed = today - dt.timedelta(days=rng.randint(20, 400))
            services.training_record_save(
                staff=staff,
                program=program,
                completed_on=completed,
                score=Decimal(rng.choice([70, 85, 95])) if program.test_required else None,
            )
    stdout.write(f"  {organization.name}: 30 staff, certifications in every state, training records")
