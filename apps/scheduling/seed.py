"""Demo scheduling: three services, coordinates for the demo locations and some clients'
homes, five weeks of schedules per location (two past, this week, next week, and a draft of the week after) with day,
evening and overnight shifts, open shifts, the conflicts a scheduler meets (a double-booking
and an expired CPR, both overridden with a reason; an overtime week), appointments, and
visits for the past shifts: mostly verified, some EVV exceptions, one corrected by hand.

Made as the app would make them: shifts placed by shift_place and checked together by the
conflict engine (as copying a week does, so the whole month costs a few queries), the
overridden ones saved through shift_save with their reasons, appointments through
appointment_save, visits through clock-in, clock-out and correction. Deterministic per
organization (relative to today), and skipped once the organization has services or shifts."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.clients.models import Client, ClientLocation
from apps.scheduling import conflicts, services, timing
from apps.scheduling import rules as org_rules
from apps.scheduling.models import Appointment, Schedule, Service, Shift, Visit
from apps.staff.models import Staff

SERVICES = [
    ("T2017", "Habilitation, residential", ["CPR"]),
    ("S5125", "Attendant care", []),
    ("T1019", "Personal care", []),
]
# The agency's city: Portland, Oregon, or Portland, Maine for the east-coast demo.
CENTERS = {"harbor": (43.6591, -70.2568)}
DEFAULT_CENTER = (45.5152, -122.6784)
LOCATION_OFFSETS = {
    "Maple House": (0.0121, 0.0213),
    "Riverside Day Program": (-0.0082, 0.0061),
    "Workshop on 5th": (0.0043, -0.0114),
}
DAY, EVENING, NIGHT = ("07:00", "15:00"), ("15:00", "23:00"), ("23:00", "07:00")
APPOINTMENTS = [
    (Appointment.Type.MEDICAL, "Annual physical", "Family medicine clinic"),
    (Appointment.Type.THERAPY, "Speech therapy", "Northside therapy center"),
    (Appointment.Type.MEDICAL, "Dentist: cleaning", "Main Street Dental"),
    (Appointment.Type.SOCIAL, "Bowling with friends", "Lucky Strike Lanes"),
    (Appointment.Type.FAMILY_VISIT, "Visit with family", "Family home"),
    (Appointment.Type.THERAPY, "Occupational therapy", "Northside therapy center"),
    (Appointment.Type.LEGAL, "Guardianship review", "County courthouse"),
    (Appointment.Type.OUTING, "Farmers market", "Downtown farmers market"),
]


def _coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


@transaction.atomic
def seed(organization, *, stdout) -> None:
    if Service.objects.exists() or Shift.objects.exists():
        return
    rng = random.Random(f"scheduling-{organization.subdomain}")  # noqa: S311 - made-up demo data
    Plan(organization, rng).run(stdout)


# Two weeks back, this week, next week (published, so staff see their next shifts) and the
# week after, still a draft for the schedulers.
WEEKS = 5


class Plan:
    """The demo weeks, built in order: places, services, shifts, appointments, visits."""

    def __init__(self, organization, rng: random.Random):
        self.organization = organization
        self.rng = rng
        self.zone = services.zone_of(organization)
        self.now = timezone.now()
        self.today = self.now.astimezone(self.zone).date()
        self.rules = org_rules.for_organization(organization)
        self.first_day = timing.week_of(self.today, self.rules.week_start) - dt.timedelta(days=14)
        self.actor = User.objects.filter(email=f"admin@{organization.subdomain}.test").first()
        self.staff = {s.employee_id: s for s in Staff.objects.filter(employment_status=Staff.Status.ACTIVE)}
        self.planned: list[tuple[Shift, str]] = []
        self.counts = {"shifts": 0, "open": 0, "overrides": 0, "appointments": 0, "visits": 0, "exceptions": 0}

    def person(self, index: int) -> Staff | None:
        return self.staff.get(f"E{1000 + index}")

    def run(self, stdout) -> None:
        self.place()
        catalog = {
            code: Service.objects.create(code=code, name=name, required_certifications=certs)
            for code, name, certs in SERVICES
        }
        locations = {loc.name: loc for loc in ClientLocation.objects.filter(name__in=LOCATION_OFFSETS)}
        schedules = self.schedules(locations)
        homes = list(
            Client.objects.filter(status=Client.Status.ACTIVE, latitude__isnull=False).order_by("client_id")[:4]
        )
        for week in range(WEEKS):
            start = self.first_day + dt.timedelta(days=7 * week)
            for offset in range(7):
                day = start + dt.timedelta(days=offset)
                self.day_shifts(day, week, locations, schedules, catalog, homes)
        self.save_shifts()
        self.appointments()
        # Published before the visits: nobody clocks into a shift of a draft schedule.
        self.publish(schedules)
        self.visits()
        stdout.write(
            f"  {self.organization.name}: {self.counts['shifts']} shifts ({self.counts['open']} open, "
            f"{self.counts['overrides']} with an overridden conflict), {self.counts['appointments']} appointments, "
            f"{self.counts['visits']} visits ({self.counts['exceptions']} exceptions)"
        )

    # --- places and schedules -------------------------------------------------------------------

    def place(self) -> None:
        center = CENTERS.get(self.organization.subdomain, DEFAULT_CENTER)
        for location in ClientLocation.objects.filter(name__in=LOCATION_OFFSETS, latitude__isnull=True):
            north, east = LOCATION_OFFSETS[location.name]
            location.latitude, location.longitude = _coordinate(center[0] + north), _coordinate(center[1] + east)
            fields = ["latitude", "longitude", "updated_at"]
            if location.name == "Maple House":
                # One awake staff member may support the whole house (at night); fewer on duty warns.
                location.required_certifications, location.clients_per_staff = ["CPR"], 8
                fields += ["required_certifications", "clients_per_staff"]
            location.save(update_fields=fields)
        # Homes of clients supported in their own homes (the first few), for in-home visits.
        homes = Client.objects.filter(status=Client.Status.ACTIVE, latitude__isnull=True).order_by("client_id")[:10]
        for client in homes:
            client.latitude = _coordinate(center[0] + self.rng.uniform(-0.04, 0.04))
            client.longitude = _coordinate(center[1] + self.rng.uniform(-0.05, 0.05))
            client.save(update_fields=["latitude", "longitude", "updated_at"])

    def schedules(self, locations) -> dict:
        schedules = {}
        for week in range(WEEKS):
            start = self.first_day + dt.timedelta(days=7 * week)
            # The in-home visits (no location) go in the agency-wide schedule.
            for name, location in [*locations.items(), ("", None)]:
                schedules[(name, week)] = services.schedule_save(
                    schedule=Schedule(
                        schedule_name=services.schedule_name(location, start),
                        name_is_automatic=True,
                        start_date=start,
                        end_date=start + dt.timedelta(days=6),
                        location=location,
                    ),
                    actor=self.actor,
                )
        return schedules

    def publish(self, schedules) -> None:
        """Past and current weeks published (the oldest locked), next week published, the one
        after still a draft. Set directly: publishing through the service would notify every
        demo person of weeks that are already over."""
        for (_name, week), schedule in schedules.items():
            if week == WEEKS - 1:
                continue
            schedule.status = Schedule.Status.LOCKED if week == 0 else Schedule.Status.PUBLISHED
            schedule.approved_by, schedule.approved_at = self.actor, self.now - dt.timedelta(days=7 * max(0, 2 - week))
            schedule.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])

    # --- shifts ---------------------------------------------------------------------------------

    def shift(self, day, times, *, staff=None, reason: str = "", notes: str = "", **fields) -> None:
        self.planned.append(
            (
                Shift(
                    staff=staff,
                    shift_date=day,
                    start_time=dt.time.fromisoformat(times[0]),
                    end_time=dt.time.fromisoformat(times[1]),
                    notes=notes,
                    **fields,
                ),
                reason,
            )
        )

    def save_shifts(self) -> None:
        """The planned weeks checked together, as copying a week does (one conflict check for
        all, a planned person who turns out unavailable leaves the shift open, as a scheduler
        would); then the overridden ones one by one through shift_save, with their reasons."""
        plain = [s for s, reason in self.planned if not reason]
        for shift in plain:
            services.shift_place(shift, organization=self.organization)
        for shift, findings in zip(plain, conflicts.check(plain, organization=self.organization), strict=True):
            if any(f.blocking for f in findings):
                shift.staff = None
        Shift.objects.bulk_create(plain)
        for shift, reason in self.planned:
            if not reason:
                continue
            try:
                services.shift_save(
                    shift=shift, actor=self.actor, organization=self.organization, override_reason=reason
                )
                self.counts["overrides"] += 1
            except services.Conflicts:
                shift._state.adding, shift.staff = True, None  # the refused save was rolled back
                services.shift_save(shift=shift, actor=self.actor, organization=self.organization)
        self.counts["shifts"] = len(self.planned)
        self.counts["open"] = sum(1 for s, _reason in self.planned if s.staff_id is None)

    def day_shifts(self, day, week, locations, schedules, catalog, homes) -> None:
        weekday = day.weekday()  # Monday = 0
        weekend = weekday >= 5
        maple = locations.get("Maple House")
        if maple is not None:
            at_maple = {"location": maple, "service": catalog["T2017"], "schedule": schedules[("Maple House", week)]}
            self.shift(day, DAY, staff=self.person(12 if weekend else 0), **at_maple)
            self.shift(day, EVENING, staff=self.person(24 if weekend else 18), **at_maple)
            if weekday == 4 and week == 2:
                # Nobody else free on Friday night: the manager lets an expired CPR through.
                self.shift(
                    day,
                    NIGHT,
                    staff=self.person(2),
                    reason="No other staff available; CPR renewal class booked for next Tuesday.",
                    **at_maple,
                )
            else:
                # Friday and Saturday nights are left for someone to claim.
                self.shift(day, NIGHT, staff=None if weekday in (4, 5) else self.person(1), **at_maple)
        riverside = locations.get("Riverside Day Program")
        if riverside is not None:
            at_riverside = {
                "location": riverside,
                "service": catalog["S5125"],
                "schedule": schedules[("Riverside Day Program", week)],
            }
            if not weekend:
                for index in (3, 9):
                    self.shift(day, ("08:30", "15:30"), staff=self.person(index), **at_riverside)
            if weekday == 2 and week == 1:
                self.shift(
                    day,
                    ("10:00", "14:00"),
                    staff=self.person(0),
                    reason="Covering the museum outing; Maple House day shift covered by the house manager.",
                    notes="Museum outing",
                    **at_riverside,
                )
            if weekday == 5 and week == 2:
                # A sixth day on top of a full week of evenings: the overtime warning.
                self.shift(day, ("09:00", "15:00"), staff=self.person(18), notes="Saturday open house", **at_riverside)
        workshop = locations.get("Workshop on 5th")
        if workshop is not None and not weekend:
            self.shift(
                day,
                ("09:00", "15:00"),
                staff=self.person(15),
                location=workshop,
                service=catalog["S5125"],
                schedule=schedules[("Workshop on 5th", week)],
            )
        if homes and weekday in (1, 3):
            client = homes[(week * 2 + (weekday == 3)) % len(homes)]
            self.shift(
                day,
                ("16:00", "18:00"),
                staff=self.person(21),
                client=client,
                service=catalog["T1019"],
                schedule=schedules[("", week)],
            )

    # --- appointments ---------------------------------------------------------------------------

    def appointments(self) -> None:
        clients = list(Client.objects.filter(status=Client.Status.ACTIVE).order_by("client_id")[:10])
        escort, driver = self.person(6), self.person(27)
        for index, client in enumerate(clients):
            kind, title, where = APPOINTMENTS[index % len(APPOINTMENTS)]
            day = self.first_day + dt.timedelta(days=1 + index * 3 - (index % 2))
            start = timing.instant(day, dt.time(9 + index % 6, 30), self.zone)
            transport = index % 3 != 2
            appointment = Appointment(
                client=client,
                staff=escort if index % 2 == 0 else None,
                appointment_type=kind,
                title=title,
                location=where,
                start_datetime=start,
                end_datetime=start + dt.timedelta(minutes=60 + 30 * (index % 3)),
                requires_transport=transport,
                transport_staff=driver if transport else None,
                status=Appointment.Status.COMPLETED if start < self.now else Appointment.Status.SCHEDULED,
                reminder_sent=start < self.now,
            )
            try:
                services.appointment_save(appointment=appointment, actor=self.actor, organization=self.organization)
            except services.Conflicts:
                appointment._state.adding = True  # the refused save was rolled back
                appointment.staff = appointment.transport_staff = None
                services.appointment_save(appointment=appointment, actor=self.actor, organization=self.organization)
            self.counts["appointments"] += 1

    # --- visits ---------------------------------------------------------------------------------

    def visits(self) -> None:
        """Clock-ins and clock-outs of every staffed shift that has ended, from phones near
        the site: one in eleven away from it (with a reason), one in seventeen without a
        position, one shift missed, and one visit whose clock-out was corrected by hand."""
        past = (
            Shift.objects.filter(staff__isnull=False, ends_at__lt=self.now - dt.timedelta(hours=1))
            .exclude(overrides__code="double_booked")  # nobody is in two places: the outing was covered
            .select_related("staff", "location", "client", "service")
        )
        corrected = False
        for number, shift in enumerate(past.order_by("starts_at")):
            if number % 29 == 14:
                shift.status = Shift.Status.NO_SHOW
                services.shift_save(shift=shift, actor=self.actor, organization=self.organization)
                continue
            site = shift.client if shift.client_id else shift.location
            latitude: float | None = None
            longitude: float | None = None
            accuracy: float | None = None
            reason_code, reason_note = "", ""
            if number % 17 == 8:
                reason_code, reason_note = Visit.Reason.DEVICE_PROBLEM, "Phone battery died."
            elif site is not None and site.latitude is not None and site.longitude is not None:
                away = number % 11 == 5
                latitude = float(site.latitude) + (0.0045 if away else self.rng.uniform(-0.0003, 0.0003))
                longitude = float(site.longitude) + self.rng.uniform(-0.0003, 0.0003)
                accuracy = self.rng.choice([8.0, 12.0, 20.0, 35.0])
                if away:
                    reason_code = Visit.Reason.COMMUNITY_ACTIVITY
                    reason_note = "Started the shift with a walk to the park."
            clock_in = shift.starts_at + dt.timedelta(minutes=self.rng.randint(-7, 6))
            visit = services.visit_clock_in(
                staff=shift.staff,
                organization=self.organization,
                shift=shift,
                at=clock_in,
                latitude=latitude,
                longitude=longitude,
                accuracy=accuracy,
                reason_code=reason_code,
                reason_note=reason_note,
            )
            if latitude is not None and site is not None and site.latitude is not None:
                # Back inside the geofence to clock out.
                latitude = float(site.latitude) + self.rng.uniform(-0.0003, 0.0003)
            clock_out = shift.ends_at + dt.timedelta(minutes=self.rng.randint(-3, 9))
            visit = services.visit_clock_out(
                visit=visit,
                staff=shift.staff,
                organization=self.organization,
                at=clock_out,
                latitude=latitude,
                longitude=longitude,
                accuracy=accuracy,
            )
            if not corrected and visit.status == Visit.Status.VERIFIED and visit.clock_out_at != shift.ends_at:
                visit = services.visit_correct(
                    visit=visit,
                    actor=self.actor,
                    reason="Clocked out late after a handover call; the supervisor confirmed the end time.",
                    clock_out_at=shift.ends_at,
                )
                corrected = True
            self.counts["visits"] += 1
            self.counts["exceptions"] += visit.status == Visit.Status.EXCEPTION
