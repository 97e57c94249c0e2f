"""Demo documentation: visit notes for the visits of the demo staff who have accounts (most
submitted and signed, some approved, the latest few still due, one of them a draft), a few
medication notes and a monthly summary (unsigned), and incident reports in every state:
a draft, one waiting for review, one overdue, one approved and signed by both, one rejected
with its reason, and one whose injury alerted the managers.

Made through the services, as the pages make them (signatures typed or drawn under the
consent text); only the times a real week would have spread out (when a note was started
and submitted) are set afterwards, and never what a signature covers. Deterministic per
organization, and skipped once the organization has any submission.

A note is about one person, and the demo schedule's visits are mostly house shifts (no
client) by staff without an account: so the demo support worker and nurse first get the
in-home visits a caseload has (weekends for the support worker, weekday mornings for the
nurse, with clients of their care team), placed, clocked in and out through the scheduling
services. A slot the conflict rules refuse is skipped."""

from __future__ import annotations

import base64
import datetime as dt
import random
import struct
import zlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.clients.models import Client, ClientUserObjectPermission
from apps.core import clock
from apps.documentation import services, signing
from apps.documentation.models import ElectronicSignature, FormSubmission, FormTemplate, SubmissionEvent
from apps.documentation.visit_notes import prefill_for_visit
from apps.scheduling import services as scheduling
from apps.scheduling.models import Service, Shift, Visit
from apps.staff.models import Staff

# Visits of the last three weeks get notes; the latest few are left due.
WEEKS_OF_NOTES = 3
LEFT_DUE = 3
# In-home visits over the last two weeks: (person, weekdays, start, end), Monday = 0.
HOME_VISITS = [
    ("dsp", (5, 6), dt.time(10, 0), dt.time(13, 0)),
    ("nurse", (0, 1, 2, 3, 4), dt.time(10, 0), dt.time(11, 30)),
]
HOME_VISIT_DAYS = 14

ACTIVITIES = [
    "Cooked lunch together; Jordan chopped the vegetables and set the table without prompts.",
    "Walked to the library and picked two books; greeted the librarian by name.",
    "Practised counting change at the grocery store; needed one prompt at the till.",
    "Laundry and folding; asked to take a break halfway and finished after it.",
    "Bus trip to the day program; read the timetable and chose the right stop.",
    "Board games with a housemate; took turns and laughed a lot.",
    "Morning routine with verbal prompts only; chose clothes for the weather.",
]
GOALS = [
    "Independent meal preparation (goal 1).",
    "Community access: using the bus (goal 2).",
    "Money skills (goal 3).",
    "Daily living: laundry (goal 4).",
]
INCIDENTS = [
    ("draft", "Kitchen", "Spilled hot tea on the counter; nobody was touched.", "no"),
    ("submitted", "Back garden", "Tripped on the garden step; got up alone and said it did not hurt.", "no"),
    ("overdue", "Van, on the way to the day program", "Pulled the seat belt off twice while driving.", "no"),
    ("approved", "Living room", "A housemate shouted and threw a cushion; both calmed down after 10 minutes.", "no"),
    ("rejected", "Bathroom", "Slipped getting out of the shower.", "no"),
    ("alert", "Front steps", "Fell on the front steps and cut the left knee.", "yes"),
]


