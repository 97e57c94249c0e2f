"""An agency's data that can move (issue 28 §7): export_organization writes an archive
encrypted under a passphrase; import_organization restores it as a new organization, every
row and file kept and the audit chain verifying; a bad archive, a wrong passphrase or newer
migrations are refused with nothing left behind."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists

from apps.accounts.models import User
from apps.clients import services as client_services
from apps.clients.models import Client, ClientContact
from apps.clients.tests.conftest import make_client
from apps.files import services as file_services
from apps.files import storage
from apps.files.models import File
from apps.tenants.models import Domain, Organization
from apps.tenants.moving import archive, catalog
from conftest import person, signed_in

pytestmark = pytest.mark.slow

PASSPHRASE = "a long and careful passphrase"
DIAGNOSIS = "F84.0 Autism spectrum disorder"
NOTES = "Tabs\tnewlines\nand back\\slashes survive"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + bytes(range(256)) * 700


@pytest.fixture(autouse=True)
def roots(settings, tmp_path, monkeypatch):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    storage._store.cache_clear()
    passphrase_file = tmp_path / "passphrase"
    passphrase_file.write_text(PASSPHRASE + "\n")
    monkeypatch.delenv(archive.PASSPHRASE_ENV, raising=False)
    yield tmp_path
    storage._store.cache_clear()


@pytest.fixture
def seeded(org_a):
    """Clients with encrypted detail, a contact, two files (one deleted) and the audit entries
    all that wrote."""
    admin = person(org_a, "admin")
    maria = make_client(org_a, primary_diagnosis=DIAGNOSIS, allergies=[{"allergen": "Penicillin"}])
    make_client(org_a, first_name="Jon", last_name="Berg")
    with org_a:
        client_services.contact_save(
            client=maria, contact_type="physician", first_name="Ana", last_name="Diaz", notes=NOTES
        )
        kept = file_services.file_store_bytes(content=PDF, filename="plan.pdf", actor=admin, attach_to=maria)
        gone = file_services.file_store_bytes(content=PDF[:5000], filename="old.pdf", actor=admin)
        file_services.file_delete(file=gone, actor=admin)
        admin.profile_picture.save("me.png", ContentFile(PNG), save=False)
        get_user_model().objects.filter(pk=admin.pk).update(profile_picture=admin.profile_picture.name)
    org_a.logo.save("logo.png", ContentFile(PNG), save=False)
    Organization.objects.filter(pk=org_a.pk).update(logo=org_a.logo.name)
    signed_in(org_a, "admin")  # a live session, which must not move
    return {"maria": maria, "file": kept, "admin": admin}


def export(org, path, **extra) -> str:
    out = io.StringIO()
    call_command(
        "export_organization",
        schema=org.schema_name,
        output=str(path),
        passphrase_file=str(path.parent / "passphrase"),
        stdout=out,
        **extra,
    )
    return out.getvalue()


def import_(path, subdomain, passphrase_file=None):
    call_command(
        "import_organization",
        str(path),
        subdomain=subdomain,
        passphrase_file=str(passphrase_file or path.parent / "passphrase"),
        stdout=io.StringIO(),
    )
    return Organization.objects.get(subdomain=subdomain)


def counts(schema: str) -> dict[str, int]:
    found = {}
    with connection.cursor() as cursor:
        for table in catalog.tables(schema):
            cursor.execute(f"SELECT count(*) FROM {catalog.ident(schema)}.{catalog.ident(table['name'])}")  # nosec B608
            found[table["name"]] = cursor.fetchone()[0]
    return found


def file_bytes(org) -> dict[str, bytes]:
    with org:
        return {
            str(f.pk): b"".join(storage.store_for(f.storage_provider).chunks(f.file_path)) for f in File.objects.all()
        }


def test_the_round_trip_keeps_every_row_and_file_and_the_audit_chain_verifies(org_a, seeded, roots):
    path = roots / "alpha.starline"
    export(org_a, path)
    moved = import_(path, "alpha-moved")

    assert moved.schema_name == "org_alpha_moved"
    assert moved.name == org_a.name and moved.timezone == org_a.timezone
    assert Domain.objects.filter(tenant=moved, domain=moved.primary_host).exists()
    before, after = counts(org_a.schema_name), counts(moved.schema_name)
    # Live sessions are credentials and stay behind (exporting.LEFT_BEHIND); every other row moves.
    assert after.pop("django_session") == 0
    assert before.pop("django_session") >= 1
    assert after == before
    assert before["clients_client"] >= 2 and before["audit_logentry"] > 0 and before["files_file"] == 2
    assert file_bytes(moved) == file_bytes(org_a)
    with moved:
        copy = File.objects.get(pk=seeded["file"].pk)
        assert copy.file_path.startswith("org_alpha_moved/files/")
        assert Client.objects.get(pk=seeded["maria"].pk).primary_diagnosis == DIAGNOSIS
        assert ClientContact.objects.get(client_id=seeded["maria"].pk).notes == NOTES
    with moved:
        picture = User.objects.get(pk=seeded["admin"].pk).profile_picture
        assert picture.name.startswith("org_alpha_moved/profile/") and picture.read() == PNG
    assert moved.logo.name.startswith("public/branding/org_alpha_moved/") and moved.logo.read() == PNG
    out = io.StringIO()
    call_command("verify_audit_chain", schema=moved.schema_name, stdout=out)
    assert "intact" in out.getvalue()
    # New rows get ids past the copied ones, and new audit entries continue the chain.
    with moved, connection.cursor() as cursor:
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())")
        client_services.client_save(
            actor=User.objects.get(email=f"admin@{org_a.subdomain}.test"),
            organization=moved,
            first_name="New",
            last_name="Person",
            date_of_birth=seeded["maria"].date_of_birth,
        )
    call_command("verify_audit_chain", schema=moved.schema_name, stdout=io.StringIO())


def test_encrypted_columns_are_readable_under_other_keys_and_never_plain_in_the_archive(org_a, seeded, roots, settings):
    path = roots / "alpha.starline"
    export(org_a, path)
    assert path.stat().st_mode & 0o077 == 0
    raw = path.read_bytes()
    assert b"Autism" not in raw and b"Penicillin" not in raw and b"%PDF" not in raw
    # The other cluster: other field keys, another files key.
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.FILES_ENCRYPTION_KEY = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
    moved = import_(path, "alpha-elsewhere")
    with moved:
        assert Client.objects.get(pk=seeded["maria"].pk).primary_diagnosis == DIAGNOSIS
        assert Client.objects.get(pk=seeded["maria"].pk).allergies == [{"allergen": "Penicillin"}]
        assert ClientContact.objects.get(client_id=seeded["maria"].pk).notes == NOTES
        with connection.cursor() as cursor:
            cursor.execute("SELECT primary_diagnosis FROM clients_client WHERE id = %s", [seeded["maria"].pk])
            assert "Autism" not in cursor.fetchone()[0]
        copy = File.objects.get(pk=seeded["file"].pk)
        assert b"".join(storage.store_for(copy.storage_provider).chunks(copy.file_path)) == PDF


def test_the_manifest_records_checksums_counts_version_and_migrations(org_a, seeded, roots):
    path = roots / "alpha.starline"
    export(org_a, path)
    reader = archive.Reader(str(path), passphrase=PASSPHRASE)
    manifest = reader.manifest
    reader.close()
    assert manifest["starline_version"] and manifest["migrations"]
    clients = next(t for t in manifest["tables"] if t["name"] == "clients_client")
    assert clients["rows"] == counts(org_a.schema_name)["clients_client"] and len(clients["sha256"]) == 64
    with org_a:
        ids = {str(pk) for pk in File.objects.values_list("pk", flat=True)}
    files = [f for f in manifest["files"] if f["kind"] == "files"]
    assert {f["name"] for f in files} == ids and all(len(f["sha256"]) == 64 for f in files)


def stored_under(root, schema) -> list:
    """Files left in the private files root under a schema's prefix."""
    return [p for p in (root / "private" / schema).rglob("*") if p.is_file()]


