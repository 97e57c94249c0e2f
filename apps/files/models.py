"""Stored files (the seed's `files`) and who they are shared with (`file_permissions`).

A file's bytes live in storage under a random name, its key starting with the
organization's schema; the row says where, how big, what type (from the bytes), and its
SHA-256. A file may be attached to any record (a client, a certification…), which then
lends it its own permissions; deleting is soft for 30 days.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import BaseModel


class File(BaseModel):
    class Provider(models.TextChoices):
        LOCAL = "local", _("This server's disk (encrypted)")
        S3 = "aws_s3", _("Amazon S3")

    original_filename = models.CharField(_("name"), max_length=255)
    stored_filename = models.CharField(_("stored name"), max_length=255, editable=False)
    file_path = models.TextField(_("storage key"), editable=False)
    file_size = models.BigIntegerField(_("size"), editable=False)
    mime_type = models.CharField(_("type"), max_length=100, editable=False)
    file_hash = models.CharField(_("SHA-256"), max_length=255, editable=False)
    storage_provider = models.CharField(
        _("storage"), max_length=50, choices=Provider.choices, default=Provider.LOCAL, editable=False
    )
    is_encrypted = models.BooleanField(_("encrypted"), default=True, editable=False)
    # What the storage said it holds at upload (S3's ETag): a different answer later means
    # the object was replaced.
    storage_tag = models.CharField(max_length=200, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="files", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    description = models.CharField(_("description"), max_length=500, blank=True)
    # The record the file is attached to, if any (see attachments.py).
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    attached_to = GenericForeignKey("content_type", "object_id")
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    integrity_failed_at = models.DateTimeField(_("found damaged"), null=True, blank=True, editable=False)
    # A file the application keeps for a while only (a report's background export): from
    # then on it is not served, even before the job that purges it has run. On the row
    # itself, so the download checks it without a query about what the file belongs to.
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("file")
        verbose_name_plural = _("files")
        permissions = [("share_file", _("Can share file"))]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-uploaded_at"], name="file_attached_idx"),
            models.Index(fields=["uploaded_by", "-uploaded_at"], name="file_uploader_idx"),
            models.Index(fields=["deleted_at"], condition=Q(deleted_at__isnull=False), name="file_deleted_idx"),
        ]

    def __str__(self) -> str:
        return self.original_filename

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("files:detail", args=[self.pk])

    def expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class FilePermission(BaseModel):
    """A right on one file given to a person or a role, by whom and when. Mirrored in
    django-guardian, which answers the permission checks."""

    class Right(models.TextChoices):
        READ = "read", _("View and download")
        WRITE = "write", _("Edit details")
        DELETE = "delete", _("Delete")
        SHARE = "share", _("Share")

    file = models.ForeignKey(File, on_delete=models.CASCADE, related_name="permissions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="file_permissions"
    )
    role = models.ForeignKey(
        "accounts.Role", null=True, blank=True, on_delete=models.CASCADE, related_name="file_permissions"
    )
    permission_type = models.CharField(_("right"), max_length=10, choices=Right.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("file permission")
        verbose_name_plural = _("file permissions")
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, role__isnull=True) | Q(user__isnull=True, role__isnull=False),
                name="file_permission_one_grantee",
                violation_error_message=_("Share with either one person or one role, not both or neither."),
            ),
            models.UniqueConstraint(
                fields=["file", "user", "permission_type"],
                name="file_permission_user_unique",
                violation_error_message=_("This person already has this access to the file."),
            ),
            models.UniqueConstraint(
                fields=["file", "role", "permission_type"],
                name="file_permission_role_unique",
                violation_error_message=_("This role already has this access to the file."),
            ),
        ]
        indexes = [models.Index(fields=["user", "permission_type"], name="file_permission_user_idx")]

    def __str__(self) -> str:
        return f"{self.file} · {self.permission_type}"
