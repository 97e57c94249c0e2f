"""Users, roles, sessions, two-factor devices and sign-in events.

The tables exist in every schema: platform operators live in the public schema, an
organization's people in its own, so an account never crosses organizations.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Group, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from apps.core.fields import EncryptedTextField
from apps.core.models import BaseModel
from apps.core.tenancy import schema_name

# Backends among which only RoleBackend answers model-level permission questions (axes has
# none, guardian answers only for objects): User.has_perm may then ask the role directly.
_ROLE_ONLY_BACKENDS = frozenset(
    {
        "axes.backends.AxesStandaloneBackend",
        "apps.accounts.backends.RoleBackend",
        "guardian.backends.ObjectPermissionBackend",
    }
)


def _picture_path(instance: User, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "img"
    # Random names under the organization's schema: never the uploader's file name.
    schema = schema_name()
    return f"{schema}/profile/{uuid.uuid4().hex}.{suffix}"


class Role(BaseModel):
    """The seed's `roles`. Each role is backed by an auth Group, whose permissions are the
    seed's `role_permissions`; a user's permissions come from their role's group."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_system_role = models.BooleanField(_("system role"), default=False)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role")

    class Meta:
        ordering = ["name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        permissions = [("manage_roles", _("Edit roles and their permissions"))]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:role_edit", args=[self.pk])

    @property
    def display_name(self) -> str:
        # System roles are stored in English and shown in the reader's language.
        return gettext(self.name) if self.is_system_role else self.name

    @property
    def display_description(self) -> str:
        return gettext(self.description) if self.is_system_role and self.description else self.description


# A role's permission set, read once per process and keyed by the role's `updated_at`, which
# every change to its permissions moves forward. It lives with the models because User.has_perm
# asks it directly and RoleBackend answers from it (backends.py).
_role_permissions_lock = threading.Lock()
_role_permissions: dict[tuple[str, uuid.UUID, object], frozenset[str]] = {}
_ROLE_PERMISSIONS_MAX = 1024


def role_permissions(role: Role) -> frozenset[str]:
    schema = schema_name()
    key = (schema, role.pk, role.updated_at)
    cached = _role_permissions.get(key)
    if cached is None:
        cached = frozenset(
            f"{app_label}.{codename}"
            for app_label, codename in role.group.permissions.values_list("content_type__app_label", "codename")
        )
        with _role_permissions_lock:
            if len(_role_permissions) >= _ROLE_PERMISSIONS_MAX:
                _role_permissions.clear()
            _role_permissions[key] = cached
    return cached


def role_permissions_forget() -> None:
    with _role_permissions_lock:
        _role_permissions.clear()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Exact match on the lowercased address: every write stores it lowercased, and
        # PostgreSQL's case-insensitive match would also equate look-alikes such as "ſ" and
        # "s", each of which django-axes would count as a different account.
        return self.get(email=str(username).strip().lower())


