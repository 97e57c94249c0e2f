"""Who is acting, from where: the context every audit entry is stamped with.

One context variable per request, task or management command (set by the middleware, the
Celery signal hooks and the command wrapper in apps.py). Entries written outside any of them
are stamped "system". The actor is read lazily from the request, so pages that write
nothing never load the user for the audit's sake.
"""

from __future__ import annotations

import contextlib
import getpass
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

SYSTEM = "system"
ANONYMOUS = "anonymous"


@dataclass
class AuditContext:
    origin: str = SYSTEM
    actor_id: Any = None
    actor_email: str = ""
    remote_addr: str | None = None
    user_agent: str = ""
    request: Any = field(default=None, repr=False)
    # Groups the entries one request, task or command wrote (auditlog's correlation id).
    cid: str = field(default_factory=lambda: uuid.uuid4().hex)

    def resolve(self) -> AuditContext:
        """Fill the actor from the request's user (read when the first entry is written)."""
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None and user.is_authenticated:
                self.actor_id, self.actor_email = user.pk, user.email
        return self


_current: ContextVar[AuditContext | None] = ContextVar("starline_audit_context", default=None)


def is_set() -> bool:
    return _current.get() is not None


def current() -> AuditContext:
    ctx = _current.get()
    return ctx.resolve() if ctx is not None else AuditContext()


@contextlib.contextmanager
def use(ctx: AuditContext):
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def act_as(user) -> None:
    """The request's entries are `user`'s from here on (registered with apps.core.access for
    apps below audit: accepting an invitation is the invitee's act, before they are signed in)."""
    ctx = _current.get()
    if ctx is not None:
        ctx.actor_id, ctx.actor_email = user.pk, user.email


def correlation_id() -> str | None:
    ctx = _current.get()
    return ctx.cid if ctx is not None else None


def for_request(request) -> AuditContext:
    return AuditContext(
        origin="web",
        remote_addr=request.META.get("REMOTE_ADDR") or None,
        user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:500],
        request=request,
    )


def for_command(name: str) -> AuditContext:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return AuditContext(origin=f"command {name}", user_agent=f"manage.py {name} (os user {who})")


def stamp(entry) -> None:
    """Fill an entry's who/where from the context, keeping what the caller set."""
    ctx = current()
    if entry.actor_id is None and ctx.actor_id is not None:
        entry.actor_id = ctx.actor_id
    if not entry.actor_email:
        # Nobody signed in: "anonymous" on the web (a reset link, an invitation), else the system.
        fallback = ANONYMOUS if ctx.origin == "web" else SYSTEM
        entry.actor_email = ctx.actor_email or (fallback if entry.actor_id is None else "")
    if entry.remote_addr is None:
        entry.remote_addr = ctx.remote_addr
    if not entry.user_agent:
        entry.user_agent = ctx.user_agent
    if not entry.origin:
        entry.origin = ctx.origin
    if not entry.cid:
        entry.cid = correlation_id()


# --- Celery: the context travels with the task ---------------------------------------------

HEADER = "starline_audit"


def task_headers() -> dict:
    ctx = current()
    return {
        HEADER: {
            "actor_id": str(ctx.actor_id) if ctx.actor_id is not None else None,
            "actor_email": ctx.actor_email,
            "remote_addr": ctx.remote_addr,
        }
    }


def for_task(task_name: str, sent: dict | None) -> AuditContext:
    """The context a task runs in: whoever queued it (from the message headers), or the
    caller's own context when it runs in-process, else the system."""
    if sent:
        return AuditContext(
            origin=f"task {task_name}",
            actor_id=sent.get("actor_id"),
            actor_email=sent.get("actor_email") or "",
            remote_addr=sent.get("remote_addr"),
            user_agent=f"task {task_name}",
        )
    outer = current()
    return AuditContext(
        origin=f"task {task_name}",
        actor_id=outer.actor_id,
        actor_email=outer.actor_email,
        remote_addr=outer.remote_addr,
        user_agent=f"task {task_name}",
    )
