"""Storing, sharing, deleting and restoring files. The only code that writes File rows.

Uploads are streamed by uploads.StreamingUploadHandler straight into storage (hashed, sized
and typed on the way); file_create() then checks what arrived against the use's allow-list
and stores the row. Bytes that end up with no row are removed.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from apps.accounts.models import Role, User
from apps.core.tenancy import tenant_connection
from apps.files import attachments, sniff, storage
from apps.files.models import File, FilePermission

logger = logging.getLogger(__name__)

DEFAULT_MAX_MB = 25
RESTORE_DAYS = 30

# What each use accepts. Attachments pass their use; "document" is the general one.
PURPOSES = {"document": sniff.DOCUMENTS, "image": sniff.IMAGES}

# A right on a file, as the guardian permission that carries it.
RIGHT_PERMISSIONS: dict[str, str] = {
    FilePermission.Right.READ: "view_file",
    FilePermission.Right.WRITE: "change_file",
    FilePermission.Right.DELETE: "delete_file",
    FilePermission.Right.SHARE: "share_file",
}


def max_upload_bytes(organization: Any) -> int:
    """The organization's limit on one upload (its settings' files.max_upload_mb)."""
    section = (getattr(organization, "settings", None) or {}).get("files", {})
    try:
        megabytes = int(section.get("max_upload_mb", DEFAULT_MAX_MB)) if isinstance(section, dict) else DEFAULT_MAX_MB
    except (TypeError, ValueError):
        megabytes = DEFAULT_MAX_MB
    return max(1, megabytes) * 1024 * 1024


# Printable, but they reorder what follows: "invoice\u202egpj.exe" shows as "invoiceexe.jpg".
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_filename(name: str) -> str:
    """The uploader's name for display and downloads only (never a path): no directories,
    no control or bidirectional-override characters, at most 255 characters with the
    extension kept."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in BIDI_CONTROLS)
    name = name.strip().lstrip(".").strip() or _("file")
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:16] if dot else ""
        name = (stem if dot else name)[: 255 - len(extension) - 1].rstrip() + (f".{extension}" if extension else "")
    return name


@dataclass
class Stored:
    """Bytes that reached storage, before their row exists."""

    key: str
    stored_filename: str
    provider: str
    size: int
    sha256: str
    kind: sniff.Kind
    tag: str
    original_filename: str


def discard(stored: Stored) -> None:
    """Remove bytes that got no row. Called while another error is being answered, so a
    storage that cannot remove them now (unreachable) is logged with the key, not raised."""
    try:
        storage.store_for(stored.provider).delete(stored.key)
    except Exception:
        logger.exception("files: could not remove %s (%s), which has no row", stored.key, stored.provider)


def _check(stored: Stored, purpose: str) -> None:
    allowed = PURPOSES.get(purpose)
    if allowed is None:
        raise ValidationError(_("Unknown use for a file."))
    if stored.kind.mime not in allowed:
        raise ValidationError(
            _("“%(name)s” is %(kind)s, which cannot be stored here. Accepted: %(accepted)s.")
            % {"name": stored.original_filename, "kind": stored.kind.label, "accepted": accepted_labels(purpose)}
        )
    if stored.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": stored.original_filename})


def accepted_labels(purpose: str) -> str:
    labels = {
        "document": _("PDF, Word, Excel, PowerPoint, OpenDocument, text, CSV and images"),
        "image": _("JPEG, PNG, GIF, WebP and HEIC images"),
    }
    return labels.get(purpose, "")


