"""Storage full or unreachable during an upload: the person sees why next to the upload box
(503: storage's fault, not the file's), no File row is written, and no bytes are left in
storage, on this server's disk (a tiny filesystem that fills up) and on S3 (moto in server
mode, stopped under the application)."""

import uuid

import boto3
import pytest

from apps.core.tests.faults import MotoServer, full_disk
from apps.files import services, storage
from apps.files.models import File
from apps.files.tests.conftest import PDF, upload
from conftest import person, signed_in

pytestmark = [pytest.mark.slow]

# More than the small disk holds, less than the organization's size limit.
BIG_PDF = PDF + b"%" + b"0" * (256 * 1024)


def _left_in(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def small_disk(settings):
    with full_disk(kilobytes=64) as root:
        settings.PRIVATE_FILES_ROOT = root
        storage._store.cache_clear()
        yield root
        storage._store.cache_clear()


def test_an_upload_to_a_full_disk_is_refused_clearly_and_leaves_nothing(org_a, small_disk):
    client = signed_in(org_a, "dsp")
    response = upload(client, "scan.pdf", BIG_PDF)
    assert response.status_code == 503
    assert "“scan.pdf” could not be stored: file storage is full or unreachable" in response.content.decode()
    with org_a:
        assert not File.objects.exists()
    assert _left_in(small_disk) == []  # neither the file nor its temporary part

    # The disk is not broken, only full: a file that fits is still stored.
    assert upload(client, "note.pdf", PDF).status_code == 302
    with org_a:
        assert File.objects.count() == 1


def test_an_attachment_to_a_full_disk_is_refused_on_the_records_page(org_a, small_disk):
    from apps.clients.tests.conftest import make_client

    maria = make_client(org_a)
    response = upload(signed_in(org_a, "admin"), "scan.pdf", BIG_PDF, to=f"clients.client:{maria.pk}")
    assert response.status_code == 503
    assert "could not be stored" in response.content.decode()
    with org_a:
        assert not File.objects.exists()
    assert _left_in(small_disk) == []


def test_a_file_the_application_makes_on_a_full_disk_raises_unavailable_and_leaves_nothing(org_a, small_disk):
    with org_a, pytest.raises(storage.Unavailable):
        services.file_store_bytes(content=BIG_PDF, filename="care-plan.pdf", actor=person(org_a, "admin"))
    with org_a:
        assert not File.objects.exists()
    assert _left_in(small_disk) == []


@pytest.fixture
def s3_down(settings, monkeypatch):
    """Settings on a bucket of a moto server of the test's own; yields the server, up."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with MotoServer() as moto:
        client = boto3.client("s3", endpoint_url=moto.endpoint, region_name="us-east-1")
        bucket = f"starline-{uuid.uuid4().hex[:12]}"
        client.create_bucket(Bucket=bucket)
        settings.AWS_STORAGE_BUCKET_NAME = bucket
        settings.AWS_S3_ENDPOINT_URL = moto.endpoint
        settings.AWS_S3_REGION_NAME = "us-east-1"
        settings.AWS_S3_KMS_KEY_ID = ""
        settings.AWS_CLOUDFRONT_DOMAIN = ""
        storage._store.cache_clear()
        moto.client, moto.bucket = client, bucket
        yield moto
        storage._store.cache_clear()


def test_an_upload_while_s3_is_unreachable_is_refused_clearly_and_leaves_nothing(org_a, s3_down):
    client = signed_in(org_a, "dsp")
    assert upload(client, "first.pdf", PDF).status_code == 302  # S3 up: stored

    s3_down.stop()
    response = upload(client, "scan.pdf", BIG_PDF)
    assert response.status_code == 503
    assert "“scan.pdf” could not be stored: file storage is full or unreachable" in response.content.decode()
    with org_a:
        assert list(File.objects.values_list("original_filename", flat=True)) == ["first.pdf"]

    s3_down.start()  # the same bucket: moto keeps its state in this process
    with org_a:
        kept = File.objects.get().file_path
    objects = s3_down.client.list_objects_v2(Bucket=s3_down.bucket).get("Contents", [])
    assert [o["Key"] for o in objects] == [kept]
    assert s3_down.client.list_multipart_uploads(Bucket=s3_down.bucket).get("Uploads", []) == []
    assert upload(client, "again.pdf", PDF).status_code == 302


def test_a_photo_to_a_full_disk_is_refused_clearly_and_leaves_nothing(org_a, small_disk):
    import io
    import os

    from PIL import Image

    from apps.clients.tests.conftest import make_client

    maria = make_client(org_a)
    noise = io.BytesIO()
    Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3)).save(noise, "PNG")  # ~270 KB
    noise.seek(0)
    noise.name = "maria.png"
    response = signed_in(org_a, "admin").post(f"/clients/{maria.pk}/photo/", {"photo": noise})
    assert response.status_code == 400  # the record views answer every refused photo so
    assert "“maria.png” could not be stored" in response.content.decode()
    with org_a:
        assert not File.objects.exists()
        maria.refresh_from_db()
    assert maria.photo_id is None
    assert _left_in(small_disk) == []
