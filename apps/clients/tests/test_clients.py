"""Client records: IDs, validation, the encrypted SSN, locations, contacts, search, and who
sees which client."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from apps.audit.models import LogEntry
from apps.clients import services, validators
from apps.clients.models import Client, ClientContact
from apps.clients.tests.conftest import make_client, resave
from apps.core import clock, fragments
from conftest import person, signed_in


def test_client_ids_come_from_the_organizations_pattern_and_stay_editable(org_a, org_b):
    first = make_client(org_a)
    assert first.client_id.startswith("C") and len(first.client_id) == 6
    org_b.settings = {**(org_b.settings or {}), "clients": {"id_pattern": "HB-{year}-{number:04d}"}}
    org_b.save(update_fields=["settings"])
    second = make_client(org_b)
    assert second.client_id.startswith(f"HB-{clock.today(org_b).year}-")
    custom = make_client(org_a, client_id="MY-OWN-1")
    assert custom.client_id == "MY-OWN-1"
    with pytest.raises(ValidationError) as raised:
        make_client(org_a, client_id="my-own-1")
    assert "client_id" in raised.value.message_dict


@pytest.mark.parametrize(
    "ssn", ["123-45-678", "000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000", "abc"]
)
def test_bad_ssns_are_refused(ssn):
    with pytest.raises(ValidationError):
        validators.normalize_ssn(ssn)


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("F84.0", True),
        ("e11.65", True),
        ("S72.001A", True),
        ("Q90", True),
        ("U07.1", False),
        ("F8", False),
        ("F84.00000", False),
        ("84.0", False),
    ],
)
def test_icd10_codes_are_checked(code, ok):
    if ok:
        assert validators.normalize_icd10(code) == code.upper()
    else:
        with pytest.raises(ValidationError):
            validators.normalize_icd10(code)


def test_dates_must_be_in_order(org_a):
    with pytest.raises(ValidationError) as raised:
        make_client(org_a, admission_date=dt.date(2024, 5, 1), discharge_date=dt.date(2024, 4, 1), status="discharged")
    assert "discharge_date" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        make_client(org_a, status="discharged")
    assert "A discharged client needs a discharge date." in raised.value.message_dict["discharge_date"]
    with pytest.raises(ValidationError):
        make_client(org_a, date_of_birth=clock.today(org_a) + dt.timedelta(days=1))


def test_the_ssn_is_never_plaintext_in_the_database_or_the_log(org_a, maria):
    with org_a, connection.cursor() as cursor:
        cursor.execute("SELECT ssn_encrypted, ssn_last4 FROM clients_client WHERE id = %s", [maria.pk])
        stored, last4 = cursor.fetchone()
        assert "123-45-6789" not in stored and "6789" not in stored and last4 == "6789"
        logged = str(list(LogEntry.objects.filter(object_pk=str(maria.pk)).values_list("changes", flat=True)))
        assert "123-45-6789" not in logged
        assert Client.objects.get(pk=maria.pk).ssn == "123-45-6789"


def test_the_ssn_shows_masked_and_is_revealed_only_with_the_permission_and_logged(org_a, maria):
    manager = signed_in(org_a, "manager")
    page = manager.get(f"/clients/{maria.pk}/").content.decode()
    assert "***-**-6789" in page and "123-45-6789" not in page and "Reveal" not in page
    assert manager.post(f"/clients/{maria.pk}/ssn/").status_code == 403
    admin = signed_in(org_a, "admin")
    revealed = admin.post(f"/clients/{maria.pk}/ssn/")
    assert revealed.status_code == 200 and "123-45-6789" in revealed.content.decode()
    with org_a:
        assert LogEntry.objects.filter(object_pk=str(maria.pk), additional_data__via="reveal ssn").exists()


def test_key_rotation_reencrypts_and_old_keys_still_read_before_it(org_a, maria, settings):
    from cryptography.fernet import Fernet

    from apps.core import crypto

    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    with org_a, connection.cursor() as cursor:
        cursor.execute("SELECT ssn_encrypted FROM clients_client WHERE id = %s", [maria.pk])
        before = cursor.fetchone()[0]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    crypto._fernet.cache_clear()
    with org_a:
        assert Client.objects.get(pk=maria.pk).ssn == "123-45-6789"  # the old key still reads it
    call_command("rotate_encryption_keys")
    with org_a, connection.cursor() as cursor:
        cursor.execute("SELECT ssn_encrypted FROM clients_client WHERE id = %s", [maria.pk])
        after = cursor.fetchone()[0]
    assert after != before
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the new key alone
    crypto._fernet.cache_clear()
    with org_a:
        assert Client.objects.get(pk=maria.pk).ssn == "123-45-6789"
    settings.FIELD_ENCRYPTION_KEYS = old_keys
    crypto._fernet.cache_clear()


def test_a_full_location_refuses_one_more_and_occupancy_follows_the_clients(org_a, house):
    first = make_client(org_a, location=house)
    make_client(org_a, first_name="Ana", location=house)
    with pytest.raises(ValidationError) as raised:
        make_client(org_a, first_name="Third", location=house)
    assert "Maple House is full" in raised.value.message_dict["location"][0]
    with org_a:
        house.refresh_from_db()
        assert house.current_occupancy == 2
        first.status, first.discharge_date = Client.Status.DISCHARGED, clock.today(org_a)
        resave(first, actor=person(org_a, "admin"))
        house.refresh_from_db()
        assert house.current_occupancy == 1
    make_client(org_a, first_name="Third", location=house)


def test_one_primary_contact_per_client(org_a, maria):
    with org_a:
        first = services.contact_save(
            client=maria, contact_type="guardian", first_name="A", last_name="B", is_primary=True
        )
        second = services.contact_save(
            client=maria, contact_type="emergency", first_name="C", last_name="D", is_primary=True
        )
        first.refresh_from_db()
        assert (first.is_primary, second.is_primary) == (False, True)
        with pytest.raises(IntegrityError), transaction.atomic():
            ClientContact.objects.filter(pk=first.pk).update(is_primary=True)


def test_contact_phone_and_email_are_validated_where_typed(org_a, maria):
    response = signed_in(org_a, "admin").post(
        f"/clients/{maria.pk}/contacts/new/",
        {"contact_type": "guardian", "first_name": "A", "last_name": "B", "phone_primary": "12", "email": "nope"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Enter a phone number" in html and "valid email" in html
    with org_a:
        assert not ClientContact.objects.exists()


def test_search_finds_partial_names_and_client_ids(org_a):
    make_client(org_a, first_name="Maria", last_name="Gonzalez", client_id="SUN-0101")
    make_client(org_a, first_name="Marcus", last_name="Lee", client_id="SUN-0202")
    make_client(org_a, first_name="Ana", last_name="Brown", client_id="SUN-0303")
    admin = signed_in(org_a, "admin")

    def names(q):
        html = admin.get("/clients/", {"q": q}).content.decode()
        return {n for n in ("Gonzalez", "Lee", "Brown") if n in html}

    assert names("Mar") == {"Gonzalez", "Lee"}
    assert names("mari gon") == {"Gonzalez"}
    assert names("sun-03") == {"Brown"}
    assert names("zzz") == set()


def test_discharged_and_deceased_clients_leave_the_active_list(org_a):
    make_client(org_a, last_name="Present")
    make_client(org_a, last_name="Gone", status="discharged", discharge_date=clock.today(org_a))
    make_client(org_a, last_name="Passed", status="deceased")
    admin = signed_in(org_a, "admin")
    html = admin.get("/clients/").content.decode()
    assert "Present" in html and "Gone" not in html and "Passed" not in html
    assert "Gone" in admin.get("/clients/", {"status": "all"}).content.decode()


def test_support_staff_see_only_their_care_teams_clients(org_a, maria):
    other = make_client(org_a, first_name="Other", last_name="Person")
    dsp = signed_in(org_a, "dsp")
    assert dsp.get(f"/clients/{maria.pk}/").status_code == 404
    assert "Lopez" not in dsp.get("/clients/").content.decode()
    admin = signed_in(org_a, "admin")
    assert (
        admin.post(f"/clients/{maria.pk}/care-team/", {"user": person(org_a, "dsp").pk, "action": "add"}).status_code
        == 302
    )
    assert dsp.get(f"/clients/{maria.pk}/").status_code == 200
    html = dsp.get("/clients/").content.decode()
    assert "Lopez" in html and "Person" not in html
    assert dsp.get(f"/clients/{other.pk}/").status_code == 404
    assert dsp.get(f"/clients/{maria.pk}/edit/").status_code == 403
    assert (
        signed_in(org_a, "manager")
        .post(f"/clients/{maria.pk}/care-team/", {"user": person(org_a, "nurse").pk})
        .status_code
        == 302
    )
    assert dsp.post(f"/clients/{maria.pk}/care-team/", {"user": person(org_a, "nurse").pk}).status_code == 403


def test_another_organization_finds_nothing(org_a, org_b, maria):
    beta = signed_in(org_b, "admin")
    for url in (
        f"/clients/{maria.pk}/",
        f"/clients/{maria.pk}/contacts/",
        f"/clients/{maria.pk}/edit/",
        f"/clients/{maria.pk}/care-plans/",
    ):
        assert beta.get(url).status_code == 404
    assert beta.post(f"/clients/{maria.pk}/ssn/").status_code == 404
    assert "Lopez" not in beta.get("/clients/").content.decode()


def test_every_view_of_a_client_is_logged(org_a, maria):
    signed_in(org_a, "manager").get(f"/clients/{maria.pk}/")
    with org_a:
        entry = LogEntry.objects.filter(object_pk=str(maria.pk), action=LogEntry.Action.ACCESS).get()
    assert entry.actor_email == person(org_a, "manager").email


def test_the_list_and_detail_take_a_constant_number_of_queries(one_minute, org_a, django_assert_max_num_queries):
    from django.test.utils import CaptureQueriesContext

    for index in range(3):
        make_client(org_a, last_name=f"Few{index}")
    admin = signed_in(org_a, "admin")
    admin.get("/clients/")
    # Measured as rendered, not as reused from the fragment cache (the same before each measure).
    fragments.clear()
    with CaptureQueriesContext(connection) as few:
        admin.get("/clients/")
    baseline = len(few)
    for index in range(20):
        make_client(org_a, last_name=f"Many{index}")
    fragments.clear()
    with django_assert_max_num_queries(baseline):
        assert admin.get("/clients/").status_code == 200
    client = make_client(org_a, last_name="Detailed")
    admin.get(f"/clients/{client.pk}/")
    fragments.clear()
    with CaptureQueriesContext(connection) as one:
        admin.get(f"/clients/{client.pk}/")
    baseline = len(one)
    with org_a:
        for index in range(5):
            services.contact_save(client=client, contact_type="emergency", first_name=f"C{index}", last_name="X")
            services.care_team_add(
                client=client, user=person(org_a, ["dsp", "nurse", "hr", "billing", "scheduler"][index])
            )
    fragments.clear()
    with django_assert_max_num_queries(baseline):
        assert admin.get(f"/clients/{client.pk}/").status_code == 200


def test_the_edit_form_keeps_lists_as_rows_and_validates_each(org_a, maria):
    admin = signed_in(org_a, "admin")
    page = admin.get(f"/clients/{maria.pk}/edit/").content.decode()
    assert 'name="diagnoses-TOTAL_FORMS"' in page and "123-45-6789" not in page
    added = admin.post(
        f"/clients/{maria.pk}/edit/",
        {
            "first_name": "Maria",
            "last_name": "Lopez",
            "date_of_birth": "1990-05-17",
            "status": "active",
            "diagnoses-TOTAL_FORMS": "0",
            "diagnoses-INITIAL_FORMS": "0",
            "allergies-TOTAL_FORMS": "0",
            "allergies-INITIAL_FORMS": "0",
            "diet-TOTAL_FORMS": "0",
            "diet-INITIAL_FORMS": "0",
            "add_row": "diagnoses",
        },
    )
    assert added.status_code == 200 and 'name="diagnoses-0-code"' in added.content.decode()
    data = {
        "first_name": "Maria",
        "last_name": "Lopez",
        "date_of_birth": "1990-05-17",
        "status": "active",
        "diagnoses-TOTAL_FORMS": "2",
        "diagnoses-INITIAL_FORMS": "0",
        "diagnoses-0-code": "f84.0",
        "diagnoses-0-description": "Autism",
        "diagnoses-1-code": "BAD",
        "diagnoses-1-description": "x",
        "allergies-TOTAL_FORMS": "1",
        "allergies-INITIAL_FORMS": "0",
        "allergies-0-allergen": "Peanuts",
        "allergies-0-reaction": "Hives",
        "allergies-0-severity": "severe",
        "diet-TOTAL_FORMS": "1",
        "diet-INITIAL_FORMS": "0",
        "diet-0-restriction": "Low sodium",
    }
    refused = admin.post(f"/clients/{maria.pk}/edit/", data)
    assert refused.status_code == 400 and "is not an ICD-10 code" in refused.content.decode()
    data["diagnoses-1-DELETE"] = "on"
    assert admin.post(f"/clients/{maria.pk}/edit/", data).status_code == 302
    with org_a:
        maria.refresh_from_db()
    assert maria.secondary_diagnoses == [{"code": "F84.0", "description": "Autism"}]
    assert maria.allergies == [{"allergen": "Peanuts", "reaction": "Hives", "severity": "severe"}]
    assert maria.dietary_restrictions == ["Low sodium"]
    assert maria.ssn == "123-45-6789"  # left empty: kept


def test_a_photo_is_checked_thumbnailed_and_shown(org_a, maria, settings, tmp_path):
    import io

    from PIL import Image

    from apps.files import storage
    from apps.files.models import File

    settings.PRIVATE_FILES_ROOT = tmp_path
    storage._store.cache_clear()
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (200, 30, 30)).save(buffer, "PNG")
    photo = io.BytesIO(buffer.getvalue())
    photo.name = "maria.png"
    admin = signed_in(org_a, "admin")
    assert admin.post(f"/clients/{maria.pk}/photo/", {"photo": photo}).status_code == 302
    with org_a:
        maria.refresh_from_db()
        thumbnail = File.objects.get(pk=maria.photo_id)
    assert thumbnail.mime_type == "image/jpeg" and maria.photo_url == f"/files/{thumbnail.pk}/download/"
    data = b"".join(admin.get(maria.photo_url).streaming_content)
    assert max(Image.open(io.BytesIO(data)).size) == 320
    assert f'src="{maria.photo_url}"' in admin.get(f"/clients/{maria.pk}/").content.decode()
    not_an_image = io.BytesIO(b"%PDF-1.7\n%%EOF\n")
    not_an_image.name = "photo.jpg"
    refused = admin.post(f"/clients/{maria.pk}/photo/", {"photo": not_an_image}, follow=True)
    assert "cannot be stored here" in refused.content.decode()
    assert signed_in(org_a, "dsp").post(f"/clients/{maria.pk}/photo/", {"photo": photo}).status_code == 404
    storage._store.cache_clear()


def test_edited_filters_in_the_url_are_ignored_not_errors(org_a, maria):
    admin = signed_in(org_a, "admin")
    for query in ({"location": "notauuid"}, {"staff": "xyz"}, {"sort": "nonsense"}, {"page": "abc"}):
        response = admin.get("/clients/", query)
        assert response.status_code == 200 and "Lopez" in response.content.decode()


def test_locations_have_unique_names(org_a, house):
    with org_a, pytest.raises(ValidationError) as raised:
        services.location_save(name="maple house")
    assert "Another location already has this name." in raised.value.message_dict["name"]


def test_the_admin_shows_a_full_location_on_the_form(org_a, house):
    make_client(org_a, location=house)
    make_client(org_a, first_name="Ana", location=house)
    third = make_client(org_a, first_name="Third")
    admin = signed_in(org_a, "admin")
    response = admin.post(
        f"/admin/clients/client/{third.pk}/change/",
        {
            "client_id": third.client_id,
            "first_name": "Third",
            "last_name": "Lopez",
            "date_of_birth": "1990-05-17",
            "status": "active",
            "location": house.pk,
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and "Maple House is full" in response.content.decode()


def test_imports_take_dates_only_as_yyyy_mm_dd(org_a):
    content = "first_name,last_name,date_of_birth\nA,B,02/03/1990\n"
    response = signed_in(org_a, "admin").post("/clients/import/", {"content": content, "action": "check"})
    assert response.status_code == 400 and "Date of birth" in response.content.decode()


def test_adding_a_row_keeps_what_was_typed_without_errors(org_a, maria):
    admin = signed_in(org_a, "admin")
    response = admin.post(
        f"/clients/{maria.pk}/edit/",
        {
            "first_name": "Maria",
            "allergies-TOTAL_FORMS": "1",
            "allergies-INITIAL_FORMS": "0",
            "allergies-0-allergen": "Peanuts",
            "allergies-0-severity": "severe",
            "add_row": "allergies",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<legend>Allergies</legend>" in html
    assert 'value="Peanuts"' in html and 'name="allergies-1-allergen"' in html
    assert "This field is required" not in html