def file_create(
    *,
    stored: Stored,
    actor: User,
    purpose: str = "document",
    description: str = "",
    attach_to: Model | None = None,
    expires_at: datetime | None = None,
) -> File:
    """The row for bytes already in storage, in one transaction; the bytes are removed when
    the row cannot be stored (refused type, any error)."""
    try:
        _check(stored, purpose)
        with transaction.atomic():
            file = File(
                original_filename=stored.original_filename,
                stored_filename=stored.stored_filename,
                file_path=stored.key,
                file_size=stored.size,
                mime_type=stored.kind.mime,
                file_hash=stored.sha256,
                storage_provider=stored.provider,
                is_encrypted=True,
                storage_tag=stored.tag,
                uploaded_by=actor,
                description=description[:500],
                expires_at=expires_at,
            )
            if attach_to is not None:
                file.content_type = ContentType.objects.get_for_model(attach_to)
                file.object_id = str(attach_to.pk)
            file.save()
            attachments.documents_changed(attach_to)
    except BaseException:
        discard(stored)
        raise
    return file


def file_store_bytes(
    *,
    content: bytes,
    filename: str,
    actor: User,
    purpose: str = "document",
    description: str = "",
    attach_to: Model | None = None,
    expires_at: datetime | None = None,
) -> File:
    """A file the application made (a printed care plan): stored, typed and hashed like an
    upload, then its row; the bytes are removed if the row cannot be stored. One with
    `expires_at` is not downloaded from then on (views.download)."""
    store = storage.current_store()
    stored_filename, key = storage.new_key(tenant_connection().schema_name)
    writer = store.writer(key)
    try:
        for start in range(0, len(content), storage.READ_CHUNK):
            writer.write(content[start : start + storage.READ_CHUNK])
        tag = writer.close()
    except BaseException:
        writer.abort()
        raise
    stored = Stored(
        key=key,
        stored_filename=stored_filename,
        provider=store.provider,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        kind=sniff.detect(content[: sniff.HEAD], filename),
        tag=tag,
        original_filename=clean_filename(filename),
    )
    return file_create(
        stored=stored, actor=actor, purpose=purpose, description=description, attach_to=attach_to, expires_at=expires_at
    )


# A record's photo (a client's, a staff member's): at most this size, as a JPEG.
THUMBNAIL = (320, 320)
# Larger images are refused before decoding (decompression bombs).
MAX_IMAGE_PIXELS = 40_000_000


def _thumbnail(data: bytes) -> bytes:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        # WeasyPrint, once imported, sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process,
        # after which a cut-off image decodes without an error: verify() still checks the
        # file's structure (a PNG's chunks and checksums) whatever that setting.
        with Image.open(io.BytesIO(data)) as checked:
            checked.verify()
        with Image.open(io.BytesIO(data)) as opened:
            image = opened.convert("RGB")
            image.thumbnail(THUMBNAIL)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("This image could not be read; try a JPEG or PNG.")) from exc
    return out.getvalue()


def photo_from_upload(*, stored: Stored, actor: User, attach_to: Model, filename: str) -> File:
    """A photo streamed in by uploads.StreamingUploadHandler, for `attach_to`: its type is
    checked and the image decoded from the stored bytes before any row exists, so a refused
    upload leaves nothing (no row, no bytes). Kept: the original, as a document of the record,
    and a 320-pixel JPEG thumbnail (returned), the record's photo."""
    try:
        _check(stored, "image")
        thumbnail = _thumbnail(b"".join(storage.store_for(stored.provider).chunks(stored.key)))
    except BaseException:
        discard(stored)
        raise
    with transaction.atomic():
        file_create(stored=stored, actor=actor, purpose="image", description=_("Photo"), attach_to=attach_to)
        return file_store_bytes(content=thumbnail, filename=filename, actor=actor, purpose="image", attach_to=attach_to)


@transaction.atomic
def file_update(*, file: File, original_filename: str, description: str) -> File:
    file.original_filename = clean_filename(original_filename)
    file.description = description[:500]
    file.save(update_fields=["original_filename", "description", "updated_at"])
    return file


@transaction.atomic
def file_delete(*, file: File, actor: User) -> File:
    """Soft: the file disappears from lists and downloads, and can be restored for 30 days."""
    if file.deleted_at is None:
        file.deleted_at, file.deleted_by = timezone.now(), actor
        file.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
        if file.content_type_id:
            attachments.documents_changed(file.attached_to)
    return file


