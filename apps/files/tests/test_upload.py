"""Uploading and downloading on local storage: what is stored, how it is checked, what is
refused and why."""

import hashlib
import os

import pytest

from apps.audit.models import LogEntry
from apps.files import crypto, services, sniff
from apps.files.models import File
from apps.files.tests.conftest import PDF, PNG, upload
from conftest import person, signed_in


def _stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_upload_is_stored_under_a_random_name_in_the_organizations_prefix(org_a, private_root):
    client = signed_in(org_a, "dsp")
    response = upload(client, "Care plan (signed).pdf", PDF, description="Signed copy")
    assert response.status_code == 302
    with org_a:
        file = File.objects.get()
    assert file.original_filename == "Care plan (signed).pdf" and file.description == "Signed copy"
    assert file.file_path.startswith(f"{org_a.schema_name}/files/") and "Care" not in file.file_path
    assert file.file_path.endswith(file.stored_filename) and len(file.stored_filename) == 32
    assert file.file_hash == hashlib.sha256(PDF).hexdigest() and file.file_size == len(PDF)
    assert (file.mime_type, file.storage_provider, file.is_encrypted) == ("application/pdf", "local", True)
    assert file.uploaded_by == person(org_a, "dsp")


def test_the_type_comes_from_the_bytes_not_the_browser(org_a):
    upload(signed_in(org_a, "dsp"), "photo.pdf", PNG, content_type="application/pdf")
    with org_a:
        assert File.objects.get().mime_type == "image/png"


def test_bytes_on_disk_are_not_the_plaintext_and_come_back_whole(org_a, private_root):
    secret = b"Client: Jordan Example, SSN 123-45-6789. " * 5000  # about 210 KB, several chunks
    client = signed_in(org_a, "dsp")
    upload(client, "notes.txt", secret)
    (on_disk,) = _stored_files(private_root)
    raw = on_disk.read_bytes()
    assert b"Jordan" not in raw and b"123-45-6789" not in raw and raw.startswith(crypto.MAGIC)
    with org_a:
        file = File.objects.get()
    response = client.get(f"/files/{file.pk}/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == secret
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_download_is_an_entry_in_the_access_log(org_a):
    client = signed_in(org_a, "dsp")
    upload(client, "a.pdf", PDF)
    with org_a:
        file = File.objects.get()
    b"".join(client.get(f"/files/{file.pk}/download/").streaming_content)
    with org_a:
        entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(file.pk)).get()
    assert entry.additional_data == {"via": "download"} and entry.actor_email == person(org_a, "dsp").email


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "is a program"),
        ("report.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "is a program"),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", "is a script"),
        ("page.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "is a web page"),
        ("archive.pdf", b"PK\x03\x04" + b"\x00" * 100, "is a ZIP archive"),
    ],
)
def test_what_is_not_an_accepted_document_is_refused_saying_why(org_a, private_root, name, content, says):
    response = upload(signed_in(org_a, "dsp"), name, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html and name in html and 'role="alert"' in html
    with org_a:
        assert not File.objects.exists()
    assert _stored_files(private_root) == []


def test_the_organizations_size_limit(org_a, private_root):
    org_a.settings = {**(org_a.settings or {}), "files": {"max_upload_mb": 1}}
    org_a.save(update_fields=["settings"])
    response = upload(signed_in(org_a, "dsp"), "big.txt", b"x" * (1024 * 1024 + 1))
    assert response.status_code == 400 and "larger than 1 MB" in response.content.decode()
    with org_a:
        assert not File.objects.exists()
    assert _stored_files(private_root) == []
    assert services.max_upload_bytes(None) == 25 * 1024 * 1024


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\x\\..\\evil.txt", "evil.txt"),
        ("re\x00port\x1b[31m.txt", "report[31m.txt"),
        ("invoice\u202etxt.exe.txt", "invoicetxt.exe.txt"),
        ("...hidden.txt", "hidden.txt"),
        ("a" * 400 + ".txt", "a" * 251 + ".txt"),
    ],
)
def test_hostile_names_are_made_harmless(org_a, private_root, given, kept):
    assert upload(signed_in(org_a, "dsp"), given, b"plain text").status_code == 302
    with org_a:
        file = File.objects.get()
    assert file.original_filename == kept and len(file.original_filename) <= 255
    (on_disk,) = _stored_files(private_root)
    # On disk under the random stored name only, in the organization's directory.
    assert on_disk.name == file.stored_filename
    assert on_disk.relative_to(private_root).parts[0] == org_a.schema_name


