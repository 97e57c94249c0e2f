"""Writes for accounts: sign-in and sessions, invitations, roles, two-factor, policy.

Every function is one transaction and records what happened as an AuthEvent, the raw
material the audit trail reads.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts import otp, roles, selectors
from apps.accounts.models import (
    AuthEvent,
    BackupCode,
    BackupCodeDevice,
    Role,
    TOTPDevice,
    User,
    UserSession,
    role_permissions,
)
from apps.accounts.tokens import email_verification_tokens, invitation_tokens
from apps.core import access

SESSION_STARTED = "sl_started"
SESSION_LAST_SEEN = "sl_last_seen"


# --- request details and events ---------------------------------------------------------


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def client_agent(request) -> str:
    return (request.META.get("HTTP_USER_AGENT") or "")[:500] if request is not None else ""


def auth_event_record(*, kind: str, request=None, user=None, actor=None, email: str = "", detail=None) -> AuthEvent:
    return AuthEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor,
        email=email or (user.email if user is not None else ""),
        ip_address=client_ip(request),
        user_agent=client_agent(request),
        detail=detail or {},
    )


def base_url(*, request=None, organization=None) -> str:
    """Where links in emails point: the request's own host, or the organization's when
    there is no request (provisioning from the command line)."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    scheme = "http" if settings.DEBUG else "https"
    port = f":{settings.LINK_PORT}" if settings.LINK_PORT else ""
    host = organization.primary_host if organization is not None else settings.BASE_DOMAIN
    return f"{scheme}://{host}{port}"


def _send(*, to: str, template: str, context: dict, organization, base: str) -> None:
    """A branded email: subject, text and HTML from templates/accounts/emails/."""
    context = {
        "organization": organization,
        "site_name": organization.name if organization else "Starline",
        "base_url": base,
        **context,
    }
    subject = render_to_string(f"accounts/emails/{template}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"accounts/emails/{template}_body.txt", context),
        to=[to],
    )
    message.attach_alternative(render_to_string(f"accounts/emails/{template}_body.html", context), "text/html")
    message.send()