# django-otp's Device points at the user model by its setting's name, which the stubs' plugin
# cannot follow to name the reverse managers (totpdevice_set, backupcodedevice_set).
class User(BaseModel, AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        SUSPENDED = "suspended", _("Suspended")
        PENDING = "pending", _("Pending (invited)")

    # Unique within the schema, so within one organization; stored lowercased.
    email = models.EmailField(_("email address"), max_length=255, unique=True)
    username = models.CharField(_("username"), max_length=100, unique=True, null=True, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    profile_picture = models.ImageField(_("profile picture"), upload_to=_picture_path, blank=True)
    role = models.ForeignKey(
        Role, verbose_name=_("role"), null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    employee_id = models.CharField(_("employee ID"), max_length=50, blank=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    email_verified = models.BooleanField(_("email verified"), default=False)
    two_factor_enabled = models.BooleanField(_("two-factor sign-in"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Set on the signed-in user by django-otp's OTPMiddleware: did they pass the second factor?
    is_verified: Callable[[], bool]
    # Set on the copy kept in the cache, which holds no password hash (backends.py).
    cached_session_auth_hash: str

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        permissions = [
            ("access_admin", _("Use the administration site")),
            ("invite_user", _("Invite people")),
            ("manage_sessions", _("See and end other people's sessions")),
            ("manage_security", _("Change the organization's sign-in policy")),
            ("manage_organization", _("Change the organization's settings")),
            ("reset_two_factor", _("Reset another person's two-factor sign-in")),
        ]
        indexes = [models.Index(fields=["status"], name="accounts_user_status_idx")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_absolute_url(self) -> str:
        return reverse("accounts:person", args=[self.pk])

    # Only active users sign in; Django's backends and admin read these two attributes.
    @property
    def is_active(self) -> bool:  # type: ignore[override]  # the status decides; Django's base has a column
        return self.status == self.Status.ACTIVE

    @property
    def is_staff(self) -> bool:
        return self.is_active and (self.is_superuser or self.has_perm("accounts.access_admin"))

    def has_perm(self, perm, obj=None):
        # A model-level question is answered from the role's permission set, instead of asking
        # every authentication backend in turn for each of the dozen checks a page makes. Only
        # RoleBackend grants model-level permissions, so the answer is theirs; object-level
        # questions (guardian's care teams and shares) still go through the backends.
        if obj is None and not self.is_superuser and _ROLE_ONLY_BACKENDS.issuperset(settings.AUTHENTICATION_BACKENDS):
            return self.is_active and self.role_id is not None and perm in role_permissions(self.role)
        return super().has_perm(perm, obj)

    def get_session_auth_hash(self):
        # A user read from the cache carries the hash instead of the password (backends.py).
        return getattr(self, "cached_session_auth_hash", None) or super().get_session_auth_hash()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class UserSession(BaseModel):
    """The seed's `user_sessions`: one row per signed-in browser.

    `session_key` is the seed's `token` (Django's session key, which the session table
    already holds); there is no refresh token, since sessions live on the server.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(_("session"), max_length=64, unique=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.TextField(_("browser"), blank=True)
    expires_at = models.DateTimeField(_("expires"))
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    revoked_at = models.DateTimeField(_("ended"), null=True, blank=True)
    revoked_reason = models.CharField(_("why it ended"), max_length=40, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["user", "revoked_at"], name="accounts_session_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.ip_address or '?'}"


class AuthEvent(models.Model):
    """Sign-in and security events, kept for the audit trail."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "sign_out", _("Signed out")
        LOCKED_OUT = "locked_out", _("Locked out")
        UNLOCKED = "unlocked", _("Unlocked")
        TWO_FACTOR_ENROLLED = "2fa_enrolled", _("Two-factor enrolled")
        TWO_FACTOR_VERIFIED = "2fa_verified", _("Two-factor verified")
        TWO_FACTOR_FAILED = "2fa_failed", _("Two-factor code refused")
        TWO_FACTOR_REMOVED = "2fa_removed", _("Two-factor removed")
        BACKUP_CODE_USED = "backup_code_used", _("Backup code used")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
        SESSION_REVOKED = "session_revoked", _("Session ended")
        INVITED = "invited", _("Invited")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        EMAIL_VERIFIED = "email_verified", _("Email verified")
        STATUS_CHANGED = "status_changed", _("Status changed")
        ROLE_CHANGED = "role_changed", _("Role changed")
        ROLE_PERMISSIONS_CHANGED = "role_permissions_changed", _("Role permissions changed")
        SECURITY_POLICY_CHANGED = "security_policy_changed", _("Sign-in policy changed")

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="auth_events")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    email = models.CharField(_("email"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.TextField(_("browser"), blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in events")
        indexes = [models.Index(fields=["user", "-at"], name="accounts_authevent_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.email}"


class TOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app. Like django-otp's TOTPDevice, but the shared secret is stored
    encrypted with FIELD_ENCRYPTION_KEYS: a copy of the database cannot mint codes."""

    key = EncryptedTextField(_("secret"))
    # Annotated: the stubs' plugin cannot type fields on a model with an untyped base (Device).
    step: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=30)
    t0: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    digits: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=6)
    tolerance: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=1)
    drift: models.SmallIntegerField[int, int] = models.SmallIntegerField(default=0)
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def get_throttle_factor(self) -> int:
        # After n wrong codes the next try waits factor × 2^(n-1) seconds.
        return settings.OTP_THROTTLE_FACTOR

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(self.key)

    def verify_token(self, token) -> bool:
        from django_otp.oath import TOTP

        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            token = int(str(token).strip().replace(" ", ""))
        except ValueError:
            self.throttle_increment()
            return False
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = timezone.now().timestamp()
        # A code is accepted once: only time steps after the last accepted one count.
        verified = totp.verify(token, self.tolerance, self.last_t + 1)
        if verified:
            self.last_t = totp.t()
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save(
                update_fields=["last_t", "throttling_failure_count", "throttling_failure_timestamp", "last_used_at"]
            )
        else:
            self.throttle_increment()
        return verified

    @property
    def base32_secret(self) -> str:
        from base64 import b32encode

        return b32encode(self.bin_key).decode().rstrip("=")

    def config_url(self, *, issuer: str, account: str) -> str:
        from urllib.parse import quote, urlencode

        query = urlencode({"secret": self.base32_secret, "issuer": issuer, "digits": self.digits, "period": self.step})
        return f"otpauth://totp/{quote(issuer)}:{quote(account)}?{query}"


class BackupCodeDevice(ThrottlingMixin, Device):
    """Ten single-use codes for when the phone is lost. Only keyed hashes are stored."""

    class Meta(Device.Meta):
        verbose_name = _("backup codes")
        verbose_name_plural = _("backup codes")

    def get_throttle_factor(self) -> int:
        return settings.OTP_THROTTLE_FACTOR

    def verify_token(self, token) -> bool:
        from apps.accounts.otp import hash_backup_code

        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        code = self.codes.filter(code_hash=hash_backup_code(token), used_at__isnull=True).first()
        if code is None:
            self.throttle_increment()
            return False
        code.used_at = timezone.now()
        code.save(update_fields=["used_at"])
        self.throttle_reset()
        return True


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["device", "code_hash"],
                name="accounts_backupcode_unique",
                violation_error_message=_("This backup code is already on this device."),
            )
        ]

    def __str__(self) -> str:
        return f"backup code ({'used' if self.used_at else 'unused'})"
