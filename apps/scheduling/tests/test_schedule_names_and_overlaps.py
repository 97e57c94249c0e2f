"""An automatic schedule name is shown in each reader's language, a typed one as typed; a
second live schedule of the same place may not overlap a week that has one; a visit's fields
have readable names; the visit filter offers no two look-alike choices."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from apps.scheduling import services
from apps.scheduling.forms import VisitFilterForm
from apps.scheduling.models import Schedule, Visit
from apps.scheduling.tests.conftest import make_location, make_shift
from conftest import person, signed_in

WEEK = dt.date(2026, 12, 13)  # a Sunday; alpha's weeks start on Sunday


@pytest.fixture
def house(org_a):
    return make_location(org_a, name="Maple House")


def _schedule(org_a, **fields) -> Schedule:
    values = {"schedule_name": "Spring rota", "start_date": WEEK, "end_date": WEEK + dt.timedelta(days=6)} | fields
    with org_a:
        return services.schedule_save(schedule=Schedule(**values), actor=person(org_a, "scheduler"))


def test_an_automatic_schedule_name_is_shown_in_the_readers_language(org_a, house):
    shift = make_shift(org_a, day=WEEK + dt.timedelta(days=1), start="07:00", end="15:00", location=house)
    with org_a, translation.override("es"):
        schedule = Schedule.objects.select_related("location").get(pk=shift.schedule_id)
        assert schedule.name_is_automatic
        assert schedule.display_name == str(schedule) == "Maple House, semana del 13 dic 2026"
    reader = signed_in(org_a, "scheduler")
    reader.cookies["django_language"] = "es"
    for url in (f"/scheduling/schedules/{schedule.pk}/", "/scheduling/schedules/", f"/scheduling/shifts/{shift.pk}/"):
        page = reader.get(url).content.decode()
        assert "Maple House, semana del 13 dic 2026" in page and "week of" not in page, url
    english = signed_in(org_a, "scheduler").get(f"/scheduling/schedules/{schedule.pk}/").content.decode()
    assert "Maple House, week of Dec 13, 2026" in english


def test_a_typed_schedule_name_stays_as_typed_and_editing_an_automatic_one_makes_it_typed(org_a, house):
    typed = _schedule(org_a, schedule_name="Maple House test week", location=house)
    assert not typed.name_is_automatic
    with translation.override("es"):
        assert typed.display_name == "Maple House test week"
    with org_a:
        typed.delete()
    shift = make_shift(org_a, day=WEEK, start="07:00", end="15:00", location=house, publish=False)
    scheduler = signed_in(org_a, "scheduler")
    data = {
        "schedule_name": "Maple House, week of Dec 13, 2026",
        "schedule_type": "weekly",
        "start_date": WEEK.isoformat(),
        "end_date": (WEEK + dt.timedelta(days=6)).isoformat(),
        "location": str(house.pk),
        "notes": "Left as shown",
    }
    assert scheduler.post(f"/scheduling/schedules/{shift.schedule_id}/edit/", data).status_code == 302
    with org_a:
        assert Schedule.objects.get(pk=shift.schedule_id).name_is_automatic
    scheduler.post(f"/scheduling/schedules/{shift.schedule_id}/edit/", data | {"schedule_name": "Holiday week"})
    with org_a:
        renamed = Schedule.objects.get(pk=shift.schedule_id)
    assert (renamed.schedule_name, renamed.name_is_automatic) == ("Holiday week", False)


def test_the_data_migration_marks_only_names_schedule_name_would_have_made(org_a, house):
    automatic = _schedule(org_a, schedule_name=services.schedule_name(house, WEEK), location=house)
    with translation.override("es"):
        spanish_name = services.schedule_name(None, WEEK)
    made_in_spanish = _schedule(org_a, schedule_name=spanish_name)
    typed = _schedule(
        org_a,
        schedule_name="Maple House test week",
        location=house,
        start_date=WEEK + dt.timedelta(days=7),
        end_date=WEEK + dt.timedelta(days=13),
    )
    migration = importlib.import_module("apps.scheduling.migrations.0005_automatic_schedule_names_and_visit_labels")
    with org_a:
        Schedule.objects.update(name_is_automatic=False)
        migration.mark_automatic_names(django_apps, connection.schema_editor())
        marked = dict(Schedule.objects.values_list("pk", "name_is_automatic"))
    assert marked == {automatic.pk: True, made_in_spanish.pk: True, typed.pk: False}


def test_a_second_schedule_overlapping_a_places_week_is_refused_naming_the_existing_one(org_a, house):
    make_shift(org_a, day=WEEK + dt.timedelta(days=2), start="07:00", end="15:00", location=house)
    with pytest.raises(ValidationError) as refused:
        _schedule(
            org_a,
            schedule_name="Maple House test week",
            location=house,
            start_date=WEEK + dt.timedelta(days=3),
            end_date=WEEK + dt.timedelta(days=9),
        )
    assert "Maple House, week of Dec 13, 2026" in str(refused.value)
    # Another place, the agency-wide schedule and the following week are all fine.
    _schedule(org_a, schedule_name="Elm", location=make_location(org_a, name="Elm House"))
    _schedule(org_a, schedule_name="Agency")
    _schedule(
        org_a,
        schedule_name="Next",
        location=house,
        start_date=WEEK + dt.timedelta(days=7),
        end_date=WEEK + dt.timedelta(days=13),
    )
    with pytest.raises(ValidationError):
        _schedule(
            org_a,
            schedule_name="Agency again",
            start_date=WEEK + dt.timedelta(days=6),
            end_date=WEEK + dt.timedelta(days=6),
        )


def test_the_schedule_form_shows_the_overlap_message_and_saves_nothing(org_a, house):
    existing = _schedule(org_a, schedule_name="Maple rota", location=house)
    data = {
        "schedule_name": "Maple House test week",
        "schedule_type": "weekly",
        "start_date": WEEK.isoformat(),
        "end_date": (WEEK + dt.timedelta(days=6)).isoformat(),
        "location": str(house.pk),
    }
    response = signed_in(org_a, "scheduler").post("/scheduling/schedules/new/", data)
    assert response.status_code == 400
    assert "“Maple rota” (Dec 13, 2026–Dec 19, 2026) already covers these days" in response.content.decode()
    with org_a:
        assert list(Schedule.objects.values_list("pk", flat=True)) == [existing.pk]
        # An archived schedule no longer holds the week.
        Schedule.objects.filter(pk=existing.pk).update(status=Schedule.Status.ARCHIVED)
    assert signed_in(org_a, "scheduler").post("/scheduling/schedules/new/", data).status_code == 302


def test_every_visit_field_has_a_translated_readable_name():
    # The audit log shows these names: in Spanish none may be the raw field name ("id" aside,
    # the same for every model).
    with translation.override("es"):
        raw = [
            f.name
            for f in Visit._meta.concrete_fields
            if f.name != "id" and str(f.verbose_name) == f.name.replace("_", " ")
        ]
        assert raw == []
        assert str(Visit._meta.get_field("clock_out_accuracy_m").verbose_name) == "precisión al registrar la salida (m)"


def test_the_visit_status_filter_has_no_two_look_alike_exception_choices():
    with translation.override("es"):
        labels = [str(label) for _value, label in VisitFilterForm().fields["status"].choices]
    assert "Pendiente de revisión" in labels and "Excepción" not in labels and "Solo excepciones" not in labels
    assert len(set(labels)) == len(labels)


def test_a_failed_publish_focuses_the_conflicts_and_keeps_archive_away_from_the_override_reason(org_a, house):
    from apps.scheduling.tests.conftest import make_staff

    dana = make_staff(org_a)
    first = make_shift(org_a, day=WEEK, start="07:00", end="15:00", staff=dana, location=house, publish=False)
    make_shift(org_a, day=WEEK, start="12:00", end="20:00", staff=dana, location=house, override="setup", publish=False)
    response = signed_in(org_a, "manager").post(f"/scheduling/schedules/{first.schedule_id}/publish/")
    page = response.content.decode()
    assert 'id="conflict-findings" tabindex="-1" data-error-summary' in page
    assert 'name="override_reason"' in page
    archive = page.index('value="archived"')
    publish_form_end = page.index("</form>", page.index('name="override_reason"'))
    # Archive is under its own heading after the shifts, not beside the reason box.
    assert archive > page.index('id="shifts-title"') > publish_form_end
    assert page.index('id="status-title"') < archive


def test_the_admin_and_the_shift_forms_picker_show_an_automatic_name_in_the_readers_language(org_a, house):
    shift = make_shift(org_a, day=WEEK, start="07:00", end="15:00", location=house)
    admin = signed_in(org_a, "admin")
    admin.cookies["django_language"] = "es"
    for url in ("/admin/scheduling/schedule/", f"/scheduling/shifts/{shift.pk}/edit/"):
        page = admin.get(url).content.decode()
        assert "Maple House, semana del 13 dic 2026" in page and "week of" not in page, url
