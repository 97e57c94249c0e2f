"""Clinical detail encrypted at rest (issue 25 §8): a client's diagnoses, allergies and diet and
a contact's notes are Fernet tokens in the database (raw SQL finds no plaintext, the audit log
neither), plain through the model and on the pages that show them; the migration encrypts
existing rows in batches and decrypts them back; key rotation re-encrypts them."""

from __future__ import annotations

import importlib
import io
import math

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import LogEntry
from apps.clients import services
from apps.clients.models import Client, ClientContact
from apps.clients.tests.conftest import make_client
from apps.core import crypto, fragments
from apps.core.encrypted_columns import rewrite
from conftest import signed_in

migration = importlib.import_module("apps.clients.migrations.0010_encrypt_clinical_detail")

DIAGNOSIS = "F84.0 Autism spectrum disorder"
SECONDARY = [{"code": "F41.1", "description": "Generalized anxiety disorder"}]
ALLERGIES = [{"allergen": "Penicillin", "reaction": "Anaphylaxis", "severity": "life_threatening"}]
DIET = ["Thickened liquids"]
NOTES = "Adjusts the risperidone dose monthly"
# Words of each value: none may be found in the columns' raw text.
PLAIN = (
    "Autism spectrum",
    "F84.0",
    "F41.1",
    "Generalized anxiety",
    "Penicillin",
    "Anaphylaxis",
    "Thickened",
    "risperidone",
)
COLUMNS = "primary_diagnosis, secondary_diagnoses, allergies, dietary_restrictions"


@pytest.fixture
def detailed(org_a) -> Client:
    client = make_client(
        org_a,
        primary_diagnosis=DIAGNOSIS,
        secondary_diagnoses=SECONDARY,
        allergies=ALLERGIES,
        dietary_restrictions=DIET,
    )
    with org_a:
        services.contact_save(client=client, contact_type="physician", first_name="Ana", last_name="Diaz", notes=NOTES)
    return client


def stored(org, client) -> list[str]:
    """The columns as the database holds them."""
    with org, connection.cursor() as cursor:
        # bandit B608: the column names are the test's constants.
        cursor.execute(f"SELECT {COLUMNS} FROM clients_client WHERE id = %s", [client.pk])  # nosec B608
        values = list(cursor.fetchone())
        cursor.execute("SELECT notes FROM clients_clientcontact WHERE client_id = %s", [client.pk])
        values += [row[0] for row in cursor.fetchall()]
    return values


def read_back(org, client) -> tuple:
    with org:
        fresh = Client.objects.get(pk=client.pk)
        notes = ClientContact.objects.get(client=client).notes
    return fresh.primary_diagnosis, fresh.secondary_diagnoses, fresh.allergies, fresh.dietary_restrictions, notes


def test_clinical_detail_is_ciphertext_in_the_database_and_in_no_audit_entry(org_a, detailed):
    values = stored(org_a, detailed)
    assert len(values) == 5
    for value in values:
        assert value.startswith("gAAAA")
        assert not any(word in value for word in PLAIN)
    assert read_back(org_a, detailed) == (DIAGNOSIS, SECONDARY, ALLERGIES, DIET, NOTES)
    with org_a:
        logged = str(list(LogEntry.objects.values_list("changes", flat=True)))
    assert not any(word in logged for word in PLAIN)


def test_the_client_page_shows_it_in_the_same_number_of_queries_as_a_client_without_it(one_minute, org_a, detailed):
    bare = make_client(org_a, first_name="Bare")
    manager = signed_in(org_a, "manager")
    counts = []
    for client in (bare, detailed):
        manager.get(f"/clients/{client.pk}/")
        fragments.clear()
        with CaptureQueriesContext(connection) as queries:
            page = manager.get(f"/clients/{client.pk}/").content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
    for shown in ("Autism spectrum disorder", "Generalized anxiety disorder", "Penicillin", "Anaphylaxis", DIET[0]):
        assert shown in page
    with org_a:
        contact = ClientContact.objects.get(client=detailed)
    # A contact's notes are shown in its form.
    assert NOTES in manager.get(f"/clients/{detailed.pk}/contacts/{contact.pk}/").content.decode()


def test_the_migration_decrypts_back_and_encrypts_again_in_batches(org_a, detailed):
    make_client(org_a, first_name="Other", primary_diagnosis="F70 Mild intellectual disabilities")
    with org_a:
        migration.decrypt(None, None)
    values = stored(org_a, detailed)
    assert values[0] == DIAGNOSIS and "Penicillin" in values[2] and values[4] == NOTES
    with org_a:
        rows = Client.objects.count()
        with CaptureQueriesContext(connection) as queries:
            changed = rewrite("clients_client", migration.CLIENT_JSON, migration._encrypt_json, batch=2)
    updates = [q for q in queries if q["sql"].startswith("UPDATE")]
    # One UPDATE per batch of rows, not one per row.
    assert changed == 3 * rows and len(updates) == math.ceil(rows / 2)
    with org_a:
        rewrite("clients_client", ["primary_diagnosis"], crypto.encrypt)
        rewrite("clients_clientcontact", ["notes"], crypto.encrypt)
    assert not any(word in value for value in stored(org_a, detailed) for word in PLAIN)
    assert read_back(org_a, detailed) == (DIAGNOSIS, SECONDARY, ALLERGIES, DIET, NOTES)


def test_key_rotation_reencrypts_them_and_the_old_key_can_go(org_a, detailed, settings):
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    before = stored(org_a, detailed)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    crypto._fernet.cache_clear()
    try:
        call_command("rotate_encryption_keys", "--schema", org_a.schema_name, stdout=io.StringIO())
        after = stored(org_a, detailed)
        assert all(new != old for new, old in zip(after, before, strict=True))
        settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
        crypto._fernet.cache_clear()
        assert read_back(org_a, detailed) == (DIAGNOSIS, SECONDARY, ALLERGIES, DIET, NOTES)
    finally:
        settings.FIELD_ENCRYPTION_KEYS = old_keys
        crypto._fernet.cache_clear()
