"""Two-factor sign-in: enrolling an authenticator, backup codes, removal."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from apps.accounts import otp
from apps.accounts.models import AuthEvent, BackupCode, BackupCodeDevice, TOTPDevice, User
from apps.accounts.services.authority import require_manage
from apps.accounts.services.events import auth_event_record


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for the setup page (replacing an abandoned one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), key=otp.new_totp_secret(), confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a code from it; returns the new backup codes."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user = device.user
    user.two_factor_enabled = True
    user.save(update_fields=["two_factor_enabled", "updated_at"])
    codes = backup_codes_regenerate(user=user)
    auth_event_record(kind=AuthEvent.Kind.TWO_FACTOR_ENROLLED, request=request, user=user)
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    device, _created = BackupCodeDevice.objects.get_or_create(user=user, defaults={"name": "Backup codes"})
    device.codes.all().delete()
    codes = otp.new_backup_codes()
    BackupCode.objects.bulk_create(BackupCode(device=device, code_hash=otp.hash_backup_code(c)) for c in codes)
    return [otp.format_backup_code(c) for c in codes]


@transaction.atomic
def two_factor_remove(*, user: User, actor: User | None, request: HttpRequest | None = None) -> None:
    """Remove authenticator and backup codes (the user's own choice, or an admin reset)."""
    if actor is not None and actor.pk != user.pk:
        require_manage(actor, user)
    TOTPDevice.objects.filter(user=user).delete()
    BackupCodeDevice.objects.filter(user=user).delete()
    user.two_factor_enabled = False
    user.save(update_fields=["two_factor_enabled", "updated_at"])
    auth_event_record(
        kind=AuthEvent.Kind.TWO_FACTOR_REMOVED,
        request=request,
        user=user,
        actor=actor,
        detail={"by_admin": actor is not None and actor.pk != user.pk},
    )
