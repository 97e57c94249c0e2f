"""Demo clients: about 40 per organization, three locations, contacts, a care team for the
demo support worker and nurse, and care plans in every state. Deterministic per
organization, and skipped when the organization already has clients."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.clients import services
from apps.clients.models import CarePlan, Client, ClientContact, ClientLocation
from apps.core import clock

FIRST = [
    "Maria",
    "James",
    "Aisha",
    "Daniel",
    "Sofia",
    "Marcus",
    "Lena",
    "Tomás",
    "Priya",
    "Ethan",
    "Grace",
    "Mateo",
    "Hannah",
    "Omar",
    "Chloe",
    "Noah",
    "Imani",
    "Lucas",
    "Mei",
    "Samuel",
    "Rosa",
    "Elijah",
    "Fatima",
    "Owen",
    "Isabel",
    "Caleb",
    "Nadia",
    "Julian",
    "Zoe",
    "Andre",
    "Leah",
    "Diego",
    "Ava",
    "Kenji",
    "Ruth",
    "Malik",
    "Clara",
    "Ivan",
    "Maya",
    "Felix",
    "Marisol",
    "Martin",
]
LAST = [
    "Garcia",
    "Johnson",
    "Khan",
    "Nguyen",
    "Rossi",
    "Williams",
    "Schmidt",
    "López",
    "Patel",
    "Brown",
    "Kim",
    "Hernández",
    "Cohen",
    "Haddad",
    "Martin",
    "Davis",
    "Okafor",
    "Silva",
    "Chen",
    "Wright",
    "Morales",
    "Jackson",
    "Ali",
    "Murphy",
    "Reyes",
    "Turner",
    "Ivanova",
    "Baker",
    "Sato",
    "Green",
]
DIAGNOSES = [
    ("F84.0", "Autistic disorder"),
    ("F70", "Mild intellectual disabilities"),
    ("F71", "Moderate intellectual disabilities"),
    ("Q90.9", "Down syndrome, unspecified"),
    ("G80.9", "Cerebral palsy, unspecified"),
    ("G40.909", "Epilepsy, unspecified"),
    ("E11.9", "Type 2 diabetes mellitus without complications"),
]
ALLERGENS = [("Peanuts", "Hives", "severe"), ("Penicillin", "Rash", "moderate"), ("Latex", "Itching", "mild")]
DIETS = ["Low sodium", "Thickened liquids", "Gluten free", "Diabetic diet", "Pureed foods"]
STREETS = ["Oak Street", "Alder Avenue", "Hawthorne Boulevard", "Division Street", "Burnside Road", "Clinton Street"]
LOCATIONS = [
    ("Maple House", ClientLocation.Type.RESIDENTIAL, 8),
    ("Riverside Day Program", ClientLocation.Type.DAY_PROGRAM, 25),
    ("Workshop on 5th", ClientLocation.Type.WORKSHOP, 15),
]
PLAN_STATES = [
    CarePlan.Status.ACTIVE,
    CarePlan.Status.ACTIVE,
    CarePlan.Status.DRAFT,
    CarePlan.Status.UNDER_REVIEW,
    CarePlan.Status.EXPIRED,
    CarePlan.Status.ARCHIVED,
]


def _ssn(rng: random.Random) -> str:
    return f"{rng.randint(100, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


@transaction.atomic
def seed(organization, *, stdout) -> None:
    if Client.objects.exists():
        return
    rng = random.Random(organization.subdomain)  # noqa: S311 - made-up demo data, the same on every run
    manager = User.objects.filter(email=f"manager@{organization.subdomain}.test").first()
    admin = User.objects.filter(email=f"admin@{organization.subdomain}.test").first()
    assert admin is not None  # the accounts seed, which runs first, made every role's person
    dsp = User.objects.filter(email=f"dsp@{organization.subdomain}.test").first()
    nurse = User.objects.filter(email=f"nurse@{organization.subdomain}.test").first()
    city = (organization.address or "").split(",")[1].strip() if "," in (organization.address or "") else ""
    # "1200 SE Morrison St, Portland, OR 97214": clients live in the organization's city.
    region = (organization.address or "").split(",")[2].split() if (organization.address or "").count(",") >= 2 else []
    home_state, postal_code = [*region, "", ""][:2]
    locations = [
        services.location_save(name=name, type=kind, capacity=capacity, city=city, manager=manager)
        for name, kind, capacity in LOCATIONS
    ]
    today = clock.today()
    for index in range(40):
        first, last = FIRST[index % len(FIRST)], LAST[(index * 7) % len(LAST)]
        status = Client.Status.ACTIVE
        if index % 13 == 12:
            status = Client.Status.DISCHARGED
        elif index % 17 == 16:
            status = Client.Status.ON_HOLD
        admission = today - dt.timedelta(days=rng.randint(60, 3000))
        diagnoses = rng.sample(DIAGNOSES, 2)
        values: dict[str, Any] = dict(
            first_name=first,
            last_name=last,
            preferred_name=first[:3] if index % 9 == 0 else "",
            date_of_birth=dt.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            gender=rng.choice(Client.Gender.values),
            status=status,
            admission_date=admission,
            discharge_date=today - dt.timedelta(days=rng.randint(1, 50))
            if status == Client.Status.DISCHARGED
            else None,
            primary_diagnosis=f"{diagnoses[0][0]} {diagnoses[0][1]}",
            secondary_diagnoses=[{"code": diagnoses[1][0], "description": diagnoses[1][1]}],
            allergies=[dict(zip(("allergen", "reaction", "severity"), ALLERGENS[index % 3], strict=True))]
            if index % 4 == 0
            else [],
            dietary_restrictions=rng.sample(DIETS, index % 3),
            location=None,
            address_line1=f"{rng.randint(100, 9899)} {rng.choice(STREETS)}",
            address_line2=f"Apt {rng.randint(1, 40)}" if index % 5 == 0 else "",
            city=city,
            state=home_state,
            postal_code=postal_code,
            phone=f"+1503555{3000 + index:04d}",
        )
        preferred = locations[index % 3]
        if preferred.capacity is None or preferred.current_occupancy < preferred.capacity or status in Client.CLOSED:
            values["location"] = preferred
        client = services.client_save(actor=admin, organization=organization, ssn=_ssn(rng), **values)
        preferred.refresh_from_db()
        ClientContact.objects.create(
            client=client,
            contact_type=ClientContact.Type.GUARDIAN if index % 2 else ClientContact.Type.EMERGENCY,
            first_name=rng.choice(FIRST),
            last_name=last,
            relationship="Parent" if index % 2 else "Sibling",
            phone_primary=f"+1503555{1000 + index:04d}",
            email=f"family{index}@example.org",
            is_primary=True,
            can_make_decisions=bool(index % 2),
        )
        ClientContact.objects.create(
            client=client,
            contact_type=ClientContact.Type.PHYSICIAN,
            first_name="Dr. " + rng.choice(FIRST),
            last_name=rng.choice(LAST),
            phone_primary=f"+1503555{2000 + index:04d}",
        )
        if index < 8 and dsp:
            services.care_team_add(client=client, user=dsp)
        if 4 <= index < 12 and nurse:
            services.care_team_add(client=client, user=nurse)
        state = PLAN_STATES[index % len(PLAN_STATES)]
        start = today - dt.timedelta(days=400 if state == CarePlan.Status.EXPIRED else 120)
        CarePlan.objects.create(
            client=client,
            plan_type=CarePlan.Type.ISP,
            title=f"Individual support plan {start.year}",
            start_date=start,
            end_date=start + dt.timedelta(days=365),
            review_date=today + dt.timedelta(days=(index % 30) - 5) if state == CarePlan.Status.ACTIVE else None,
            status=state,
            goals=[
                {
                    "description": "Prepare a simple meal with support",
                    "target": "3 times a week for 3 months",
                    "start_date": start.isoformat(),
                    "target_date": (start + dt.timedelta(days=180)).isoformat(),
                    "status": "in_progress",
                },
                {
                    "description": "Use the bus to the day program",
                    "target": "Independently, 4 of 5 days",
                    "start_date": start.isoformat(),
                    "target_date": "",
                    "status": "not_started",
                },
            ],
            interventions=[
                {
                    "description": "Step-by-step cooking prompts",
                    "frequency": "3x weekly",
                    "responsible_role": "Direct Support Professional",
                },
                {"description": "Travel training", "frequency": "Weekly", "responsible_role": "Program Manager"},
            ],
            responsible_staff=[u.pk for u in (dsp, manager) if u],
            created_by=manager,
            approved_by=admin
            if state in (CarePlan.Status.ACTIVE, CarePlan.Status.EXPIRED, CarePlan.Status.ARCHIVED)
            else None,
            approved_date=timezone.now() - dt.timedelta(days=100) if state != CarePlan.Status.DRAFT else None,
        )
    stdout.write(f"  {organization.name}: 40 clients, 3 locations, care plans in every state")