@transaction.atomic
def file_restore(*, file: File) -> File:
    if file.deleted_at is not None:
        file.deleted_at, file.deleted_by = None, None
        file.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
        if file.content_type_id:
            attachments.documents_changed(file.attached_to)
    return file


def file_purge_expired(*, day: date | None = None) -> int:
    """Files deleted more than 30 days ago: their bytes, then their rows (a scheduled job).
    Bytes first (removing them again is harmless): a storage outage leaves the row for the
    next run, never bytes nobody can find."""
    cutoff = timezone.now() - timedelta(days=RESTORE_DAYS)
    purged = 0
    for file in File.objects.filter(deleted_at__lt=cutoff).order_by("deleted_at")[:1000]:
        purged += file_discard(file=file)
    return purged


def file_discard(*, file: File) -> int:
    """A file gone for good, now (bytes, then the row): for files the application made that
    must not outlive their use (an expired report export), with no restoring. 1 when done,
    0 when the storage could not remove the bytes (the row stays for the next try)."""
    try:
        storage.store_for(file.storage_provider).delete(file.file_path)
    except Exception:
        logger.exception("files: could not remove the bytes of %s; kept for the next run", file.pk)
        return 0
    with transaction.atomic():
        _forget_permissions(file)
        File.objects.filter(pk=file.pk).delete()
    return 1


def file_mark_damaged(*, file: File) -> None:
    """Recorded on the file (an audited change), so admins see it and the trail keeps it."""
    with transaction.atomic():
        file.integrity_failed_at = timezone.now()
        file.save(update_fields=["integrity_failed_at", "updated_at"])


# --- sharing --------------------------------------------------------------------------------


@transaction.atomic
def file_share(
    *, file: File, actor: User, rights: list[str], user: User | None = None, role: Role | None = None
) -> list[FilePermission]:
    """Give a person or a role rights on the file (any right includes viewing it). Nobody
    gives a right they do not hold themselves."""
    from apps.files import selectors

    grantee: User | Group
    if user is not None and role is None:
        grantee = user
    elif role is not None and user is None:
        grantee = role.group
    else:
        raise ValidationError(_("Choose a person or a role."))
    rights = sorted(set(rights) | {FilePermission.Right.READ})
    unknown = [r for r in rights if r not in RIGHT_PERMISSIONS]
    if unknown:
        raise ValidationError(_("Unknown right: %(right)s") % {"right": ", ".join(unknown)})
    beyond = [r for r in rights if not selectors.may(actor, file, r)]
    if beyond:
        labels = ", ".join(str(FilePermission.Right(r).label) for r in beyond)
        raise ValidationError(_("You cannot give rights you do not have: %(rights)s.") % {"rights": labels})
    created = []
    for right in rights:
        permission, new = FilePermission.objects.get_or_create(
            file=file, user=user, role=role, permission_type=right, defaults={"granted_by": actor}
        )
        if new:
            assign_perm(f"files.{RIGHT_PERMISSIONS[right]}", grantee, file)
            created.append(permission)
    return created


@transaction.atomic
def file_unshare(*, permission: FilePermission) -> None:
    """Take a right back; taking back viewing takes back every right of that grantee, as
    the others are of no use without it."""
    grantee = _grantee(permission)
    related = [permission]
    if permission.permission_type == FilePermission.Right.READ:
        related = list(FilePermission.objects.filter(file=permission.file, user=permission.user, role=permission.role))
    for each in related:
        remove_perm(f"files.{RIGHT_PERMISSIONS[each.permission_type]}", grantee, permission.file)
        each.delete()


def _grantee(permission: FilePermission) -> User | Group:
    """Who holds the right: the person, or the role's group (a permission names one of them)."""
    if permission.user is not None:
        return permission.user
    assert permission.role is not None  # the model's check: a person or a role
    return permission.role.group


def _forget_permissions(file: File) -> None:
    for permission in file.permissions.select_related("user", "role__group"):
        file_unshare(permission=permission)
