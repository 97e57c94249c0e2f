"""S3 storage against moto in server mode (a real HTTP S3 and KMS endpoint): encryption
headers, presigned downloads that live at most 60 seconds, CloudFront signing, and a
replaced object caught."""

import base64
import json
import urllib.parse
import urllib.request
from datetime import UTC, datetime

import boto3
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils import timezone

from apps.files.models import File
from apps.files.tests.conftest import PDF, upload
from conftest import signed_in


def _stored(org):
    with org:
        return File.objects.get()


def test_without_a_kms_key_objects_are_sse_s3_and_presigned_for_sixty_seconds(org_a, s3):
    client = signed_in(org_a, "dsp")
    assert upload(client, "plan.pdf", PDF).status_code == 302
    file = _stored(org_a)
    assert file.storage_provider == "aws_s3" and file.file_path.startswith(f"{org_a.schema_name}/files/")
    head = s3.head_object(Bucket=s3.bucket, Key=file.file_path)
    assert head["ServerSideEncryption"] == "AES256" and head["ContentLength"] == len(PDF)
    response = client.get(f"/files/{file.pk}/download/")
    assert response.status_code == 302
    url = response["Location"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"]
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((timezone.now() - signed_at).total_seconds()) < 30
    assert 'filename="plan.pdf"' in urllib.parse.unquote(query["response-content-disposition"][0])
    with urllib.request.urlopen(url) as fetched:  # noqa: S310 - the moto server's own URL # nosec B310
        assert fetched.read() == PDF


def test_with_a_kms_key_objects_are_sse_kms_under_that_key(org_a, s3, settings, moto_endpoint):
    kms = boto3.client("kms", endpoint_url=moto_endpoint, region_name="us-east-1")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    settings.AWS_S3_KMS_KEY_ID = key_id
    from apps.files import storage

    storage._store.cache_clear()
    upload(signed_in(org_a, "dsp"), "plan.pdf", PDF)
    head = s3.head_object(Bucket=s3.bucket, Key=_stored(org_a).file_path)
    assert head["ServerSideEncryption"] == "aws:kms" and key_id in head["SSEKMSKeyId"]


def test_a_replaced_object_is_caught_before_any_url_is_issued(org_a, s3):
    client = signed_in(org_a, "dsp")
    upload(client, "plan.pdf", PDF)
    file = _stored(org_a)
    s3.put_object(Bucket=s3.bucket, Key=file.file_path, Body=PDF.replace(b"Catalog", b"Catalof"))
    response = client.get(f"/files/{file.pk}/download/")
    assert response.status_code == 409 and "Location" not in response
    assert _stored(org_a).integrity_failed_at is not None


def test_refused_and_large_uploads_leave_nothing_in_the_bucket(org_a, s3):
    client = signed_in(org_a, "dsp")
    assert upload(client, "x.pdf", b"MZ" + b"\x00" * 100).status_code == 400
    big = b"%PDF-1.7\n" + b"0" * (9 * 1024 * 1024)  # two multipart parts
    assert upload(client, "big.pdf", big).status_code == 302
    file = _stored(org_a)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=s3.bucket).get("Contents", [])]
    assert keys == [file.file_path]
    assert s3.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []
    response = client.get(f"/files/{file.pk}/download/")
    with urllib.request.urlopen(response["Location"]) as fetched:  # noqa: S310 - the moto server's own URL # nosec B310
        assert fetched.read() == big


def test_cloudfront_urls_are_signed_and_expire_within_sixty_seconds(org_a, s3, settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.AWS_CLOUDFRONT_DOMAIN = "files.cdn.example"
    settings.AWS_CLOUDFRONT_KEY_ID = "K2JCJMDEHXQW5F"
    settings.AWS_CLOUDFRONT_KEY = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    from apps.files import storage

    storage._store.cache_clear()
    client = signed_in(org_a, "dsp")
    upload(client, "plan.pdf", PDF)
    url = client.get(f"/files/{_stored(org_a).pk}/download/")["Location"]
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    assert parts.netloc == "files.cdn.example" and query["Key-Pair-Id"] == ["K2JCJMDEHXQW5F"]
    expires = int(query["Expires"][0])
    assert 0 < expires - timezone.now().timestamp() <= 61
    # CloudFront's canned policy, signed with the key: the CDN accepts nothing else.
    resource = (
        url.split("?")[0]
        + "?"
        + "&".join(p for p in parts.query.split("&") if not p.startswith(("Expires=", "Signature=", "Key-Pair-Id=")))
    )
    resource = resource.rstrip("?")
    condition = {"DateLessThan": {"AWS:EpochTime": expires}}
    policy = json.dumps({"Statement": [{"Resource": resource, "Condition": condition}]}, separators=(",", ":")).encode()
    signature = base64.b64decode(query["Signature"][0].replace("-", "+").replace("_", "=").replace("~", "/"))
    key.public_key().verify(signature, policy, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - CloudFront's scheme # nosec B303


@pytest.mark.parametrize("local", ["nurse", "outsider"])
def test_no_url_is_issued_without_the_right(org_a, s3, local):
    upload(signed_in(org_a, "dsp"), "plan.pdf", PDF)
    assert signed_in(org_a, local).get(f"/files/{_stored(org_a).pk}/download/").status_code == 404


def test_cloudfront_without_its_key_pair_refuses_to_hand_out_urls(org_a, s3, settings):
    from django.core.exceptions import ImproperlyConfigured

    from apps.files import storage

    settings.AWS_CLOUDFRONT_DOMAIN = "files.cdn.example"
    settings.AWS_CLOUDFRONT_KEY_ID = ""
    settings.AWS_CLOUDFRONT_KEY = ""
    storage._store.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="must be signed"):
        storage.current_store()