def _link(base: str, name: str, user, token: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return base + reverse(name, kwargs={"uidb64": uid, "token": token})


# --- sign-in and sessions ------------------------------------------------------------


@transaction.atomic
def sign_in(*, request, user: User) -> UserSession:
    """Start an authenticated session and record it (the seed's `user_sessions`)."""
    django_login(request, user, backend="apps.accounts.backends.RoleBackend")
    if not request.session.session_key:
        request.session.save()
    policy = selectors.security_policy(getattr(request, "organization", None))
    now = timezone.now()
    request.session[SESSION_STARTED] = now.timestamp()
    request.session[SESSION_LAST_SEEN] = now.timestamp()
    record = UserSession.objects.create(
        user=user,
        session_key=request.session.session_key,
        ip_address=client_ip(request),
        user_agent=client_agent(request),
        expires_at=now + timedelta(hours=policy.absolute_hours),
        last_seen_at=now,
    )
    auth_event_record(kind=AuthEvent.Kind.SIGN_IN, request=request, user=user)
    return record


def _delete_django_session(session_key: str) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store(session_key=session_key).delete()


@transaction.atomic
def session_revoke(*, user_session: UserSession, actor=None, reason: str = "revoked", request=None) -> None:
    """End a session now: its cookie stops working on the next request."""
    if user_session.revoked_at is None:
        user_session.revoked_at = timezone.now()
        user_session.revoked_reason = reason
        user_session.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
    # Now, not on commit: the cookie must stop working on its very next request. (If this
    # transaction rolled back, the cached_db store would simply reload the row.)
    _delete_django_session(user_session.session_key)
    if reason not in ("signed_out", "expired"):
        auth_event_record(
            kind=AuthEvent.Kind.SESSION_REVOKED,
            request=request,
            user=user_session.user,
            actor=actor,
            detail={"session": str(user_session.pk), "reason": reason},
        )


@transaction.atomic
def sessions_revoke_all(
    *, user: User, actor=None, reason: str = "revoked", except_key: str | None = None, request=None
) -> int:
    if actor is not None and actor.pk != user.pk:
        _require_manage(actor, user)
    sessions = list(selectors.active_sessions_for(user).exclude(session_key=except_key or ""))
    for user_session in sessions:
        session_revoke(user_session=user_session, actor=actor, reason=reason, request=request)
    return len(sessions)


@transaction.atomic
def sign_out(*, request, reason: str = "signed_out") -> None:
    user = request.user if request.user.is_authenticated else None
    key = request.session.session_key
    if user is not None and key:
        record = UserSession.objects.filter(session_key=key).first()
        if record is not None:
            session_revoke(user_session=record, reason=reason, request=request)
        auth_event_record(kind=AuthEvent.Kind.SIGN_OUT, request=request, user=user, detail={"reason": reason})
    django_logout(request)


def session_touch(*, request) -> None:
    """Note activity: at most once a minute, so a busy user costs no write per request."""
    now = timezone.now()
    request.session[SESSION_LAST_SEEN] = now.timestamp()
    UserSession.objects.filter(session_key=request.session.session_key, revoked_at__isnull=True).update(
        last_seen_at=now
    )


# --- people ----------------------------------------------------------------------------


def _sync_groups(user: User) -> None:
    user.groups.set([user.role.group] if user.role_id else [])


# --- who may manage whom -----------------------------------------------------------------
# Nobody hands out more than they hold: a role may be given, and a person managed, only by
# someone whose own permissions include all of that role's (superusers excepted). This is
# what stops an HR manager from making someone an Organization Admin, or a custom role
# from promoting itself.


def _held(actor) -> set[str] | None:
    """The actor's permissions, or None for 'everything' (superusers, and the system)."""
    if actor is None or actor.is_superuser:
        return None
    return actor.get_all_permissions()


def may_assign_role(actor, role: Role | None) -> bool:
    held = _held(actor)
    if held is None or role is None:
        return True
    return role_permissions(role) <= held


def may_manage_user(actor, target: User) -> bool:
    if actor is None:
        return True
    if actor.pk == target.pk or (target.is_superuser and not actor.is_superuser):
        return False
    return may_assign_role(actor, target.role if target.role_id else None)


def assignable_roles(actor):
    return [role for role in Role.objects.select_related("group").order_by("name") if may_assign_role(actor, role)]


def _require_manage(actor, target: User) -> None:
    if not may_manage_user(actor, target):
        raise PermissionDenied(_("You cannot change someone whose access is greater than yours, or yourself."))


def _require_assignable(actor, role: Role | None) -> None:
    if not may_assign_role(actor, role):
        raise ValidationError({"role": [_("You can give only roles whose permissions you hold yourself.")]})


@transaction.atomic
def user_invite(*, request, email: str, first_name: str, last_name: str, role: Role | None, actor: User) -> User:
    email = (email or "").strip().lower()
    _require_assignable(actor, role)
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
    organization = getattr(request, "organization", None)
    base = base_url(request=request)
    transaction.on_commit(lambda: invitation_send(user=user, organization=organization, base=base, inviter=actor))
    return user


def invitation_send(*, user: User, organization, base: str, inviter: User | None = None) -> None:
    link = _link(base, "accounts:invitation_accept", user, invitation_tokens.make_token(user))
    _send(
        to=user.email,
        template="invitation",
        organization=organization,
        base=base,
        context={"user": user, "link": link, "inviter": inviter, "days": settings.INVITATION_TIMEOUT_DAYS},
    )


@transaction.atomic
def invitation_accept(*, request, user: User, password: str) -> User:
    """The invitee chose a password: the account becomes active and the email is proven."""
    # Not signed in yet, but proven by the link: the change is theirs, not an anonymous visitor's.
    access.act_as(user)
    user.set_password(password)
    user.status = User.Status.ACTIVE
    user.email_verified = True
    user.save(update_fields=["password", "status", "email_verified", "updated_at"])
    auth_event_record(kind=AuthEvent.Kind.INVITATION_ACCEPTED, request=request, user=user)
    return user


@transaction.atomic
def user_set_status(*, user: User, status: str, actor: User | None, request=None) -> User:
    if status not in User.Status.values:
        raise ValidationError({"status": [_("Choose a valid status.")]})
    _require_manage(actor, user)
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
def user_set_role(*, user: User, role: Role | None, actor: User | None, request=None) -> User:
    _require_manage(actor, user)
    _require_assignable(actor, role)
    previous = user.role.name if user.role_id else None
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


PROFILE_FIELDS = ("first_name", "last_name", "username", "phone", "profile_picture")


@transaction.atomic
def user_update_profile(*, request, user: User, email: str | None = None, **fields) -> User:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(user, name, value)
    changed = list(fields)
    email_changed = email is not None and email.strip().lower() != user.email
    if email_changed:
        user.email = email.strip().lower()
        user.email_verified = False
        changed += ["email", "email_verified"]
    if user.username == "":
        user.username = None
    user.full_clean(exclude=["password"])
    user.save(update_fields=[*changed, "updated_at"])
    if email_changed:
        transaction.on_commit(lambda: email_verification_send(request=request, user=user))
    return user


def email_verification_send(*, request, user: User) -> None:
    base = base_url(request=request)
    link = _link(base, "accounts:email_verify", user, email_verification_tokens.make_token(user))
    _send(
        to=user.email,
        template="email_verification",
        organization=getattr(request, "organization", None),
        base=base,
        context={"user": user, "link": link},
    )


@transaction.atomic
def email_verify(*, request, user: User) -> User:
    user.email_verified = True
    user.save(update_fields=["email_verified", "updated_at"])
    auth_event_record(kind=AuthEvent.Kind.EMAIL_VERIFIED, request=request, user=user)
    return user


@transaction.atomic
def password_changed(*, request, user: User, how: str, previous_session_key: str | None = None) -> None:
    """After a change or reset: every other session ends (a thief's included).

    A change rotates this browser's session key (update_session_auth_hash); its record
    moves to the new key so it stays listed and revocable."""
    keep = request.session.session_key if how == "changed" and request.user.is_authenticated else None
    if keep and previous_session_key and previous_session_key != keep:
        UserSession.objects.filter(session_key=previous_session_key, revoked_at__isnull=True).update(
            session_key=keep, updated_at=timezone.now()
        )
    sessions_revoke_all(user=user, reason=f"password_{how}", except_key=keep, request=request)
    kind = AuthEvent.Kind.PASSWORD_CHANGED if how == "changed" else AuthEvent.Kind.PASSWORD_RESET
    auth_event_record(kind=kind, request=request, user=user)


# --- roles -----------------------------------------------------------------------------


def _check_role_name(name: str, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the role a name.")]})
    taken = Role.objects.filter(name__iexact=name)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists() or Group.objects.filter(name__iexact=name).exclude(role__pk=exclude_pk).exists():
        raise ValidationError({"name": [_("A role with this name already exists.")]})
    return name


def _allowed_permissions(permission_ids, actor=None) -> list[Permission]:
    permissions = list(selectors.matrix_permissions().filter(pk__in=list(permission_ids)))
    if len(permissions) != len(set(permission_ids)):
        raise ValidationError({"permissions": [_("Some of the chosen permissions do not exist.")]})
    held = _held(actor)
    if held is not None:
        beyond = sorted(p.name for p in permissions if f"{p.content_type.app_label}.{p.codename}" not in held)
        if beyond:
            raise ValidationError(
                {
                    "permissions": [
                        _("You cannot give permissions you do not hold: %(names)s.") % {"names": ", ".join(beyond)}
                    ]
                }
            )
    return permissions


@transaction.atomic
def role_create(*, name: str, description: str = "", permission_ids=(), actor: User | None, request=None) -> Role:
    name = _check_role_name(name)
    permissions = _allowed_permissions(permission_ids, actor)
    group = Group.objects.create(name=name)
    group.permissions.set(permissions)
    role = Role.objects.create(name=name, description=description.strip(), group=group)
    auth_event_record(
        kind=AuthEvent.Kind.ROLE_PERMISSIONS_CHANGED,
        request=request,
        actor=actor,
        detail={
            "role": name,
            "role_id": str(role.pk),
            "created": True,
            "permissions": sorted(p.codename for p in permissions),
        },
    )
    return role


@transaction.atomic
def role_update(
    *, role: Role, name: str, description: str = "", permission_ids=(), actor: User | None, request=None
) -> Role:
    if role.is_system_role:
        raise ValidationError(_("System roles keep their built-in permissions; create a custom role instead."))
    name = _check_role_name(name, exclude_pk=role.pk)
    permissions = _allowed_permissions(permission_ids, actor)
    before = set(role.group.permissions.values_list("codename", flat=True))
    role.name, role.description = name, description.strip()
    role.save(update_fields=["name", "description", "updated_at"])
    role.group.name = name
    role.group.save(update_fields=["name"])
    role.group.permissions.set(permissions)
    after = {p.codename for p in permissions}
    auth_event_record(
        kind=AuthEvent.Kind.ROLE_PERMISSIONS_CHANGED,
        request=request,
        actor=actor,
        detail={
            "role": name,
            "role_id": str(role.pk),
            "added": sorted(after - before),
            "removed": sorted(before - after),
        },
    )
    return role


@transaction.atomic
def role_delete(*, role: Role, actor: User | None, request=None) -> None:
    if role.is_system_role:
        raise ValidationError(_("System roles cannot be deleted."))
    in_use = role.users.count()
    if in_use:
        raise ValidationError(
            ngettext(
                "%(count)d person has this role; give them another role first.",
                "%(count)d people have this role; give them another role first.",
                in_use,
            )
            % {"count": in_use}
        )
    group, role_id = role.group, str(role.pk)
    role.delete()
    group.delete()
    auth_event_record(
        kind=AuthEvent.Kind.ROLE_PERMISSIONS_CHANGED,
        request=request,
        actor=actor,
        detail={"role": role.name, "role_id": role_id, "deleted": True},
    )


def system_roles_sync() -> None:
    """Create the system roles in the current schema and give them their permissions."""
    if connection.schema_name == "public":
        return
    rules = roles.default_rules()
    permissions = list(selectors.matrix_permissions())
    with transaction.atomic():
        for name, lazy_description in roles.SYSTEM_ROLES.items():
            # The English text is stored (the msgid), whatever language the command runs in.
            with translation.override("en"):
                description = str(lazy_description)
            role = Role.objects.filter(name=name).select_related("group").first()
            if role is None:
                group, _created = Group.objects.get_or_create(name=name)
                role = Role.objects.create(name=name, description=description, is_system_role=True, group=group)
            elif role.description != description:
                # Stored in English and translated when shown: a description reworded in
                # roles.py reaches every organization with its next migrate.
                role.description = description
                role.save(update_fields=["description", "updated_at"])
            wanted = {
                p.pk
                for p in permissions
                if roles.matches(f"{p.content_type.app_label}.{p.codename}", rules.get(name, []))
            }
            current = set(role.group.permissions.values_list("pk", flat=True))
            if wanted != current:
                role.group.permissions.set(wanted)
                role.save(update_fields=["updated_at"])  # moves the permission cache on


# --- two-factor ------------------------------------------------------------------------


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for the setup page (replacing an abandoned one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), key=otp.new_totp_secret(), confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
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
def two_factor_remove(*, user: User, actor: User | None, request=None) -> None:
    """Remove authenticator and backup codes (the user's own choice, or an admin reset)."""
    if actor is not None and actor.pk != user.pk:
        _require_manage(actor, user)
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


@transaction.atomic
def user_unlock(*, user: User, actor: User | None, request=None) -> None:
    """Lift a lockout from repeated failures (django-axes) before its cool-off ends."""
    from axes.utils import reset

    _require_manage(actor, user)
    reset(username=user.email.lower())
    auth_event_record(kind=AuthEvent.Kind.UNLOCKED, request=request, user=user, actor=actor)


# --- the organization's policy ---------------------------------------------------------


@transaction.atomic
def security_policy_update(
    *,
    organization,
    idle_minutes: int,
    absolute_hours: int,
    two_factor: str,
    two_factor_roles: list[str],
    actor: User,
    request=None,
):
    from apps.tenants import services as tenant_services

    errors = {}
    if not 1 <= idle_minutes <= 240:
        errors["idle_minutes"] = [_("Choose between 1 and 240 minutes.")]
    if not 1 <= absolute_hours <= 24:
        errors["absolute_hours"] = [_("Choose between 1 and 24 hours.")]
    if two_factor not in (selectors.TWO_FACTOR_OPTIONAL, selectors.TWO_FACTOR_ROLES, selectors.TWO_FACTOR_EVERYONE):
        errors["two_factor"] = [_("Choose a valid policy.")]
    if two_factor == selectors.TWO_FACTOR_ROLES and not two_factor_roles:
        errors["two_factor_roles"] = [_("Choose at least one role.")]
    if errors:
        raise ValidationError(errors)
    settings_value = dict(organization.settings or {})
    settings_value["security"] = {
        "idle_minutes": idle_minutes,
        "absolute_hours": absolute_hours,
        "two_factor": two_factor,
        "two_factor_roles": sorted(two_factor_roles) if two_factor == selectors.TWO_FACTOR_ROLES else [],
    }
    tenant_services.organization_update(organization=organization, settings=settings_value)
    auth_event_record(
        kind=AuthEvent.Kind.SECURITY_POLICY_CHANGED, request=request, actor=actor, detail=settings_value["security"]
    )
    return organization
