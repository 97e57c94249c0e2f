"""Request details and the AuthEvent record every account write leaves (the audit trail's raw material)."""

from __future__ import annotations

from apps.accounts.models import AuthEvent


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