def test_a_damaged_stored_file_is_refused_recorded_and_marked(org_a, private_root):
    client = signed_in(org_a, "dsp")
    upload(client, "a.pdf", PDF)
    (on_disk,) = _stored_files(private_root)
    raw = bytearray(on_disk.read_bytes())
    raw[-5] ^= 0x01
    on_disk.write_bytes(bytes(raw))
    with org_a:
        file = File.objects.get()
    response = client.get(f"/files/{file.pk}/download/")
    assert response.status_code == 409 and "does not match what was uploaded" in response.content.decode()
    with org_a:
        file.refresh_from_db()
        assert file.integrity_failed_at is not None
        vias = set(
            LogEntry.objects.filter(object_pk=str(file.pk), action=LogEntry.Action.ACCESS).values_list(
                "additional_data__via", flat=True
            )
        )
        assert vias == {"download refused: damaged"}
        assert LogEntry.objects.filter(object_pk=str(file.pk), action=LogEntry.Action.UPDATE).exists()


def test_a_missing_stored_file_is_refused_too(org_a, private_root):
    client = signed_in(org_a, "dsp")
    upload(client, "a.pdf", PDF)
    (on_disk,) = _stored_files(private_root)
    os.remove(on_disk)
    with org_a:
        file = File.objects.get()
    assert client.get(f"/files/{file.pk}/download/").status_code == 409


def test_an_upload_without_the_csrf_token_stores_nothing(org_a, private_root):
    from conftest import host_client

    client = host_client(org_a.primary_host, enforce_csrf_checks=True)
    with org_a:
        client.force_login(person(org_a, "dsp"))
    assert upload(client, "a.pdf", PDF).status_code == 403
    with org_a:
        assert not File.objects.exists()
    assert _stored_files(private_root) == []


def test_no_file_chosen_is_a_message_not_an_error(org_a):
    response = signed_in(org_a, "dsp").post("/files/upload/", {"description": "x"})
    assert response.status_code == 400 and "Choose a file to upload." in response.content.decode()


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "x.bin", sniff.JPEG),
        (b"GIF89a" + b"\x00" * 20, "x", sniff.GIF),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "x", sniff.WEBP),
        (b"\x00\x00\x00\x18ftypheic", "x", sniff.HEIC),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "budget.xls", sniff.XLS),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "letter.doc", sniff.DOC),
        (b"name,dob\nA,2000-01-01\n", "list.csv", sniff.CSV),
        (b"name,dob\nA,2000-01-01\n", "list.txt", sniff.TEXT),
        ("Añadir ñandú".encode() * 3000, "es.txt", sniff.TEXT),  # a character cut at the sample's end
        (b"\x00\x01\x02binary", "x.txt", sniff.UNKNOWN),
    ],
)
def test_kinds_are_told_from_their_first_bytes(head, name, kind):
    assert sniff.detect(head[: sniff.HEAD], name) == kind


def test_office_documents_are_recognized(tmp_path):
    import zipfile

    for part, kind in (("word/document.xml", sniff.DOCX), ("xl/workbook.xml", sniff.XLSX)):
        path = tmp_path / "doc.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr(part, "<x/>")
        assert sniff.detect(path.read_bytes()[: sniff.HEAD], "doc") == kind
    path = tmp_path / "doc.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<x/>")
    assert sniff.detect(path.read_bytes()[: sniff.HEAD], "doc.odt") == sniff.ODT


