"""Sign-in, sign-out and the sessions they start and end."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from apps.accounts import selectors
from apps.accounts.http import AnyHostRequest
from apps.accounts.models import AuthEvent, User, UserSession
from apps.accounts.services.authority import require_manage
from apps.accounts.services.events import auth_event_record, client_agent, client_ip

SESSION_STARTED = "sl_started"
SESSION_LAST_SEEN = "sl_last_seen"


@transaction.atomic
def sign_in(*, request: AnyHostRequest, user: User) -> UserSession:
    """Start an authenticated session and record it (the seed's `user_sessions`)."""
    django_login(request, user, backend="apps.accounts.backends.RoleBackend")
    if not request.session.session_key:
        request.session.save()
    session_key = request.session.session_key
    assert session_key is not None  # saved just above
    policy = selectors.security_policy(request.organization)
    now = timezone.now()
    request.session[SESSION_STARTED] = now.timestamp()
    request.session[SESSION_LAST_SEEN] = now.timestamp()
    record = UserSession.objects.create(
        user=user,
        session_key=session_key,
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
def session_revoke(
    *,
    user_session: UserSession,
    actor: User | None = None,
    reason: str = "revoked",
    request: HttpRequest | None = None,
) -> None:
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
    *,
    user: User,
    actor: User | None = None,
    reason: str = "revoked",
    except_key: str | None = None,
    request: HttpRequest | None = None,
) -> int:
    if actor is not None and actor.pk != user.pk:
        require_manage(actor, user)
    sessions = list(selectors.active_sessions_for(user).exclude(session_key=except_key or ""))
    for user_session in sessions:
        session_revoke(user_session=user_session, actor=actor, reason=reason, request=request)
    return len(sessions)


@transaction.atomic
def sign_out(*, request: HttpRequest, reason: str = "signed_out") -> None:
    user = request.user if request.user.is_authenticated else None
    key = request.session.session_key
    if user is not None and key:
        record = UserSession.objects.filter(session_key=key).first()
        if record is not None:
            session_revoke(user_session=record, reason=reason, request=request)
        auth_event_record(kind=AuthEvent.Kind.SIGN_OUT, request=request, user=user, detail={"reason": reason})
    django_logout(request)


def session_touch(*, request: HttpRequest) -> None:
    """Note activity: at most once a minute, so a busy user costs no write per request."""
    now = timezone.now()
    request.session[SESSION_LAST_SEEN] = now.timestamp()
    UserSession.objects.filter(session_key=request.session.session_key, revoked_at__isnull=True).update(
        last_seen_at=now
    )
