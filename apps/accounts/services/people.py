"""People, for those who manage them: invitations, status, role, lockouts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from apps.accounts.http import AnyHostRequest
from apps.accounts.models import AuthEvent, Role, User
from apps.accounts.services.authority import require_assignable, require_manage
from apps.accounts.services.emails import base_url, send, signed_link
from apps.accounts.services.events import auth_event_record
from apps.accounts.services.sessions import sessions_revoke_all
from apps.accounts.tokens import invitation_tokens
from apps.tenants.models import Organization


def _sync_groups(user: User) -> None:
    user.groups.set([user.role.group] if user.role is not None else [])


@transaction.atomic
def user_invite(
    *, request: AnyHostRequest, email: str, first_name: str, last_name: str, role: Role | None, actor: User
) -> User:
    email = (email or "").strip().lower()
    require_assignable(actor, role)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("Someone with this email address already has an account.")]})
    user = User(
        email=email, first_name=first_name.strip(), last_name=last_name.strip(), role=role, status=User.Status.PENDING
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _sync_groups(user)
    auth_event_record(kind=AuthEvent.Kind.INVITED, request=request, user=user, actor=actor)
    organization = request.organization
    base = base_url(request=request)
    transaction.on_commit(lambda: invitation_send(user=user, organization=organization, base=base, inviter=actor))
    return user


def invitation_send(*, user: User, organization: Organization | None, base: str, inviter: User | None = None) -> None:
    link = signed_link(base, "accounts:invitation_accept", user, invitation_tokens.make_token(user))
    send(
        to=user.email,
        template="invitation",
        organization=organization,
        base=base,
        context={"user": user, "link": link, "inviter": inviter, "days": settings.INVITATION_TIMEOUT_DAYS},
    )


@transaction.atomic
def user_set_status(*, user: User, status: str, actor: User | None, request: HttpRequest | None = None) -> User:
    if status not in User.Status.values:
        raise ValidationError({"status": [_("Choose a valid status.")]})
    require_manage(actor, user)
    if user.status == status:
        return user
    previous = user.status
    user.status = status
    user.save(update_fields=["status", "updated_at"])
    if status != User.Status.ACTIVE:
        # Deactivating or suspending ends every session at once.
        sessions_revoke_all(user=user, actor=actor, reason=f"status_{status}", request=request)
    auth_event_record(
        kind=AuthEvent.Kind.STATUS_CHANGED,
        request=request,
        user=user,
        actor=actor,
        detail={"from": previous, "to": status},
    )
    return user


@transaction.atomic
def user_set_role(*, user: User, role: Role | None, actor: User | None, request: HttpRequest | None = None) -> User:
    require_manage(actor, user)
    require_assignable(actor, role)
    previous = user.role.name if user.role is not None else None
    user.role = role
    user.save(update_fields=["role", "updated_at"])
    _sync_groups(user)
    auth_event_record(
        kind=AuthEvent.Kind.ROLE_CHANGED,
        request=request,
        user=user,
        actor=actor,
        detail={"from": previous, "to": role.name if role else None},
    )
    return user


@transaction.atomic
def user_unlock(*, user: User, actor: User | None, request: HttpRequest | None = None) -> None:
    """Lift a lockout from repeated failures (django-axes) before its cool-off ends."""
    from axes.utils import reset

    require_manage(actor, user)
    reset(username=user.email.lower())
    auth_event_record(kind=AuthEvent.Kind.UNLOCKED, request=request, user=user, actor=actor)


@transaction.atomic
def user_change_access(
    *, user: User, role: Role | None, status: str, actor: User | None, request: HttpRequest | None = None
) -> User:
    """What an admin changes about someone on the people page: their role, then their status."""
    if role != user.role:
        user_set_role(user=user, role=role, actor=actor, request=request)
    user_set_status(user=user, status=status, actor=actor, request=request)
    return user
