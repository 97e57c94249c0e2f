"""Uploads streamed straight into storage: each chunk the request parser reads is hashed,
counted and written (encrypted on local disk, a multipart part on S3), so neither memory nor
a temporary file ever holds the whole upload in the clear.

The type is decided from the first bytes; a program, or anything over the organization's
size limit, stops the upload there and then, and says why.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from apps.accounts.http import OrgRequest
from apps.core.tenancy import tenant_connection
from apps.files import services, sniff, storage

logger = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., HttpResponseBase])

# The mark apps.core.middleware looks for on a view.
STREAMS_UPLOAD = "streams_upload"


def streams_upload(view: View) -> View:
    """Tells middleware not to read the body before the view sets its upload handler (the
    view's outermost decorator, so the mark is on what the URLconf routes to)."""
    setattr(view, STREAMS_UPLOAD, True)
    return view


class StoredUpload(UploadedFile):
    """What the view finds in request.FILES: the bytes are already stored."""

    def __init__(self, stored: services.Stored):
        super().__init__(file=None, name=stored.original_filename, size=stored.size)
        self.stored = stored


class StreamingUploadHandler(FileUploadHandler):
    chunk_size = 64 * 1024

    def __init__(self, request: HttpRequest, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.error: str | None = None
        # The refusal is storage's (full, unreachable), not the file's: the view answers 503.
        self.unavailable = False
        self.writer: storage.Writer | None = None
        # Every upload this request stored: the view removes the ones that got no row.
        self.stored: list[services.Stored] = []

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict[str, bytes] | None = None,
    ) -> None:
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.original = services.clean_filename(file_name)
        if self.stored or self.writer is not None:
            self._refuse(_("Upload one file at a time."))
        if content_length is not None and content_length > self.max_bytes:
            self._refuse(self._too_big())
        self.store = storage.current_store()
        self.stored_filename, self.key = storage.new_key(tenant_connection().schema_name)
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = bytearray()
        self.kind: sniff.Kind | None = None
        try:
            self.writer = self.store.writer(self.key)
        except storage.Unavailable:
            self._unavailable()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.size += len(raw_data)
        if self.size > self.max_bytes:
            self._refuse(self._too_big())
        if self.kind is None:
            self.head += raw_data[: sniff.HEAD - len(self.head)]
            if len(self.head) >= sniff.HEAD:
                self._decide()
        self.digest.update(raw_data)
        assert self.writer is not None  # new_file() opened it, and a refusal stopped the upload
        try:
            self.writer.write(raw_data)
        except storage.Unavailable:
            self._unavailable()
        return None  # consumed: no later handler sees it

    def file_complete(self, file_size: int) -> StoredUpload:
        kind = self.kind if self.kind is not None else self._decide()
        assert self.writer is not None  # new_file() opened it, and a refusal stopped the upload
        try:
            tag = self.writer.close()
        except storage.Unavailable:
            self._unavailable()
        self.writer = None
        stored = services.Stored(
            key=self.key,
            stored_filename=self.stored_filename,
            provider=self.store.provider,
            size=self.size,
            sha256=self.digest.hexdigest(),
            kind=kind,
            tag=tag,
            original_filename=self.original,
        )
        self.stored.append(stored)
        return StoredUpload(stored)

    def upload_interrupted(self) -> None:
        self._abort()

    def _decide(self) -> sniff.Kind:
        kind = self.kind = sniff.detect(bytes(self.head), self.original)
        if kind in (sniff.PROGRAM, sniff.SCRIPT):
            self._refuse(
                _("“%(name)s” is %(kind)s. Programs and scripts cannot be uploaded.")
                % {"name": self.original, "kind": kind.label}
            )
        return kind

    def _too_big(self) -> str:
        return _("“%(name)s” is larger than %(limit)d MB, this organization's limit.") % {
            "name": self.original,
            "limit": self.max_bytes // (1024 * 1024),
        }

    def _unavailable(self) -> NoReturn:
        # The writer removed what it had written (storage.py); logged, since it is the
        # operator's problem (a full disk, S3 down) and not the uploader's.
        logger.warning("files: storage could not take an upload", exc_info=True)
        self.unavailable = True
        message = _(
            "“%(name)s” could not be stored: file storage is full or unreachable just now. "
            "Nothing was saved; try again in a few minutes."
        )
        self._refuse(message % {"name": self.original})

    def _refuse(self, message: str) -> NoReturn:
        self.error = message
        self._abort()
        # The rest of the request body is read and dropped, so the browser gets the answer.
        raise StopUpload(connection_reset=False)

    def _abort(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.abort()

    def discard_unkept(self, kept: set[str]) -> None:
        """After the view, whatever happened (refusal, CSRF failure, a broken body, an
        error): abort a write still open and remove stored bytes that got no row."""
        self._abort()
        for stored in self.stored:
            if stored.key not in kept:
                services.discard(stored)


def receive_photo(
    request: OrgRequest,
    *,
    save: Callable[[services.Stored], Any],
    saved: Callable[[], HttpResponse],
    refused: Callable[[str], HttpResponse],
) -> HttpResponse:
    """A record's photo view (itself CSRF-exempt, so the body is not read before this handler
    is set): one "photo" streamed in, `save(stored)` keeps it or raises ValidationError, then
    `saved()` or `refused(message)` answers. Bytes left unkept are removed before the response."""
    handler = StreamingUploadHandler(request, max_bytes=services.max_upload_bytes(request.organization))
    request.upload_handlers = [handler]
    kept: set[str] = set()
    try:
        return _receive_photo(request, handler, kept, save, saved, refused)
    finally:
        handler.discard_unkept(kept)


@csrf_protect
def _receive_photo(
    request: HttpRequest,
    handler: StreamingUploadHandler,
    kept: set[str],
    save: Callable[[services.Stored], Any],
    saved: Callable[[], HttpResponse],
    refused: Callable[[str], HttpResponse],
) -> HttpResponse:
    uploaded = request.FILES.get("photo")
    if handler.error is not None:
        return refused(handler.error)
    if not isinstance(uploaded, StoredUpload):
        return refused(_("Choose a photo."))
    try:
        save(uploaded.stored)
    except ValidationError as exc:
        return refused(" ".join(exc.messages))
    kept.add(uploaded.stored.key)
    return saved()
