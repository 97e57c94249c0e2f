"""Who may do what with a file, and the lists of files a person may see.

Rights on a file come from, in order: having uploaded it; the role's permission for every
file (org admins; auditors read); a share (FilePermission, answered through
django-guardian); or, for an attached file, the record it is attached to (viewing the record
lets one read its documents, changing it lets one add, edit and delete them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.accounts.permissions import can
from apps.files.models import File, FilePermission

READ, WRITE, DELETE, SHARE = "read", "write", "delete", "share"
_PERMISSION = {READ: "view_file", WRITE: "change_file", DELETE: "delete_file", SHARE: "share_file"}


def _record_permission(obj: Model, action: str) -> str:
    meta = obj._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def may(user: User | None, file: File, right: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if file.uploaded_by_id == user.pk:
        return True
    if can(user, f"files.{_PERMISSION[right]}", file):
        return True
    if file.content_type_id and right != SHARE:
        parent = file.attached_to
        if parent is not None:
            return can(user, _record_permission(parent, "view" if right == READ else "change"), parent)
    return False


def get_file_for_user(user: User, pk: Any, right: str = READ, *, deleted: bool = False) -> File:
    """The file if the person has the right on it, else 404 (as for one that does not
    exist). Deleted files are found only when asked for (restoring)."""
    file = File.objects.select_related("uploaded_by").filter(pk=pk, deleted_at__isnull=not deleted).first()
    if file is None or not may(user, file, right):
        raise Http404
    return file


def files_for(user: User, *, query: str = "", deleted: bool = False) -> QuerySet[File]:
    """The files a person may see on the Files page: everything for roles that read every
    file; otherwise their own and those shared with them or their role."""
    files = File.objects.select_related("uploaded_by").filter(deleted_at__isnull=not deleted)
    if deleted and not can(user, "files.delete_file"):
        # Restorable by whoever may delete: their own uploads, and what they deleted
        # (a record's documents, deleted by someone who manages the record).
        files = files.filter(Q(uploaded_by=user) | Q(deleted_by=user))
    elif not can(user, "files.view_file"):
        # A record's documents live on its documents tab; the Files page keeps one's own
        # loose files and what was shared.
        shared = FilePermission.objects.filter(
            Q(user=user) | Q(role_id=user.role_id) if user.role_id else Q(user=user), permission_type=READ
        ).values("file_id")
        files = files.filter(Q(uploaded_by=user, content_type__isnull=True) | Q(pk__in=shared))
    for word in query.split()[:5]:
        files = files.filter(Q(original_filename__icontains=word) | Q(description__icontains=word))
    return files.order_by("-uploaded_at")


def shareable_ids(user: User, files: Iterable[File]) -> set[Any]:
    """Of these files, the ones the person may share: one query for a whole page (the same
    answer as may(user, file, SHARE), which asks guardian per file)."""
    files = list(files)
    if can(user, "files.share_file"):
        return {f.pk for f in files}
    mine = {f.pk for f in files if f.uploaded_by_id == user.pk}
    grantee = Q(user=user) | Q(role_id=user.role_id) if user.role_id else Q(user=user)
    shared = set(
        FilePermission.objects.filter(grantee, file_id__in=[f.pk for f in files], permission_type=SHARE).values_list(
            "file_id", flat=True
        )
    )
    return mine | shared


def attachments_of(obj: Model) -> QuerySet[File]:
    return (
        File.objects.select_related("uploaded_by")
        .filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk), deleted_at__isnull=True)
        .order_by("-uploaded_at")
    )


def shares_of(file: File) -> QuerySet[FilePermission]:
    return file.permissions.select_related("user", "role", "granted_by").order_by("granted_at")
