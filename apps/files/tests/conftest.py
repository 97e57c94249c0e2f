"""Files tests store bytes under a fresh directory each, and the S3 ones talk to moto in
server mode: a real HTTP S3 (and KMS) endpoint started once for the session."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.files import storage


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    storage._store.cache_clear()
    yield settings.PRIVATE_FILES_ROOT
    storage._store.cache_clear()


@pytest.fixture
def s3(settings, moto_endpoint, moto_s3):
    """Settings pointing at a fresh bucket on the moto server (root conftest); yields a boto3 client."""
    import uuid

    client = moto_s3
    bucket = f"starline-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = moto_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_KMS_KEY_ID = ""
    settings.AWS_CLOUDFRONT_DOMAIN = ""
    storage._store.cache_clear()
    client.bucket = bucket
    return client


def upload(client, name: str, content: bytes, *, to: str = "", description: str = "", content_type=None):
    """Post a file as a browser would (multipart), optionally attached to a record."""
    handle: io.BytesIO | SimpleUploadedFile = io.BytesIO(content)
    handle.name = name
    if content_type:
        handle = SimpleUploadedFile(name, content, content_type=content_type)
    url = "/files/upload/" + (f"?to={to}" if to else "")
    return client.post(url, {"description": description, "file": handle})


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
