"""Where file bytes live: this server's disk, encrypted by the application, or S3 with
server-side encryption. Both stream in and out in chunks, so memory stays flat whatever the
file's size.

The provider is chosen when a file is stored (S3 when AWS_STORAGE_BUCKET_NAME is set) and
recorded on it, so files stored before a switch are still read from where they are.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apps.core.errors import ServiceUnavailable
from apps.files import crypto

logger = logging.getLogger(__name__)
READ_CHUNK = 64 * 1024
PART = 8 * 1024 * 1024  # S3 multipart part size: the most an upload holds in memory


class IntegrityError(Exception):
    """The stored object is not the one recorded (damaged, replaced or missing)."""


class Unavailable(ServiceUnavailable):
    """Storage could not take the bytes: the disk is full or failing, S3 unreachable or
    refusing. What was written so far has been removed where storage still allows it."""


def new_key(schema: str) -> tuple[str, str]:
    """(stored name, key): a random name, never the uploader's, under the schema's prefix."""
    stored = uuid.uuid4().hex
    return stored, f"{schema}/files/{stored[:2]}/{stored}"


# --- local disk ------------------------------------------------------------------------


class LocalStore:
    provider = "local"
    encrypted = True

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key outside the files root")
        return path

    def writer(self, key: str) -> LocalWriter:
        return LocalWriter(self._path(key), key=key)

    def chunks(self, key: str) -> Iterator[bytes]:
        try:
            handle = self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise IntegrityError("the stored file is missing") from exc
        with handle:
            try:
                yield from crypto.decrypt(handle, context=key)
            except crypto.Tampered as exc:
                raise IntegrityError(str(exc)) from exc

    def check(self, key: str, *, size: int, tag: str) -> None:
        if not self._path(key).exists():
            raise IntegrityError("the stored file is missing")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def download_url(self, key: str, *, filename: str, mime_type: str) -> str | None:
        return None  # served through the application, decrypted on the way out


class LocalWriter:
    """Encrypts into a temporary file beside the target, renamed into place on close. A
    disk that fails (full, read-only, gone) raises Unavailable, the temporary file removed."""

    def __init__(self, path: Path, *, key: str):
        self.path = path
        self.temp = path.with_name(f".{path.name}.part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = self.temp.open("wb")
        except OSError as exc:
            raise Unavailable(str(exc)) from exc
        self.encryptor = crypto.Encryptor(self.handle, context=key)

    def write(self, data: bytes) -> None:
        try:
            self.encryptor.write(data)
        except OSError as exc:
            self.abort()
            raise Unavailable(str(exc)) from exc

    def close(self) -> str:
        try:
            self.encryptor.close()
            self.handle.close()
            os.replace(self.temp, self.path)
        except OSError as exc:
            self.abort()
            raise Unavailable(str(exc)) from exc
        return ""

    def abort(self) -> None:
        try:
            # Closing flushes what is buffered, which fails again on a full disk.
            self.handle.close()
        except OSError:
            pass
        finally:
            self.temp.unlink(missing_ok=True)


# --- S3 --------------------------------------------------------------------------------


class S3Store:
    """S3 (or anything that speaks it) through django-storages' configuration: SSE-KMS with
    AWS_S3_KMS_KEY_ID, else SSE-S3; downloads by presigned URL (or signed CloudFront URL)
    valid for 60 seconds at most."""

    provider = "aws_s3"
    encrypted = True

    def __init__(self):
        from storages.backends.s3 import S3Storage

        options = {
            "bucket_name": settings.AWS_STORAGE_BUCKET_NAME,
            "region_name": settings.AWS_S3_REGION_NAME,
            "endpoint_url": settings.AWS_S3_ENDPOINT_URL,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            # Signature V4: the URL carries its own lifetime (X-Amz-Expires), at most 60 s.
            "signature_version": "s3v4",
        }
        if settings.AWS_CLOUDFRONT_DOMAIN:
            if not (settings.AWS_CLOUDFRONT_KEY_ID and settings.AWS_CLOUDFRONT_KEY):
                # Without a key pair, django-storages would hand out plain, permanent URLs.
                raise ImproperlyConfigured(
                    "AWS_CLOUDFRONT_DOMAIN needs AWS_CLOUDFRONT_KEY_ID and AWS_CLOUDFRONT_KEY: "
                    "downloads must be signed."
                )
            options |= {
                "custom_domain": settings.AWS_CLOUDFRONT_DOMAIN,
                "cloudfront_key_id": settings.AWS_CLOUDFRONT_KEY_ID,
                "cloudfront_key": settings.AWS_CLOUDFRONT_KEY.encode(),
            }
        self.storage = S3Storage(**options)
        self.client = self.storage.connection.meta.client
        self.bucket = settings.AWS_STORAGE_BUCKET_NAME

    def encryption(self) -> dict:
        if settings.AWS_S3_KMS_KEY_ID:
            return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": settings.AWS_S3_KMS_KEY_ID}
        return {"ServerSideEncryption": "AES256"}

    def writer(self, key: str) -> S3Writer:
        return S3Writer(self, key)

    def chunks(self, key: str) -> Iterator[bytes]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except self.client.exceptions.NoSuchKey as exc:
            raise IntegrityError("the stored file is missing") from exc
        yield from body.iter_chunks(READ_CHUNK)

    def check(self, key: str, *, size: int, tag: str) -> None:
        """S3 verifies the bytes it holds; this checks it holds the object that was stored."""
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            raise IntegrityError("the stored file is missing") from exc
        if head["ContentLength"] != size or (tag and head["ETag"] != tag):
            raise IntegrityError("the stored object was replaced or changed")

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def download_url(self, key: str, *, filename: str, mime_type: str) -> str:
        from django.utils.http import content_disposition_header

        return self.storage.url(
            key,
            parameters={
                "ResponseContentDisposition": content_disposition_header(True, filename),
                "ResponseContentType": mime_type,
            },
            expire=60,
        )


class S3Writer:
    """A multipart upload fed in 8 MiB parts (S3 checks each against the checksum botocore
    sends with it); aborted, nothing is left behind. S3 unreachable or refusing raises
    Unavailable, the upload aborted if S3 still answers (else the bucket's lifecycle rule
    for incomplete multipart uploads, AbortIncompleteMultipartUpload, removes its parts)."""

    def __init__(self, store: S3Store, key: str):
        from botocore.exceptions import BotoCoreError, ClientError

        self.errors = (BotoCoreError, ClientError)
        self.store, self.key = store, key
        self.client = store.client
        self.buffer = bytearray()
        self.parts: list[dict] = []
        self.upload_id: str | None = None
        try:
            self.upload_id = self.client.create_multipart_upload(
                Bucket=store.bucket, Key=key, ContentType="application/octet-stream", **store.encryption()
            )["UploadId"]
        except self.errors as exc:
            raise Unavailable(str(exc)) from exc

    def write(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= PART:
            self._part(bytes(self.buffer[:PART]))
            del self.buffer[:PART]

    def _part(self, body: bytes) -> None:
        number = len(self.parts) + 1
        try:
            answer = self.client.upload_part(
                Bucket=self.store.bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=body
            )
        except self.errors as exc:
            self.abort()
            raise Unavailable(str(exc)) from exc
        self.parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    def close(self) -> str:
        if self.buffer or not self.parts:
            self._part(bytes(self.buffer))
            self.buffer = bytearray()
        try:
            done = self.client.complete_multipart_upload(
                Bucket=self.store.bucket,
                Key=self.key,
                UploadId=self.upload_id,
                MultipartUpload={"Parts": self.parts},
            )
        except self.errors as exc:
            self.abort()
            raise Unavailable(str(exc)) from exc
        return done["ETag"]

    def abort(self) -> None:
        if self.upload_id is None:
            return
        upload_id, self.upload_id = self.upload_id, None
        try:
            self.client.abort_multipart_upload(Bucket=self.store.bucket, Key=self.key, UploadId=upload_id)
        except self.errors:
            logger.warning("files: could not abort the multipart upload of %s", self.key, exc_info=True)


Store = LocalStore | S3Store
Writer = LocalWriter | S3Writer


# --- choosing --------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _store(provider: str, *config: object) -> Store:
    return S3Store() if provider == S3Store.provider else LocalStore(settings.PRIVATE_FILES_ROOT)


def _config(provider: str) -> tuple:
    if provider == S3Store.provider:
        return (
            settings.AWS_STORAGE_BUCKET_NAME,
            settings.AWS_S3_ENDPOINT_URL,
            settings.AWS_S3_KMS_KEY_ID,
            settings.AWS_CLOUDFRONT_DOMAIN,
        )
    return (str(settings.PRIVATE_FILES_ROOT),)


def store_for(provider: str) -> Store:
    """The store files of this provider are read from (one client per configuration)."""
    return _store(provider, *_config(provider))


def current_store() -> Store:
    """Where new files go."""
    return store_for(S3Store.provider if settings.AWS_STORAGE_BUCKET_NAME else LocalStore.provider)