def _png(width: int = 120, height: int = 36) -> bytes:
    """A small black-on-transparent scribble, as the signature pad would send it."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter: none
        for x in range(width):
            on = abs(y - (height // 2 + int(10 * ((x % 40) / 40 - 0.5)))) <= 1 and 8 < x < width - 8
            row += bytes([0, 0, 0, 255]) if on else bytes([0, 0, 0, 0])
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


DRAWN = "data:image/png;base64," + base64.b64encode(_png()).decode()


def typed(user: User) -> signing.SignatureInput:
    return signing.SignatureInput(
        method=ElectronicSignature.Method.TYPED,
        data=str(user),
        consent_text=str(signing.CONSENT_TEXT),
        agreed=True,
        ip_address="203.0.113.10",
        user_agent="Mozilla/5.0 (demo data)",
    )


def drawn() -> signing.SignatureInput:
    return signing.SignatureInput(
        method=ElectronicSignature.Method.DRAWN,
        data=DRAWN,
        consent_text=str(signing.CONSENT_TEXT),
        agreed=True,
        ip_address="203.0.113.11",
        user_agent="Mozilla/5.0 (demo data; touch screen)",
    )


@transaction.atomic
def seed(organization, *, stdout) -> None:
    if FormSubmission.objects.exists():
        return
    starters = {t.starter: t for t in FormTemplate.objects.filter(starter__gt="", is_active=True)}
    manager = User.objects.filter(email=f"manager@{organization.subdomain}.test").first()
    if manager is None or not {"progress_note", "incident_report"} <= set(starters):
        return
    Seeder(organization, starters, manager).run(stdout)


class Seeder:
    def __init__(self, organization, starters: dict[str, FormTemplate], manager: User):
        self.organization = organization
        self.starters = starters
        self.manager = manager
        self.rng = random.Random(f"documentation-{organization.subdomain}")  # noqa: S311 - made-up demo data
        self.zone = clock.zone(organization)
        self.now = timezone.now()
        self.counts = {"notes": 0, "approved": 0, "due": 0, "incidents": 0, "other": 0}

    def run(self, stdout) -> None:
        self.home_visits()
        self.visit_notes()
        self.other_forms()
        self.incidents()
        stdout.write(
            f"  {self.organization.name}: {self.counts['notes']} visit notes ({self.counts['approved']} approved,"
            f" {self.counts['due']} left due), {self.counts['incidents']} incident reports,"
            f" {self.counts['other']} other forms"
        )

    def backdate(self, submission: FormSubmission, when: dt.datetime, *, submitted: bool = True) -> None:
        """When the note was started and submitted, as a real week spreads them: what the
        signatures cover (the answers) is untouched."""
        values: dict = {"created_at": when}
        if submitted:
            values["submitted_at"] = when + dt.timedelta(minutes=20)
        FormSubmission.objects.filter(pk=submission.pk).update(**values)
        SubmissionEvent.objects.filter(submission=submission).update(created_at=when)

    # --- in-home visits ------------------------------------------------------------------------

    def home_visits(self) -> None:
        admin = User.objects.filter(email=f"admin@{self.organization.subdomain}.test").first()
        service = Service.objects.filter(code="T1019").first()
        today = clock.today(self.organization)
        for local, weekdays, start, end in HOME_VISITS:
            staff = Staff.objects.filter(user__email=f"{local}@{self.organization.subdomain}.test").first()
            if staff is None or staff.user_id is None or admin is None:
                continue
            caseload = list(
                Client.objects.filter(
                    status=Client.Status.ACTIVE,
                    pk__in=ClientUserObjectPermission.objects.filter(user_id=staff.user_id).values("content_object_id"),
                ).order_by("client_id")[:3]
            )
            if not caseload:
                continue
            days = [today - dt.timedelta(days=n) for n in range(HOME_VISIT_DAYS, 0, -1)]
            for number, day in enumerate(d for d in days if d.weekday() in weekdays):
                shift = Shift(
                    shift_date=day,
                    start_time=start,
                    end_time=end,
                    staff=staff,
                    client=caseload[number % len(caseload)],
                    service=service,
                )
                try:
                    with transaction.atomic():
                        scheduling.shift_save(shift=shift, actor=admin, organization=self.organization)
                        self.clock(shift, staff)
                except (ValidationError, PermissionDenied):
                    continue  # a slot the rules refuse (a conflict, a schedule not published)

    def clock(self, shift: Shift, staff: Staff) -> None:
        client = shift.client
        assert client is not None
        position: dict = {"reason_code": Visit.Reason.DEVICE_PROBLEM, "reason_note": "Phone had no signal."}
        if client.latitude is not None and client.longitude is not None:
            position = {"latitude": client.latitude, "longitude": client.longitude, "accuracy": 10}
        visit = scheduling.visit_clock_in(
            staff=staff,
            organization=self.organization,
            shift=shift,
            at=shift.starts_at + dt.timedelta(minutes=self.rng.randint(-4, 4)),
            **position,
        )
        scheduling.visit_clock_out(
            visit=visit,
            staff=staff,
            organization=self.organization,
            at=shift.ends_at + dt.timedelta(minutes=self.rng.randint(-2, 6)),
            **position,
        )

    # --- visit notes --------------------------------------------------------------------------

    def visit_notes(self) -> None:
        template = self.starters["progress_note"]
        structure = services.template_current_version(template).form_structure
        visits = list(
            Visit.objects.filter(
                clock_out_at__isnull=False,
                client__isnull=False,
                staff__user__isnull=False,
                staff__user__status=User.Status.ACTIVE,
                clock_in_at__gte=self.now - dt.timedelta(weeks=WEEKS_OF_NOTES),
            )
            .select_related("staff__user", "client")
            .order_by("clock_in_at", "pk")
        )
        written, due = visits[:-LEFT_DUE] if len(visits) > LEFT_DUE else [], visits[-LEFT_DUE:]
        for number, visit in enumerate(written):
            author = visit.staff.user
            assert author is not None
            note = services.submission_start(
                template=template,
                author=author,
                client=visit.client,
                visit=visit,
                service_date=clock.local_date(visit.clock_in_at, self.organization),
                answers=prefill_for_visit(structure, visit, self.zone),
            )
            answers = {**note.submission_data, **self.note_answers(number)}
            services.submission_save(
                submission=note, actor=author, answers=answers, submit=True, signature=typed(author)
            )
            assert visit.clock_out_at is not None
            self.backdate(note, visit.clock_out_at + dt.timedelta(minutes=5))
            self.counts["notes"] += 1
            if number % 4 == 1 and author.pk != self.manager.pk:
                services.submission_approve(submission=note, actor=self.manager)
                self.counts["approved"] += 1
        # The latest visits still wait for their note; the last one has a draft started.
        for number, visit in enumerate(due):
            self.counts["due"] += 1
            author = visit.staff.user
            if number == len(due) - 1 and author is not None:
                services.submission_start(
                    template=template,
                    author=author,
                    client=visit.client,
                    visit=visit,
                    service_date=clock.local_date(visit.clock_in_at, self.organization),
                    answers=prefill_for_visit(structure, visit, self.zone),
                )

    def note_answers(self, number: int) -> dict:
        concern = number % 6 == 3
        answers = {
            "services_provided": self.rng.sample(["personal_care", "daily_living", "meals", "community"], 2),
            "goals": self.rng.choice(GOALS),
            "activities": self.rng.choice(ACTIVITIES),
            "mood": self.rng.choice([3, 4, 4, 5]),
            "concerns": "yes" if concern else "no",
            "next_steps": "Keep practising with fewer prompts next visit.",
        }
        if concern:
            answers["concern_details"] = "Coughing in the afternoon; told the nurse, who will check tomorrow."
        return answers

    # --- other forms: unsigned, one approved ---------------------------------------------------

    def other_forms(self) -> None:
        nurse = User.objects.filter(email=f"nurse@{self.organization.subdomain}.test").first()
        clients = list(Client.objects.filter(status=Client.Status.ACTIVE).order_by("client_id")[:3])
        medication = self.starters.get("medication")
        if nurse is not None and medication is not None:
            for number, client in enumerate(clients):
                outcome = "refused" if number == 1 else "given"
                answers = {
                    "client": str(client.pk),
                    "medication": ["Levothyroxine 50 mcg", "Metformin 500 mg", "Vitamin D 1000 IU"][number],
                    "dose": "1 tablet",
                    "route": "oral",
                    "time_given": "08:00",
                    "outcome": outcome,
                }
                if outcome == "refused":
                    answers["reason"] = "Said their stomach hurt; offered again at 09:00, refused again. Nurse told."
                day = clock.today(self.organization) - dt.timedelta(days=number + 1)
                form = services.submission_start(template=medication, author=nurse, client=client, service_date=day)
                services.submission_save(submission=form, actor=nurse, answers=answers, submit=True)
                self.backdate(form, clock.start_of_day(day, self.organization) + dt.timedelta(hours=8, minutes=10))
                self.counts["other"] += 1
        summary = self.starters.get("service_plan_summary")
        if summary is not None and clients:
            month = clock.month_start(self.organization) - dt.timedelta(days=1)
            form = services.submission_start(
                template=summary, author=self.manager, client=clients[0], service_date=month.replace(day=1)
            )
            services.submission_save(
                submission=form,
                actor=self.manager,
                answers={
                    "client": str(clients[0].pk),
                    "month": month.replace(day=1).isoformat(),
                    "goals_progress": (
                        "Meal preparation: now cooks two dinners a week with one prompt. Bus: rides alone."
                    ),
                    "progress_rating": 4,
                    "changes_recommended": "no",
                },
                submit=True,
            )
            self.counts["other"] += 1

    # --- incidents ----------------------------------------------------------------------------

    def incidents(self) -> None:
        template = self.starters["incident_report"]
        author = User.objects.filter(email=f"dsp@{self.organization.subdomain}.test").first()
        clients = list(Client.objects.filter(status=Client.Status.ACTIVE).order_by("client_id")[:6])
        if author is None or not clients:
            return
        hours = services.incident_review_hours(self.organization)
        for number, (state, place, what, injury) in enumerate(INCIDENTS):
            client = clients[number % len(clients)]
            when = self.now - dt.timedelta(days=len(INCIDENTS) - number, hours=3)
            if state == "overdue":
                when = self.now - dt.timedelta(hours=hours + 30)
            elif state in ("submitted", "alert"):
                when = self.now - dt.timedelta(hours=2)
            local = clock.local(when, self.organization)
            answers = {
                "incident_at": local.strftime("%Y-%m-%dT%H:%M"),
                "place": place,
                "client": str(client.pk),
                "people_involved": f"{client.display_name}; {author.get_full_name()} (staff)",
                "what_happened": what,
                "injury": injury,
                "abuse_suspected": "no",
                "emergency_services": "no",
                "immediate_actions": "Stayed with them, checked for injuries, told the program manager by phone.",
                "guardian_notified": "yes",
                "guardian_notified_at": (local + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            }
            if injury == "yes":
                answers["injury_details"] = "Small cut on the left knee; cleaned and covered with a plaster."
            report = services.submission_start(
                template=template, author=author, client=client, service_date=local.date()
            )
            self.counts["incidents"] += 1
            if state == "draft":
                services.submission_save(submission=report, actor=author, answers=answers)
                self.backdate(report, when, submitted=False)
                continue
            services.submission_save(
                submission=report, actor=author, answers=answers, submit=True, signature=typed(author)
            )
            submitted = when + dt.timedelta(minutes=30)
            self.backdate(report, when)
            FormSubmission.objects.filter(pk=report.pk).update(
                submitted_at=submitted, review_due_at=submitted + dt.timedelta(hours=hours)
            )
            if state == "approved":
                services.submission_approve(submission=report, actor=self.manager, signature=drawn())
            elif state == "rejected":
                services.submission_reject(
                    submission=report,
                    actor=self.manager,
                    reason="Say what time it happened and whether the floor was wet; add who else was there.",
                )
