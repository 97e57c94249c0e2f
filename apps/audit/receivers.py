"""Audit hooks (the one place the house style allows signals).

Each accounts.AuthEvent (sign-in, lockout, 2FA, password, session, role events) becomes an
"authentication" entry in the chain: accounts sits below audit and cannot write it itself.
"""

from __future__ import annotations

from auditlog.context import auditlog_disabled

from apps.audit import context
from apps.audit.models import LogEntry
from apps.audit.services import content_type_id

ANONYMOUS_KINDS = {"sign_in_failed", "2fa_failed", "locked_out", "password_reset_requested"}


def mirror_auth_event(sender, instance, created, raw=False, **kwargs):
    if not created or raw or auditlog_disabled.get():
        return
    from apps.accounts.models import Role, User

    # A failed or anonymous attempt names the account it targeted, not who made it.
    who = instance.actor or (None if instance.kind in ANONYMOUS_KINDS else instance.user)
    detail = instance.detail or {}
    if detail.get("role_id"):
        # A role's permissions changed: the entry belongs on the role's history.
        model, object_pk, object_repr = Role, detail["role_id"], detail.get("role", "")
    else:
        # The account's name, as its other entries show it; the typed email when there is none.
        model = User
        object_pk = str(instance.user_id) if instance.user_id else ""
        object_repr = str(instance.user) if instance.user_id else instance.email
    LogEntry.objects.create(
        timestamp=instance.at,
        action=LogEntry.Action.AUTHENTICATION,
        content_type_id=content_type_id(model),
        object_pk=object_pk,
        object_repr=object_repr,
        actor_id=who.pk if who is not None else None,
        actor_email=who.email if who is not None else context.ANONYMOUS,
        remote_addr=instance.ip_address,
        user_agent=instance.user_agent or "",
        additional_data={"event": instance.kind, **{k: v for k, v in detail.items() if k != "role_id"}},
        changes={},
    )
