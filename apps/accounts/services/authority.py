"""Who may manage whom.

Nobody hands out more than they hold: a role may be given, and a person managed, only by
someone whose own permissions include all of that role's (superusers excepted). This is
what stops an HR manager from making someone an Organization Admin, or a custom role
from promoting itself.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User, role_permissions


def held_permissions(actor: User | None) -> set[str] | None:
    """The actor's permissions, or None for 'everything' (superusers, and the system)."""
    if actor is None or actor.is_superuser:
        return None
    return actor.get_all_permissions()


def may_assign_role(actor: User | None, role: Role | None) -> bool:
    held = held_permissions(actor)
    if held is None or role is None:
        return True
    return role_permissions(role) <= held


def may_manage_user(actor: User | None, target: User) -> bool:
    if actor is None:
        return True
    if actor.pk == target.pk or (target.is_superuser and not actor.is_superuser):
        return False
    return may_assign_role(actor, target.role if target.role_id else None)


def assignable_roles(actor: User | None) -> list[Role]:
    return [role for role in Role.objects.select_related("group").order_by("name") if may_assign_role(actor, role)]


def require_manage(actor: User | None, target: User) -> None:
    if not may_manage_user(actor, target):
        raise PermissionDenied(_("You cannot change someone whose access is greater than yours, or yourself."))


def require_assignable(actor: User | None, role: Role | None) -> None:
    if not may_assign_role(actor, role):
        raise ValidationError({"role": [_("You can give only roles whose permissions you hold yourself.")]})
