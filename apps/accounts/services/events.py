"""Request details and the AuthEvent record every account write leaves (the audit trail's raw material)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.accounts.models import AuthEvent, User


def client_ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def client_agent(request: HttpRequest | None) -> str:
    return (request.META.get("HTTP_USER_AGENT") or "")[:500] if request is not None else ""


def auth_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    actor: User | None = None,
    email: str = "",
    detail: dict[str, Any] | None = None,
) -> AuthEvent:
    return AuthEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor,
        email=email or (user.email if user is not None else ""),
        ip_address=client_ip(request),
        user_agent=client_agent(request),
        detail=detail or {},
    )