def test_a_wrong_passphrase_is_refused_and_nothing_is_created(org_a, seeded, roots):
    path = roots / "alpha.starline"
    export(org_a, path)
    wrong = roots / "wrong"
    wrong.write_text("not the passphrase at all\n")
    with pytest.raises(CommandError, match="Wrong passphrase"):
        import_(path, "alpha-wrong", passphrase_file=wrong)
    assert not Organization.objects.filter(subdomain="alpha-wrong").exists()
    assert not schema_exists("org_alpha_wrong")


def _rewrite_member(path, name, change):
    """The archive with one member's plaintext changed and sealed again with the right key:
    only the manifest's checksum can tell."""
    reader = archive.Reader(str(path), passphrase=PASSPHRASE)
    members = {info.filename: reader.zip.read(info.filename) for info in reader.zip.infolist()}
    plain = b"".join(reader.chunks(name))
    key = reader.key
    reader.close()
    with zipfile.ZipFile(path, "w") as rebuilt:
        for member, data in members.items():
            if member != name:
                rebuilt.writestr(member, data)
        with rebuilt.open(name, "w") as sink:
            writer = archive.MemberWriter(sink, key=key, name=name)
            writer.write(change(plain))
            writer.close()


def test_a_checksum_mismatch_is_refused_and_nothing_is_left(org_a, seeded, roots):
    path = roots / "alpha.starline"
    export(org_a, path)
    _rewrite_member(path, "tables/clients_client", lambda rows: rows.replace(b"Maria", b"Mario"))
    with pytest.raises(CommandError, match="does not match its checksum"):
        import_(path, "alpha-bad")
    assert not Organization.objects.filter(subdomain="alpha-bad").exists()
    assert not schema_exists("org_alpha_bad")
    assert stored_under(roots, "org_alpha_bad") == []