def test_encryption_detects_truncation_reordering_and_another_key(settings):
    import io

    sink = io.BytesIO()
    encryptor = crypto.Encryptor(sink, context="org_x/files/ab/abc")
    encryptor.write(b"a" * (crypto.CHUNK * 2 + 10))
    encryptor.close()
    data = sink.getvalue()
    assert b"".join(crypto.decrypt(io.BytesIO(data), context="org_x/files/ab/abc")) == b"a" * (crypto.CHUNK * 2 + 10)
    cut = data[: crypto.HEADER + 2 * (crypto.CHUNK + crypto.TAG)]  # drop the last chunk
    with pytest.raises(crypto.Tampered):
        b"".join(crypto.decrypt(io.BytesIO(cut), context="org_x/files/ab/abc"))
    first, second = crypto.HEADER, crypto.HEADER + crypto.CHUNK + crypto.TAG
    swapped = (
        data[:first]
        + data[second : second + crypto.CHUNK + crypto.TAG]
        + data[first:second]
        + data[second + crypto.CHUNK + crypto.TAG :]
    )
    with pytest.raises(crypto.Tampered):
        b"".join(crypto.decrypt(io.BytesIO(swapped), context="org_x/files/ab/abc"))
    with pytest.raises(crypto.Tampered, match="belongs elsewhere"):  # copied into another file's place
        b"".join(crypto.decrypt(io.BytesIO(data), context="org_y/files/ab/abc"))
    settings.FILES_ENCRYPTION_KEY = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
    with pytest.raises(crypto.Tampered, match="deployment's key"):
        b"".join(crypto.decrypt(io.BytesIO(data), context="org_x/files/ab/abc"))


def test_a_stored_file_that_does_not_match_its_recorded_hash_is_refused(org_a):
    client = signed_in(org_a, "dsp")
    upload(client, "a.pdf", PDF)
    with org_a:
        file = File.objects.get()
        File.objects.filter(pk=file.pk).update(file_hash=hashlib.sha256(b"something else").hexdigest())
    assert client.get(f"/files/{file.pk}/download/").status_code == 409


def test_several_files_in_one_request_store_nothing(org_a, private_root):
    import io

    parts = []
    for index in range(3):
        handle = io.BytesIO(PDF)
        handle.name = f"part{index}.pdf"
        parts.append(handle)
    response = signed_in(org_a, "dsp").post("/files/upload/", {"file": parts})
    assert response.status_code == 400 and "Upload one file at a time." in response.content.decode()
    with org_a:
        assert not File.objects.exists()
    assert _stored_files(private_root) == []


def test_a_broken_request_body_leaves_nothing_behind(org_a, private_root):
    boundary = "BoUnDaRy"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + b"JVBERi0xLjcK!!!not base64!!!"
    response = signed_in(org_a, "dsp").generic(
        "POST", "/files/upload/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code in (400, 403)
    assert _stored_files(private_root) == []


def test_downloads_are_named_for_what_they_are(org_a):
    client = signed_in(org_a, "dsp")
    upload(client, "update.bat", b"echo hello\r\n")
    with org_a:
        file = File.objects.get()
    assert file.mime_type == "text/plain"
    response = client.get(f"/files/{file.pk}/download/")
    assert response["Content-Disposition"] == 'attachment; filename="update.bat.txt"'


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.msi", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("notes.txt", "\ufeff<html><script>alert(1)</script>".encode()),
        ("notes.txt", b"Hello\n" * 10 + b"<iframe src=x>"),
    ],
)
def test_installers_and_pages_in_disguise_are_refused(org_a, name, content):
    assert upload(signed_in(org_a, "dsp"), name, content).status_code == 400
    with org_a:
        assert not File.objects.exists()
