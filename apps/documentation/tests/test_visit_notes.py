"""Visit notes: clocking out leads to the visit's note page, which starts the note prefilled
from the visit (on POST only) or opens the one there is; the notes still due, for the DSP
and for their manager."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.clients.models import Client
from apps.clients.tests.conftest import make_client
from apps.documentation import selectors, services
from apps.documentation.models import FormSubmission, FormTemplate
from apps.documentation.visit_notes import prefill_for_visit
from apps.scheduling import services as scheduling
from apps.scheduling.models import Service, Visit
from apps.scheduling.tests.conftest import make_shift, make_staff
from conftest import person, signed_in

SITE = (Decimal("41.878876"), Decimal("-87.635915"))
NEAR = {"latitude": "41.879776", "longitude": "-87.635915", "accuracy": "12"}


def _starting_now(org_a, *, staff, hours_ago: float = 0, length: float = 8, **fields):
    now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(org_a.timezone))
    start = (now - dt.timedelta(minutes=5, hours=hours_ago)).replace(second=0, microsecond=0)
    end = start + dt.timedelta(hours=length)
    return make_shift(
        org_a,
        day=start.date(),
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        staff=staff,
        override="Test",
        **fields,
    )


def _visit(org_a, staff, *, hours_ago: float, **fields) -> Visit:
    """A finished visit of a shift that started `hours_ago` hours ago, on time and on site."""
    shift = _starting_now(org_a, staff=staff, hours_ago=hours_ago, length=2, **fields)
    with org_a:
        visit = scheduling.visit_clock_in(
            staff=staff,
            organization=org_a,
            shift=shift,
            latitude=SITE[0],
            longitude=SITE[1],
            accuracy=10,
            at=shift.starts_at,
        )
        return scheduling.visit_clock_out(
            visit=visit,
            staff=staff,
            organization=org_a,
            latitude=SITE[0],
            longitude=SITE[1],
            accuracy=10,
            at=shift.ends_at - dt.timedelta(minutes=1),
        )


@pytest.fixture
def dana(org_a):
    return make_staff(org_a, first_name="Dana", last_name="Okafor", user=person(org_a, "dsp"))


@pytest.fixture
def maria(org_a):
    client = make_client(org_a)
    with org_a:
        Client.objects.filter(pk=client.pk).update(latitude=SITE[0], longitude=SITE[1])
        client.refresh_from_db()
    return client


@pytest.fixture
def visit(org_a, dana, maria):
    return _visit(org_a, dana, hours_ago=3, client=maria)


def _notes(org_a):
    with org_a:
        return list(FormSubmission.objects.filter(visit__isnull=False))


def test_clocking_out_of_a_visit_with_a_client_leads_to_the_note_page(org_a, dana, maria):
    shift = _starting_now(org_a, staff=dana, client=maria, length=0.25)
    dsp = signed_in(org_a, "dsp")
    assert dsp.post(f"/scheduling/shifts/{shift.pk}/clock-in/", NEAR).status_code == 302
    with org_a:
        visit = Visit.objects.get(shift=shift)
        # Twenty minutes on: shorter than the minimum visit would be an exception.
        Visit.objects.filter(pk=visit.pk).update(clock_in_at=visit.clock_in_at - dt.timedelta(minutes=20))
    response = dsp.post(f"/scheduling/visits/{visit.pk}/clock-out/", NEAR, follow=True)
    assert response.redirect_chain[0] == (f"/documentation/visits/{visit.pk}/note/", 302)
    page = response.content.decode()
    assert "Clocked out. Write the visit note now." in page
    assert "Write the note for this visit" in page and 'method="post"' in page
    assert _notes(org_a) == []


def test_clocking_out_with_no_note_form_chosen_goes_back_to_the_shift(org_a, dana, maria):
    with org_a:
        FormTemplate.objects.update(is_default_visit_note=False)
    shift = _starting_now(org_a, staff=dana, client=maria, length=0.25)
    dsp = signed_in(org_a, "dsp")
    dsp.post(f"/scheduling/shifts/{shift.pk}/clock-in/", NEAR)
    with org_a:
        visit = Visit.objects.get(shift=shift)
        Visit.objects.filter(pk=visit.pk).update(clock_in_at=visit.clock_in_at - dt.timedelta(minutes=20))
    response = dsp.post(f"/scheduling/visits/{visit.pk}/clock-out/", NEAR)
    assert response.status_code == 302 and response["Location"] == f"/scheduling/shifts/{shift.pk}/"


def test_the_prefill_is_the_visit_client_staff_local_date_times_length_and_service(org_a, dana, maria):
    chicago = zoneinfo.ZoneInfo("America/Chicago")
    with org_a:
        Service.objects.create(code="T2017", name="Habilitation, residential")
        structure = FormTemplate.objects.get(starter="progress_note").form_structure
        structure["sections"][0]["fields"].append(
            {"key": "minutes", "type": "number", "label": "Minutes", "prefill": "visit_duration"}
        )
        # 03:30 UTC on the 7th is still the evening of the 6th in Chicago.
        visit = Visit(
            staff=dana,
            client=maria,
            service_code="T2017",
            clock_in_at=dt.datetime(2026, 12, 7, 3, 30, tzinfo=dt.UTC),
            clock_out_at=dt.datetime(2026, 12, 7, 5, 15, tzinfo=dt.UTC),
        )
        answers = prefill_for_visit(structure, visit, chicago)
    assert answers == {
        "client": str(maria.pk),
        "staff": str(dana.pk),
        "date": "2026-12-06",
        "start_time": "21:30",
        "end_time": "23:15",
        "service": "T2017 · Habilitation, residential",
        "minutes": 105,
    }


def test_a_visit_without_client_or_service_prefills_only_what_it_has(org_a, dana):
    with org_a:
        structure = FormTemplate.objects.get(starter="progress_note").form_structure
        visit = Visit(staff=dana, clock_in_at=dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC))
        answers = prefill_for_visit(structure, visit, zoneinfo.ZoneInfo("America/Chicago"))
    assert answers == {"staff": str(dana.pk), "date": "2026-12-07", "start_time": "09:00"}


def test_opening_the_note_page_creates_nothing(org_a, visit):
    response = signed_in(org_a, "dsp").get(f"/documentation/visits/{visit.pk}/note/")
    assert response.status_code == 200
    assert "Write the note" in response.content.decode()
    assert _notes(org_a) == []


def test_posting_starts_one_prefilled_draft_and_posting_again_opens_the_same(org_a, visit, maria, dana):
    dsp = signed_in(org_a, "dsp")
    first = dsp.post(f"/documentation/visits/{visit.pk}/note/")
    (note,) = _notes(org_a)
    assert first.status_code == 302 and first["Location"] == f"/documentation/submissions/{note.pk}/edit/"
    second = dsp.post(f"/documentation/visits/{visit.pk}/note/")
    assert second["Location"] == first["Location"] and len(_notes(org_a)) == 1
    with org_a:
        local = visit.clock_in_at.astimezone(zoneinfo.ZoneInfo(org_a.timezone))
        assert note.status == FormSubmission.Status.DRAFT and note.staff == person(org_a, "dsp")
        assert note.client_id == maria.pk and note.service_date == local.date()
        assert note.form_template.starter == "progress_note"
    assert note.submission_data["client"] == str(maria.pk)
    assert note.submission_data["staff"] == str(dana.pk)
    assert note.submission_data["date"] == local.date().isoformat()
    assert note.submission_data["start_time"] == local.strftime("%H:%M")


def test_a_submitted_note_opens_on_its_page_and_is_no_longer_due(org_a, visit):
    dsp_user = person(org_a, "dsp")
    with org_a:
        template = FormTemplate.objects.get(starter="progress_note")
        note = services.submission_start(template=template, author=dsp_user, client=visit.client, visit=visit)
        assert list(selectors.notes_due(staff_user=dsp_user)) == [visit]
        FormSubmission.objects.filter(pk=note.pk).update(status=FormSubmission.Status.SUBMITTED)
        assert list(selectors.notes_due(staff_user=dsp_user)) == []
    response = signed_in(org_a, "dsp").get(f"/documentation/visits/{visit.pk}/note/")
    assert response["Location"] == f"/documentation/submissions/{note.pk}/"
    manager = signed_in(org_a, "manager").get(f"/documentation/visits/{visit.pk}/note/")
    assert manager["Location"] == f"/documentation/submissions/{note.pk}/"


def test_another_dsp_gets_404_and_the_manager_may_look_but_not_start_the_note(org_a, visit):
    make_staff(org_a, user=person(org_a, "nurse"))
    nurse = signed_in(org_a, "nurse")
    assert nurse.get(f"/documentation/visits/{visit.pk}/note/").status_code == 404
    assert nurse.post(f"/documentation/visits/{visit.pk}/note/").status_code == 404
    manager = signed_in(org_a, "manager")
    page = manager.get(f"/documentation/visits/{visit.pk}/note/")
    assert page.status_code == 200 and "Only the person who made the visit writes it." in page.content.decode()
    assert manager.post(f"/documentation/visits/{visit.pk}/note/").status_code == 400
    assert _notes(org_a) == []


def test_another_organization_gets_404(org_a, org_b, visit):
    with org_b:
        make_staff(org_b, user=person(org_b, "dsp"))
    for role in ("dsp", "manager", "admin"):
        assert signed_in(org_b, role).get(f"/documentation/visits/{visit.pk}/note/").status_code == 404
        assert signed_in(org_b, role).post(f"/documentation/visits/{visit.pk}/note/").status_code == 404


def test_a_visit_without_a_client_has_no_note_and_is_never_due(org_a, dana):
    from apps.scheduling.tests.conftest import make_location

    house = make_location(org_a, latitude=SITE[0], longitude=SITE[1])
    visit = _visit(org_a, dana, hours_ago=3, location=house)
    with org_a:
        assert list(selectors.notes_due()) == []
    dsp = signed_in(org_a, "dsp")
    assert dsp.post(f"/documentation/visits/{visit.pk}/note/").status_code == 400
    assert _notes(org_a) == []


def test_notes_due_lists_the_dsp_own_visits_and_everyone_for_the_manager(org_a, visit, maria):
    lee = make_staff(org_a, first_name="Lee", last_name="Park")
    theirs = _visit(org_a, lee, hours_ago=6, client=maria)
    mine = signed_in(org_a, "dsp").get("/documentation/notes-due/").content.decode()
    assert f"/documentation/visits/{visit.pk}/note/" in mine
    assert f"/documentation/visits/{theirs.pk}/note/" not in mine
    manager = signed_in(org_a, "manager")
    everyone = manager.get("/documentation/notes-due/").content.decode()
    assert f"/documentation/visits/{visit.pk}/note/" in everyone
    assert f"/documentation/visits/{theirs.pk}/note/" in everyone
    only_lee = manager.get(f"/documentation/notes-due/?staff={lee.pk}").content.decode()
    assert f"/documentation/visits/{visit.pk}/note/" not in only_lee
    assert f"/documentation/visits/{theirs.pk}/note/" in only_lee
    assert manager.get("/documentation/notes-due/?staff=nonsense").status_code == 400


def test_notes_due_says_so_when_nothing_is_due(org_a, dana):
    page = signed_in(org_a, "dsp").get("/documentation/notes-due/").content.decode()
    assert "You are all caught up" in page


def test_notes_due_is_paginated(org_a, dana, maria):
    with org_a:
        shift = _starting_now(org_a, staff=dana, hours_ago=60, length=1, client=maria)
        base = shift.starts_at
        Visit.objects.bulk_create(
            Visit(
                shift=shift,
                staff=dana,
                client=maria,
                clock_in_at=base + dt.timedelta(minutes=n),
                clock_out_at=base + dt.timedelta(minutes=n, seconds=30),
                status=Visit.Status.VERIFIED,
            )
            for n in range(30)
        )
    dsp = signed_in(org_a, "dsp")
    first = dsp.get("/documentation/notes-due/").content.decode()
    second = dsp.get("/documentation/notes-due/?page=2").content.decode()
    assert first.count("/note/") == 25 and second.count("/note/") == 5


def test_a_visit_note_due_shows_on_the_dsp_home_and_the_manager_home(org_a, visit):
    link = f"/documentation/visits/{visit.pk}/note/"
    assert link in signed_in(org_a, "dsp").get("/").content.decode()
    assert link in signed_in(org_a, "manager").get("/").content.decode()
    assert link not in signed_in(org_a, "scheduler").get("/").content.decode()