def test_a_damaged_file_member_removes_the_files_already_stored(org_a, seeded, roots):
    path = roots / "alpha.starline"
    export(org_a, path)
    reader = archive.Reader(str(path), passphrase=PASSPHRASE)
    last = [f for f in reader.manifest["files"] if f["kind"] == "files"][-1]["member"]
    reader.close()
    _rewrite_member(path, last, lambda data: data[:-1] + b"!")
    with pytest.raises(CommandError, match="does not match its checksum"):
        import_(path, "alpha-half")
    assert not schema_exists("org_alpha_half")
    assert stored_under(roots, "org_alpha_half") == []


def test_flipped_bytes_in_the_archive_are_refused(org_a, seeded, roots):
    path = roots / "alpha.starline"
    export(org_a, path)
    reader = archive.Reader(str(path), passphrase=PASSPHRASE)
    info = reader.zip.getinfo("tables/clients_client")
    reader.close()
    data = bytearray(path.read_bytes())
    data[info.header_offset + len(info.FileHeader()) + 40] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="damaged"):
        import_(path, "alpha-flip")
    assert not schema_exists("org_alpha_flip")


def test_migrations_newer_than_this_code_are_refused(org_a, seeded, roots):
    path = roots / "alpha.starline"
    export(org_a, path)

    def newer(plain: bytes) -> bytes:
        manifest = json.loads(plain)
        manifest["migrations"].append(["clients", "9999_from_the_future"])
        return json.dumps(manifest).encode()

    _rewrite_member(path, archive.MANIFEST, newer)
    with pytest.raises(CommandError, match=r"newer Starline.*clients\.9999_from_the_future"):
        import_(path, "alpha-future")
    assert not Organization.objects.filter(subdomain="alpha-future").exists()


def test_the_passphrase_is_never_an_argument_and_an_existing_output_is_kept(org_a, roots, monkeypatch):
    path = roots / "alpha.starline"
    with pytest.raises(CommandError, match="passphrase"):
        call_command("export_organization", schema=org_a.schema_name, output=str(path), stdout=io.StringIO())
    assert not path.exists()
    path.write_bytes(b"precious")
    monkeypatch.setenv(archive.PASSPHRASE_ENV, PASSPHRASE)
    with pytest.raises(CommandError, match="exists"):
        call_command("export_organization", schema=org_a.schema_name, output=str(path), stdout=io.StringIO())
    assert path.read_bytes() == b"precious"


def test_a_taken_subdomain_is_refused(org_a, org_b, roots):
    path = roots / "alpha.starline"
    export(org_a, path)
    with pytest.raises(CommandError, match="subdomain"):
        import_(path, org_b.subdomain)


def test_an_archive_from_an_older_starline_is_refused(org_a, seeded, roots):
    path = roots / "alpha.starline"
    export(org_a, path)
    dropped = []

    def older(plain: bytes) -> bytes:
        manifest = json.loads(plain)
        dropped.append(manifest["migrations"].pop())
        return json.dumps(manifest).encode()

    _rewrite_member(path, archive.MANIFEST, older)
    app, name = dropped[0]
    with pytest.raises(CommandError, match=rf"older Starline.*{app}\.{name}"):
        import_(path, "alpha-past")
    assert not schema_exists("org_alpha_past")


def test_files_on_s3_move_to_a_deployment_that_keeps_them_on_its_disk(org_a, roots, settings, moto_s3, moto_endpoint):
    moto_s3.create_bucket(Bucket="starline-moving")
    settings.AWS_STORAGE_BUCKET_NAME = "starline-moving"
    settings.AWS_S3_ENDPOINT_URL = moto_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_KMS_KEY_ID = ""
    settings.AWS_CLOUDFRONT_DOMAIN = ""
    storage._store.cache_clear()
    with org_a:
        on_s3 = file_services.file_store_bytes(content=PDF, filename="plan.pdf", actor=person(org_a, "admin"))
    assert on_s3.storage_provider == File.Provider.S3
    path = roots / "alpha.starline"
    export(org_a, path)
    settings.AWS_STORAGE_BUCKET_NAME = ""
    storage._store.cache_clear()
    moved = import_(path, "alpha-disk")
    with moved:
        copy = File.objects.get(pk=on_s3.pk)
    assert copy.storage_provider == File.Provider.LOCAL and copy.file_path.startswith("org_alpha_disk/")
    assert b"".join(storage.store_for(copy.storage_provider).chunks(copy.file_path)) == PDF
