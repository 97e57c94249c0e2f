"""A home's or a location's position is both coordinates or neither: half a position
verifies no visit, so it is refused by the empty field, on the pages and in the admin."""

from apps.clients.models import ClientLocation
from apps.clients.tests.test_address import FORM
from conftest import signed_in

BOTH_OR_NEITHER = "Give both the latitude and the longitude, or neither."


def test_a_client_with_a_latitude_and_no_longitude_is_refused_by_the_longitude(org_a, maria):
    response = signed_in(org_a, "admin").post(f"/clients/{maria.pk}/edit/", FORM | {"longitude": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["longitude"] == [BOTH_OR_NEITHER]
    with org_a:
        maria.refresh_from_db()
    assert (maria.latitude, maria.address_line1) == (None, "")


def test_a_location_with_a_longitude_and_no_latitude_is_refused_by_the_latitude(org_a, house):
    response = signed_in(org_a, "admin").post(
        f"/clients/locations/{house.pk}/", {"name": "Maple House", "longitude": "-122.653", "is_active": "on"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["latitude"] == [BOTH_OR_NEITHER]
    with org_a:
        house.refresh_from_db()
    assert house.longitude is None


def test_the_admin_refuses_half_a_position_too(org_a):
    response = signed_in(org_a, "admin").post(
        "/admin/clients/clientlocation/add/",
        {"name": "Cedar House", "latitude": "45.517", "required_certifications": "[]", "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["longitude"] == [BOTH_OR_NEITHER]
    with org_a:
        assert not ClientLocation.objects.filter(name="Cedar House").exists()


def test_both_coordinates_or_neither_are_saved(org_a, house):
    admin = signed_in(org_a, "admin")
    url = f"/clients/locations/{house.pk}/"
    assert admin.post(url, {"name": "Maple House", "latitude": "45.5", "longitude": "-122.6"}).status_code == 302
    assert admin.post(url, {"name": "Maple House"}).status_code == 302


def test_the_service_refuses_half_a_position_whoever_calls_it(org_a):
    import datetime as dt

    import pytest
    from django.core.exceptions import ValidationError

    from apps.clients import services
    from apps.clients.models import Client
    from conftest import person

    with org_a, pytest.raises(ValidationError) as refused:
        services.client_save(
            actor=person(org_a, "admin"),
            organization=org_a,
            first_name="Half",
            last_name="Position",
            date_of_birth=dt.date(1980, 1, 1),
            latitude=45,
        )
    assert refused.value.message_dict["longitude"] == [BOTH_OR_NEITHER]
    with org_a:
        assert not Client.objects.filter(last_name="Position").exists()
