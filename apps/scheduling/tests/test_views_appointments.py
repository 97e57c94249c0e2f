"""A client's appointment calendar, an appointment's page, the appointment form with its
conflict check and override, clocking in on an appointment, and who sees what."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.clients import services as client_services
from apps.clients.tests.conftest import make_client
from apps.core import clock
from apps.scheduling import services
from apps.scheduling.models import Appointment, ConflictOverride, Visit
from apps.scheduling.tests.conftest import make_shift, make_staff
from conftest import person, signed_in


@pytest.fixture
def maria(org_a):
    return make_client(org_a, first_name="Maria", last_name="Lopez")


@pytest.fixture
def day(org_a):
    return clock.today(org_a) + dt.timedelta(days=10)


def _appointment(org_a, client, *, day, hour=10, **fields) -> Appointment:
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=clock.zone(org_a))
    values = {"title": "Dentist", "appointment_type": "medical", "start_datetime": start} | fields
    values.setdefault("end_datetime", start + dt.timedelta(hours=1))
    appointment = Appointment(client=client, **values)
    with org_a:
        services.appointment_save(appointment=appointment, actor=person(org_a, "admin"), organization=org_a)
    return appointment


def _form(client, day, **extra) -> dict:
    return {
        "client": client.pk,
        "title": "Cardiology",
        "appointment_type": "medical",
        "start_datetime": f"{day}T10:00",
        "end_datetime": f"{day}T11:30",
        "location": "12 Main St",
        "status": "scheduled",
        "description": "",
        "notes": "",
    } | extra


def test_the_month_calendar_shows_the_clients_appointments_in_an_accessible_grid(org_a, maria, day):
    mine = _appointment(org_a, maria, day=day)
    other = _appointment(org_a, make_client(org_a, first_name="Ana"), day=day, title="Haircut")
    response = signed_in(org_a, "scheduler").get(f"/scheduling/appointments/?client={maria.pk}&month={day:%Y-%m}")
    page = response.content.decode()
    assert response.status_code == 200
    assert f"/scheduling/appointments/{mine.pk}/" in page and str(other.pk) not in page
    assert "<caption>" in page and 'scope="col"' in page and "10:00 AM Dentist" in page
    empty = signed_in(org_a, "scheduler").get(f"/scheduling/appointments/?client={maria.pk}&month=2001-02")
    assert "No appointments this month." in empty.content.decode()


def test_a_dsp_sees_only_their_assigned_clients_appointments(org_a, maria, day):
    appointment = _appointment(org_a, maria, day=day)
    dsp = signed_in(org_a, "dsp")
    assert dsp.get(f"/scheduling/appointments/?client={maria.pk}").status_code == 404
    assert dsp.get(f"/scheduling/appointments/{appointment.pk}/").status_code == 404
    assert "Maria" not in dsp.get("/scheduling/appointments/").content.decode()
    with org_a:
        client_services.care_team_add(client=maria, user=person(org_a, "dsp"))
    assert dsp.get(f"/scheduling/appointments/?client={maria.pk}&month={day:%Y-%m}").status_code == 200
    assert dsp.get(f"/scheduling/appointments/{appointment.pk}/").status_code == 200
    assert "Maria Lopez" in dsp.get("/scheduling/appointments/").content.decode()
    assert dsp.get(f"/scheduling/appointments/new/?client={maria.pk}").status_code == 403


def test_a_scheduler_creates_an_appointment_with_transport(org_a, maria, day):
    driver = make_staff(org_a, first_name="Sam", last_name="Driver")
    response = signed_in(org_a, "scheduler").post(
        "/scheduling/appointments/new/", _form(maria, day, requires_transport="on", transport_staff=driver.pk)
    )
    assert response.status_code == 302
    with org_a:
        appointment = Appointment.objects.get(title="Cardiology")
    assert appointment.transport_staff_id == driver.pk
    assert appointment.start_datetime == dt.datetime.combine(day, dt.time(10), tzinfo=clock.zone(org_a))
    page = signed_in(org_a, "scheduler").get(response["Location"]).content.decode()
    assert "Sam Driver" in page and "12 Main St" in page


def test_transport_without_a_driver_is_refused_by_the_field(org_a, maria, day):
    response = signed_in(org_a, "scheduler").post(
        "/scheduling/appointments/new/", _form(maria, day, requires_transport="on")
    )
    assert response.status_code == 400 and "Choose who drives." in response.content.decode()


def test_a_busy_driver_shows_the_conflict_and_an_override_saves_it_with_the_reason(org_a, maria, day):
    driver = make_staff(org_a, first_name="Sam", last_name="Driver")
    make_shift(org_a, day=day, start="09:00", end="17:00", staff=driver)
    data = _form(maria, day, requires_transport="on", transport_staff=driver.pk)
    scheduler = signed_in(org_a, "scheduler")
    response = scheduler.post("/scheduling/appointments/new/", data)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="conflict-findings"' in page and 'name="override_reason"' in page
    with org_a:
        assert not Appointment.objects.filter(title="Cardiology").exists()
    response = scheduler.post("/scheduling/appointments/new/", {**data, "override_reason": "Shift covers the trip"})
    assert response.status_code == 302
    with org_a:
        appointment = Appointment.objects.get(title="Cardiology")
        assert ConflictOverride.objects.get(appointment=appointment).reason == "Shift covers the trip"


def test_someone_without_the_override_permission_sees_the_conflict_but_no_override(org_a, maria, day):
    from apps.accounts.models import Role

    driver = make_staff(org_a)
    make_shift(org_a, day=day, start="09:00", end="17:00", staff=driver)
    with org_a:
        role = Role.objects.get(name=person(org_a, "scheduler").role.name)
        override = role.group.permissions.get(codename="override_conflict")
        role.group.permissions.remove(override)
    data = _form(maria, day, requires_transport="on", transport_staff=driver.pk, override_reason="Please")
    page = signed_in(org_a, "scheduler").post("/scheduling/appointments/new/", data).content.decode()
    assert 'id="conflict-findings"' in page and 'name="override_reason"' not in page
    with org_a:
        assert not Appointment.objects.filter(title="Cardiology").exists()


def test_editing_an_appointment_needs_the_change_permission(org_a, maria, day):
    appointment = _appointment(org_a, maria, day=day)
    url = f"/scheduling/appointments/{appointment.pk}/edit/"
    assert signed_in(org_a, "billing").get(url).status_code == 403
    response = signed_in(org_a, "scheduler").post(url, _form(maria, day, title="Dentist, moved"))
    assert response.status_code == 302
    with org_a:
        appointment.refresh_from_db()
    assert appointment.title == "Dentist, moved"


def test_the_escort_clocks_in_on_the_appointment(org_a, maria):
    dana = make_staff(org_a, user=person(org_a, "dsp"))
    now = timezone.now().replace(second=0, microsecond=0)
    appointment = _appointment(
        org_a, maria, day=now.date(), start_datetime=now, end_datetime=now + dt.timedelta(hours=1), staff=dana
    )
    dsp = signed_in(org_a, "dsp")
    page = dsp.get(f"/scheduling/appointments/{appointment.pk}/").content.decode()
    assert f'action="/scheduling/appointments/{appointment.pk}/clock-in/"' in page
    # The client has no coordinates: an exception, with a reason.
    response = dsp.post(
        f"/scheduling/appointments/{appointment.pk}/clock-in/", {"latitude": "41.9", "longitude": "-87.6"}
    )
    assert response.status_code == 200 and "no coordinates" in response.content.decode()
    response = dsp.post(
        f"/scheduling/appointments/{appointment.pk}/clock-in/",
        {"latitude": "41.9", "longitude": "-87.6", "reason_code": "client_elsewhere"},
    )
    assert response.status_code == 302
    with org_a:
        visit = Visit.objects.get(appointment=appointment)
    assert visit.exception_codes == ["no_site_coordinates"]
    assert (
        f"/scheduling/visits/{visit.pk}/clock-out/"
        in dsp.get(f"/scheduling/appointments/{appointment.pk}/").content.decode()
    )


def test_another_organization_gets_404_for_appointments(org_a, org_b, maria, day):
    appointment = _appointment(org_a, maria, day=day)
    admin_b = signed_in(org_b, "admin")
    assert admin_b.get(f"/scheduling/appointments/{appointment.pk}/").status_code == 404
    assert admin_b.get(f"/scheduling/appointments/{appointment.pk}/edit/").status_code == 404
    assert admin_b.get(f"/scheduling/appointments/?client={maria.pk}").status_code == 404
