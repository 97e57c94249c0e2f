import io

import pytest

from apps.accounts import seed as account_seed
from apps.clients import seed as client_seed
from apps.clients.models import Client, ClientLocation
from apps.scheduling import conflicts, seed
from apps.scheduling.models import (
    Appointment,
    ConflictOverride,
    Schedule,
    Service,
    Shift,
    Visit,
    VisitCorrection,
)
from apps.staff import seed as staff_seed

pytestmark = pytest.mark.slow

MODELS = [Service, Schedule, Shift, Appointment, Visit, VisitCorrection, ConflictOverride]


def _seed(organization) -> None:
    with organization:
        for module in (account_seed, client_seed, staff_seed, seed):
            module.seed(organization, stdout=io.StringIO())


def _counts() -> dict:
    return {model.__name__: model._default_manager.count() for model in MODELS} | {
        "clients with coordinates": Client.objects.filter(latitude__isnull=False).count(),
        "locations with coordinates": ClientLocation.objects.filter(latitude__isnull=False).count(),
    }


def test_the_demo_weeks_have_shifts_appointments_and_visits_with_exceptions(org_a):
    _seed(org_a)
    with org_a:
        assert Service.objects.get(code="T2017").required_certifications == ["CPR"]
        assert Shift.objects.count() > 100 and Shift.objects.filter(staff__isnull=True).exists()
        assert Schedule.objects.filter(status="draft").exists() and Schedule.objects.filter(status="locked").exists()
        assert Appointment.objects.filter(requires_transport=True, transport_staff__isnull=False).exists()
        assert set(ConflictOverride.objects.values_list("code", flat=True)) == {"double_booked", "certification"}
        assert Visit.objects.filter(status="verified").count() > Visit.objects.filter(status="exception").count() > 0
        codes = {code for codes in Visit.objects.values_list("exception_codes", flat=True) for code in codes}
        assert {"outside_geofence", "no_location", "manual_entry"} <= codes
        assert not Visit.objects.filter(status="exception", reason_code="").exclude(exception_codes=["manual_entry"])
        assert VisitCorrection.objects.count() == 1
        assert not Visit.objects.filter(clock_out_at__isnull=True).exists()
        extra_day = Shift.objects.get(notes="Saturday open house")
        assert "overtime" in {f.code for f in conflicts.check([extra_day], organization=org_a)[0]}
        maple = ClientLocation.objects.get(name="Maple House")
        assert maple.latitude is not None and maple.required_certifications == ["CPR"]


def test_seeding_twice_changes_nothing(org_a):
    _seed(org_a)
    with org_a:
        first = _counts()
    _seed(org_a)
    with org_a:
        assert _counts() == first
    assert first["Shift"] > 0 and first["Visit"] > 0
