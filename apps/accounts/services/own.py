"""A person's own account: accepting the invitation, the profile, email and password."""

from __future__ import annotations

from typing import Literal

from django.contrib.auth import update_session_auth_hash
from django.core.files import File
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.http import AnyHostRequest, SignedInRequest
from apps.accounts.models import AuthEvent, User, UserSession
from apps.accounts.services.emails import base_url, send, signed_link
from apps.accounts.services.events import auth_event_record
from apps.accounts.services.sessions import sessions_revoke_all
from apps.accounts.tokens import email_verification_tokens
from apps.core import access


@transaction.atomic
def invitation_accept(*, request: HttpRequest, user: User, password: str) -> User:
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
def user_update_profile(
    *,
    request: AnyHostRequest,
    user: User,
    email: str,
    first_name: str,
    last_name: str,
    username: str | None,
    phone: str,
    profile_picture: File | Literal[False] | None,
) -> User:
    """The person's own details. The picture is as the form cleaned it: the stored file to
    keep it, a new upload to replace it, False to clear it."""
    user.first_name, user.last_name, user.username, user.phone = first_name, last_name, username, phone
    # False is the form's "clear": the field keeps no file then (an empty name, as a ModelForm
    # would store it).
    user.profile_picture = "" if profile_picture is False else profile_picture
    changed = ["first_name", "last_name", "username", "phone", "profile_picture"]
    email = email.strip().lower()
    email_changed = email != user.email
    if email_changed:
        user.email = email
        user.email_verified = False
        changed += ["email", "email_verified"]
    if user.username == "":
        user.username = None
    user.full_clean(exclude=["password"])
    user.save(update_fields=[*changed, "updated_at"])
    if email_changed:
        transaction.on_commit(lambda: email_verification_send(request=request, user=user))
    return user


def email_verification_send(*, request: AnyHostRequest, user: User) -> None:
    base = base_url(request=request)
    link = signed_link(base, "accounts:email_verify", user, email_verification_tokens.make_token(user))
    send(
        to=user.email,
        template="email_verification",
        organization=request.organization,
        base=base,
        context={"user": user, "link": link},
    )


@transaction.atomic
def email_verify(*, request: HttpRequest, user: User) -> User:
    user.email_verified = True
    user.save(update_fields=["email_verified", "updated_at"])
    auth_event_record(kind=AuthEvent.Kind.EMAIL_VERIFIED, request=request, user=user)
    return user


@transaction.atomic
def password_change(*, request: SignedInRequest, user: User, password: str) -> User:
    """The person changed their own password: this browser stays signed in, the others not."""
    previous_key = request.session.session_key
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    update_session_auth_hash(request, user)
    password_changed(request=request, user=user, how="changed", previous_session_key=previous_key)
    return user


@transaction.atomic
def password_changed(*, request: HttpRequest, user: User, how: str, previous_session_key: str | None = None) -> None:
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
