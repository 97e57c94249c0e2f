"""Clients have a postal address and a phone number (agencies need them for visits and
claims), kept beside the coordinates used for visit verification."""

import pytest

from apps.clients.models import Client
from conftest import signed_in

pytestmark = pytest.mark.slow

FORM = {
    "client_id": "",
    "first_name": "Maria",
    "last_name": "Lopez",
    "date_of_birth": "1990-05-17",
    "status": "active",
    "address_line1": "1200 SE Morrison St",
    "address_line2": "Apt 4",
    "city": "Portland",
    "state": "OR",
    "postal_code": "97214",
    "phone": "(503) 555-0142",
    "latitude": "45.517",
    "longitude": "-122.653",
    "diagnoses-TOTAL_FORMS": "0",
    "diagnoses-INITIAL_FORMS": "0",
    "allergies-TOTAL_FORMS": "0",
    "allergies-INITIAL_FORMS": "0",
    "diet-TOTAL_FORMS": "0",
    "diet-INITIAL_FORMS": "0",
}


def test_the_address_and_phone_are_edited_and_shown_on_the_overview(org_a, maria):
    admin = signed_in(org_a, "admin")
    overview = admin.get(f"/clients/{maria.pk}/").content.decode()  # kept in the page cache
    assert "1200 SE Morrison St" not in overview
    assert admin.post(f"/clients/{maria.pk}/edit/", FORM).status_code == 302
    with org_a:
        maria.refresh_from_db()
    assert (maria.address_line1, maria.address_line2, maria.city, maria.state, maria.postal_code) == (
        "1200 SE Morrison St",
        "Apt 4",
        "Portland",
        "OR",
        "97214",
    )
    assert maria.phone == "+15035550142" and str(maria.latitude) == "45.517000"
    overview = admin.get(f"/clients/{maria.pk}/").content.decode()
    assert "1200 SE Morrison St" in overview and "Apt 4" in overview and "Portland, OR 97214" in overview
    assert 'href="tel:+15035550142"' in overview


def test_a_phone_that_is_no_number_is_refused_by_the_field_and_nothing_is_saved(org_a, maria):
    response = signed_in(org_a, "admin").post(f"/clients/{maria.pk}/edit/", FORM | {"phone": "call the office"})
    assert response.status_code == 400 and "Enter a phone number" in response.content.decode()
    with org_a:
        maria.refresh_from_db()
    assert maria.address_line1 == "" and maria.phone == ""


def test_the_csv_import_takes_the_address_and_phone_columns(org_a):
    content = (
        "first_name,last_name,date_of_birth,address_line1,address_line2,city,state,postal_code,phone\n"
        "Ana,Brown,1985-01-02,45 Commercial St,,Portland,ME,04101,207-555-0100\n"
    )
    response = signed_in(org_a, "admin").post("/clients/import/", {"content": content, "action": "import"})
    assert response.status_code == 302
    with org_a:
        ana = Client.objects.get(last_name="Brown")
    assert (ana.address_line1, ana.city, ana.state, ana.postal_code, ana.phone) == (
        "45 Commercial St",
        "Portland",
        "ME",
        "04101",
        "+12075550100",
    )


def test_the_admin_edits_the_address_and_phone(org_a, maria):
    page = signed_in(org_a, "admin").get(f"/admin/clients/client/{maria.pk}/change/").content.decode()
    for field in ("address_line1", "address_line2", "city", "state", "postal_code", "phone", "latitude"):
        assert f'name="{field}"' in page


def test_demo_clients_have_an_address_and_a_phone_in_their_organizations_city(db):
    from django.core.management import call_command

    from apps.tenants.models import Organization

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with Organization.objects.get(subdomain="harbor"):
        clients = list(Client.objects.all())
    assert clients and all(c.address_line1 and c.phone for c in clients)
    assert {(c.city, c.state, c.postal_code) for c in clients} == {("Portland", "ME", "04101")}
