"""Data the benchmark scenarios need beyond seed_demo: a signed-in session for the
authenticated pages, and a CSRF pair for the sign-in POST. Writes bench/results/.auth.json
(git-ignored: it holds a live session key for the throwaway bench database)."""

import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")

import django  # noqa: E402

django.setup()

from importlib import import_module  # noqa: E402
from typing import cast  # noqa: E402

from django.conf import settings  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from apps.accounts import services  # noqa: E402
from apps.accounts.http import OrgRequest  # noqa: E402
from apps.accounts.models import User  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402
from apps.themes import services as theme_services  # noqa: E402
from apps.themes.models import CustomTheme  # noqa: E402
from bench import billing_volume, documentation_volume  # noqa: E402

HOST = "sunrise.localhost"
# The demo accounts whose homes bench/run.py measures (home_<role>).
HOME_ROLES = ("dsp", "scheduler", "manager", "hr", "admin", "auditor", "billing")


def _session_for(organization, email: str) -> str:
    with organization:
        user = User.objects.get(email=email)
        # As the tenant middleware makes it: an organization's request.
        request = cast(OrgRequest, RequestFactory().get("/", HTTP_HOST=HOST))
        request.organization = organization
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        request.user = user
        services.sign_in(request=request, user=user)
        request.session.save()
        key = request.session.session_key
        assert key is not None  # saving gave the session its key
        return key


def _many_people(organization, count: int = 300) -> None:
    """A realistic agency: a few hundred accounts, so the people list paginates."""
    from django.contrib.auth.hashers import make_password

    from apps.accounts.models import Role

    with organization:
        roles = list(Role.objects.filter(is_system_role=True))
        User.objects.bulk_create(
            [
                User(
                    email=f"staff{i:04d}@sunrise.test",
                    first_name=f"Staff{i:04d}",
                    last_name="Member",
                    role=roles[i % len(roles)],
                    password=make_password(None),
                )
                for i in range(count)
            ],
            ignore_conflicts=True,
        )


CLIENTS = int(os.environ.get("BENCH_CLIENTS", "10000"))


