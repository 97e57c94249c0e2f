"""Roles and their permissions: custom roles edited by admins, system roles kept in step."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts import roles, selectors
from apps.accounts.models import AuthEvent, Role, User
from apps.accounts.services.authority import held_permissions
from apps.accounts.services.events import auth_event_record
from apps.core.tenancy import schema_name


def _check_role_name(name: str, exclude_pk: UUID | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the role a name.")]})
    taken = Role.objects.filter(name__iexact=name)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    groups = Group.objects.filter(name__iexact=name)
    # What exclude(role__pk=None) meant for a new role (role__isnull), spelled out for the types.
    groups = groups.exclude(role__isnull=True) if exclude_pk is None else groups.exclude(role__pk=exclude_pk)
    if taken.exists() or groups.exists():
        raise ValidationError({"name": [_("A role with this name already exists.")]})
    return name


def _allowed_permissions(permission_ids: Collection[int], actor: User | None = None) -> list[Permission]:
    permissions = list(selectors.matrix_permissions().filter(pk__in=list(permission_ids)))
    if len(permissions) != len(set(permission_ids)):
        raise ValidationError({"permissions": [_("Some of the chosen permissions do not exist.")]})
    held = held_permissions(actor)
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
def role_create(
    *,
    name: str,
    description: str = "",
    permission_ids: Collection[int] = (),
    actor: User | None,
    request: HttpRequest | None = None,
) -> Role:
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
    *,
    role: Role,
    name: str,
    description: str = "",
    permission_ids: Collection[int] = (),
    actor: User | None,
    request: HttpRequest | None = None,
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
def role_delete(*, role: Role, actor: User | None, request: HttpRequest | None = None) -> None:
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
    if schema_name() == "public":
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