def _many_clients(organization, count: int = CLIENTS) -> str:
    """An agency with `count` clients (realistic names, SSNs encrypted as usual), a third of
    them at one location; returns one client's id for the detail page."""
    import datetime as dt
    import random

    from apps.clients.models import Client, ClientLocation
    from apps.clients.seed import FIRST, LAST

    rng = random.Random(7)
    with organization:
        community = ClientLocation.objects.create(name="Community supports", type="community")
        clients = [
            Client(
                client_id=f"B{i:06d}",
                first_name=rng.choice(FIRST),
                last_name=f"{rng.choice(LAST)}{'' if i % 3 else '-' + rng.choice(LAST)}",
                date_of_birth=dt.date(1950 + i % 55, 1 + i % 12, 1 + i % 28),
                ssn=f"{100 + i % 500:03d}-{10 + i % 89:02d}-{1000 + i % 8999:04d}",
                ssn_last4=f"{1000 + i % 8999:04d}",
                status="active" if i % 10 else "inactive",
                location=community if i % 3 == 0 else None,
                primary_diagnosis="F84.0 Autistic disorder",
                secondary_diagnoses=[{"code": "F70", "description": "Mild intellectual disabilities"}],
                allergies=[{"allergen": "Peanuts", "reaction": "Hives", "severity": "severe"}] if i % 4 == 0 else [],
            )
            for i in range(count)
        ]
        # Through the model's fields, so the SSN and the clinical detail are written encrypted
        # (a COPY of plain values would put PHI in the clear and fail to read back).
        Client.objects.bulk_create(clients, batch_size=2000)
        from apps.clients import services

        services.recount_locations([community.pk])
        return str(Client.objects.order_by("client_id").values_list("pk", flat=True)[count // 2])


STAFF = int(os.environ.get("BENCH_STAFF", "500"))


def _staff_volume(organization, count: int = STAFF) -> None:
    """500 staff against 10 requirements (4 certifications, 6 mandatory programs), each person
    with a mix of current, expiring, expired and missing certifications and training."""
    import datetime as dt

    from apps.staff.models import Certification, CertificationRequirement, Staff, TrainingProgram, TrainingRecord

    with organization:
        today = dt.date.today()
        for name in ("CPR", "First Aid", "Medication Administration", "CPI"):
            CertificationRequirement.objects.get_or_create(certification_type=name)
        programs = [
            TrainingProgram.objects.create(
                program_name=f"Mandatory training {i}", is_mandatory=True, frequency_months=12
            )
            for i in range(6)
        ]
        staff = Staff.objects.bulk_create(
            [
                Staff(
                    employee_id=f"BENCH{i:05d}",
                    first_name=f"Staff{i}",
                    last_name=["Garcia", "Nguyen", "Khan", "Martin", "Silva"][i % 5],
                    email=f"bench-staff{i}@sunrise.test",
                    hire_date=dt.date(2020, 1, 1),
                    department=["Residential", "Day Program", "Nursing"][i % 3],
                    work_location=["Maple House", "Riverside Day Program"][i % 2],
                    job_title="Direct Support Professional",
                )
                for i in range(count)
            ]
        )
        certs, records = [], []
        for i, person in enumerate(staff):
            for j, name in enumerate(("CPR", "First Aid", "Medication Administration", "CPI")):
                if (i + j) % 7 == 0:
                    continue
                expiry = today + dt.timedelta(days=[400, 10, -30][(i + j) % 3])
                certs.append(
                    Certification(
                        staff=person,
                        certification_type=name,
                        certification_name=name,
                        issuing_organization="Bench",
                        issue_date=expiry - dt.timedelta(days=730),
                        expiry_date=expiry,
                    )
                )
            for j, program in enumerate(programs):
                if (i + j) % 5 == 0:
                    continue
                completed = today - dt.timedelta(days=[30, 350, 400][(i + j) % 3])
                records.append(
                    TrainingRecord(
                        staff=person,
                        program=program,
                        completed_on=completed,
                        expires_on=completed + dt.timedelta(days=365),
                    )
                )
        Certification.objects.bulk_create(certs, batch_size=2000)
        TrainingRecord.objects.bulk_create(records, batch_size=2000)


SHIFTS = int(os.environ.get("BENCH_SHIFTS", "60000"))
SHIFT_LOCATIONS = 20
SHIFT_DAYS = 84


def _shift_volume(organization, count: int = SHIFTS) -> str:
    """Twelve weeks of shifts around today (six back, six ahead) for the 500 bench staff at 20
    locations: `count` shifts, each person on one or two a day (a morning and an afternoon to
    evening shift that never overlap), one in 25 open. Bulk-created with their instants worked
    out in the organization's zone, as shift_save would. Returns one location's id for the
    week grid."""
    import datetime as dt

    from apps.clients.models import ClientLocation
    from apps.scheduling import rules, timing
    from apps.scheduling.models import Shift
    from apps.scheduling.services import zone_of
    from apps.staff.models import Staff

    zone = zone_of(organization)
    slots = [(dt.time(7), dt.time(12)), (dt.time(14), dt.time(22))]
    with organization:
        staff = list(
            Staff.objects.filter(employee_id__startswith="BENCH").order_by("employee_id").values_list("pk", flat=True)
        )
        locations = ClientLocation.objects.bulk_create(
            [
                ClientLocation(name=f"Bench home {i:02d}", type="residential", capacity=6, current_occupancy=4)
                for i in range(SHIFT_LOCATIONS)
            ]
        )
        first = timing.week_of(dt.date.today(), rules.for_organization(organization).week_start) - dt.timedelta(
            weeks=SHIFT_DAYS // 14
        )
        per_day, extra = divmod(count, SHIFT_DAYS)
        shifts = []
        for offset in range(SHIFT_DAYS):
            day = first + dt.timedelta(days=offset)
            instants = [timing.bounds(day, start, end, zone) for start, end in slots]
            for j in range(per_day + (offset < extra)):
                # j < len(staff): everyone's morning; then afternoons for the first ones again.
                slot = min(j // len(staff), len(slots) - 1)
                start, end = slots[slot]
                shifts.append(
                    Shift(
                        staff_id=None if j % 25 == 24 else staff[(j + offset * 7) % len(staff)],
                        location_id=locations[j % SHIFT_LOCATIONS].pk,
                        shift_date=day,
                        start_time=start,
                        end_time=end,
                        starts_at=instants[slot][0],
                        ends_at=instants[slot][1],
                        status="completed" if day < dt.date.today() else "scheduled",
                    )
                )
        Shift.objects.bulk_create(shifts, batch_size=5000)
        return str(locations[0].pk)


AUDIT_ROWS = int(os.environ.get("BENCH_AUDIT_ROWS", "5000000"))
AUDIT_MONTHS = 24
AUDIT_OBJECTS = 20000


def _audit_volume(organization, rows: int = AUDIT_ROWS) -> str:
    """Years of an agency's audit log: `rows` entries over 24 monthly partitions, on 20,000
    records of a few kinds, by its few hundred people; one in 20,000 is about the admin's own
    account (whose history page the bench opens). Bulk-loaded with the chain trigger off
    (hashes are stand-ins: the bench times reads, verify_audit_chain is not run on it), then
    the chain head is moved past them so new entries chain on as usual."""
    from datetime import UTC, datetime

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from apps.accounts.models import Role
    from apps.audit import services as audit

    with organization:
        admin = User.objects.get(email="admin@sunrise.test")
        people = list(User.objects.values_list("pk", "email")[:400])
        user_type = ContentType.objects.get_for_model(User).pk
        role_type = ContentType.objects.get_for_model(Role).pk
        now = datetime.now(UTC)
        for back in range(AUDIT_MONTHS, 0, -1):
            month = now.month - back
            audit.partitions_ensure(
                now=datetime(now.year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=UTC), months_ahead=0
            )
        start = datetime(now.year - AUDIT_MONTHS // 12, now.month, 1, tzinfo=UTC)
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_id FROM audit_chainhead WHERE id = 1")
            offset = cursor.fetchone()[0]
            cursor.execute("ALTER TABLE audit_logentry DISABLE TRIGGER audit_entry_chain")
            cursor.execute(
                """
                INSERT INTO audit_logentry (id, timestamp, action, content_type_id, object_pk, object_repr,
                    changes_text, changes, actor_id, actor_email, remote_addr, user_agent, origin,
                    additional_data, prev_hash, hash)
                SELECT %(offset)s + g,
                    %(start)s::timestamptz + %(span)s::interval * (g::float8 / %(rows)s),
                    CASE WHEN g %% 10 < 6 THEN 3 WHEN g %% 10 < 9 THEN 1 ELSE 0 END,
                    CASE WHEN g %% 5 = 4 THEN %(role_type)s ELSE %(user_type)s END,
                    CASE WHEN g %% %(objects)s = 0 THEN %(admin)s ELSE md5((g %% %(objects)s)::text)::uuid::text END,
                    'Record ' || (g %% %(objects)s),
                    '',
                    CASE WHEN g %% 10 BETWEEN 6 AND 8
                         THEN jsonb_build_object('status', jsonb_build_array('active', 'suspended'))
                         ELSE '{}'::jsonb END,
                    (%(people)s::uuid[])[1 + g %% %(n)s],
                    (%(emails)s::text[])[1 + g %% %(n)s],
                    ('10.0.' || (g %% 250) || '.' || (g %% 7))::inet,
                    'Mozilla/5.0 (bench)', 'web',
                    CASE WHEN g %% 10 < 6 THEN '{"via": "view"}'::jsonb END,
                    md5((g - 1)::text) || md5((g - 1)::text), md5(g::text) || md5(g::text)
                FROM generate_series(1, %(rows)s) g
                """,
                {
                    "offset": offset,
                    "start": start,
                    "span": f"{(now - start).days} days",
                    "rows": rows,
                    "objects": AUDIT_OBJECTS,
                    "admin": str(admin.pk),
                    "role_type": role_type,
                    "user_type": user_type,
                    "people": [str(pk) for pk, _e in people],
                    "emails": [e for _pk, e in people],
                    "n": len(people),
                },
            )
            cursor.execute("ALTER TABLE audit_logentry ENABLE TRIGGER audit_entry_chain")
            cursor.execute(
                "UPDATE audit_chainhead SET last_id = %s, last_hash = md5(%s::text) || md5(%s::text) WHERE id = 1",
                [offset + rows, rows, rows],
            )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE audit_logentry")
    return str(admin.pk)


def _active_theme(organization) -> None:
    """An active custom theme, so the stylesheet measured joins the branding and a theme's CSS."""
    with organization:
        if CustomTheme.objects.filter(is_active=True).exists():
            return
        theme = theme_services.theme_create(
            theme_name="Bench theme",
            css_variables={"--sl-primary": "#0f766e", "--sl-radius": "6px"},
            custom_css=".card{border-radius:var(--sl-radius)}\n@media (max-width:40rem){.card{padding:0.75rem}}",
        )
        theme_services.theme_activate(theme=theme)


def _settle() -> None:
    """What autovacuum does to a live database within minutes of bulk loading: planner
    statistics and visibility maps. Without them the pages above are measured against plans
    for empty tables (a sequential scan to count 10,000 clients, heap fetches on every
    index-only scan), which no agency's database would show."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _auth_values(organization) -> dict:
    """Fresh signed-in sessions (a DSP's, the admin's, one per HOME_ROLES) and a CSRF pair for the
    sign-in POST."""
    client = Client(HTTP_HOST=HOST)
    page = client.get("/accounts/sign-in/")
    # The stylesheet as the pages link it: its URL names the hash of its content.
    stylesheet = re.search(r'<link rel="stylesheet" href="(/theme-[0-9a-f]{12}\.css)">', page.content.decode())
    assert stylesheet, "the sign-in page links the organization's hashed stylesheet"
    return {
        "org_stylesheet": stylesheet.group(1),
        "session": _session_for(organization, "dsp@sunrise.test"),
        "admin_session": _session_for(organization, "admin@sunrise.test"),
        "role_sessions": {role: _session_for(organization, f"{role}@sunrise.test") for role in HOME_ROLES},
        "csrf_cookie": client.cookies["csrftoken"].value,
        "csrf_token": page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0],
    }


def main() -> None:
    out = ROOT / "bench" / "results" / ".auth.json"
    organization = Organization.objects.get(subdomain="sunrise")
    if "--sessions" in sys.argv:
        # A partial run reuses the database; the last run's sessions have long been signed
        # out for idleness, so sign in again.
        out.write_text(json.dumps({**json.loads(out.read_text()), **_auth_values(organization)}))
        return
    # The files bench uploads 200 MB (the default limit is 25).
    organization.settings = {**(organization.settings or {}), "files": {"max_upload_mb": 250}}
    organization.save(update_fields=["settings"])
    _many_people(organization)
    client_object = _many_clients(organization)
    _staff_volume(organization)
    week_location = _shift_volume(organization)
    audit_object = _audit_volume(organization)
    documentation = documentation_volume.make(organization)
    billing = billing_volume.make(organization)
    _active_theme(organization)
    _settle()
    out.write_text(
        json.dumps(
            {
                **_auth_values(organization),
                "audit_object": audit_object,
                "client_object": client_object,
                "week_location": week_location,
                **documentation,
                **billing,
            }
        )
    )


if __name__ == "__main__":
    main()
