"""Reads for accounts: the sign-in policy, people, roles, sessions."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.accounts import roles
from apps.accounts.models import Role, User, UserSession
from apps.core.versions import tables_of

TWO_FACTOR_OPTIONAL = "optional"
TWO_FACTOR_ROLES = "roles"
TWO_FACTOR_EVERYONE = "everyone"


@dataclass(frozen=True)
class SecurityPolicy:
    idle_minutes: int
    absolute_hours: int
    two_factor: str
    two_factor_roles: tuple[str, ...]

    def requires_two_factor(self, user) -> bool:
        if self.two_factor == TWO_FACTOR_EVERYONE:
            return True
        if self.two_factor == TWO_FACTOR_ROLES:
            # Role ids, not names: renaming a role must not quietly drop the requirement.
            return user.role_id is not None and str(user.role_id) in self.two_factor_roles
        return False


def security_policy(organization) -> SecurityPolicy:
    """The organization's sign-in policy (organization.settings["security"]), with defaults."""
    raw = ((organization.settings or {}).get("security") or {}) if organization is not None else {}
    two_factor = raw.get("two_factor") or (
        settings.PLATFORM_TWO_FACTOR if organization is None else TWO_FACTOR_OPTIONAL
    )
    return SecurityPolicy(
        idle_minutes=int(raw.get("idle_minutes") or settings.SESSION_IDLE_MINUTES_DEFAULT),
        absolute_hours=int(raw.get("absolute_hours") or settings.SESSION_ABSOLUTE_HOURS_DEFAULT),
        two_factor=two_factor,
        two_factor_roles=tuple(raw.get("two_factor_roles") or ()),
    )


def active_sessions_for(user) -> QuerySet[UserSession]:
    return UserSession.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())


# What the people list shows: kept pages are redrawn when either changes.
PEOPLE_TABLES = tables_of(User, Role)


def user_list(*, search: str = "", status: str = "", role_id: str = "") -> QuerySet[User]:
    users = User.objects.select_related("role")
    if search:
        users = users.filter(
            Q(email__icontains=search)
            | Q(first_name__istartswith=search)
            | Q(last_name__istartswith=search)
            | Q(employee_id__iexact=search)
        )
    if status:
        users = users.filter(status=status)
    if role_id:
        users = users.filter(role_id=role_id)
    return users.order_by("last_name", "first_name", "email")


def role_list() -> QuerySet[Role]:
    return Role.objects.annotate(user_count=Count("users")).order_by("-is_system_role", "name")


def matrix_permissions() -> QuerySet[Permission]:
    """Every permission a role can be given, grouped by resource (content type)."""
    excluded = Q()
    for app_label, model in roles.EXCLUDED_MODELS:
        excluded |= Q(content_type__app_label=app_label, content_type__model=model)
    for app_label, codename in roles.EXCLUDED_PERMISSIONS:
        excluded |= Q(content_type__app_label=app_label, codename=codename)
    return (
        Permission.objects.filter(content_type__app_label__in=roles.managed_app_labels())
        .exclude(excluded)
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


STANDARD_ACTIONS = ("view", "add", "change", "delete")


@dataclass
class MatrixRow:
    resource: str  # "app_label.model"
    label: str
    standard: dict  # action -> Permission or None
    other: list  # custom permissions of the resource


def permission_matrix() -> list[MatrixRow]:
    rows: dict[int, MatrixRow] = {}
    for perm in matrix_permissions():
        ct = perm.content_type
        row = rows.get(ct.pk)
        if row is None:
            model = ct.model_class()
            label = str(model._meta.verbose_name_plural).capitalize() if model else ct.model
            row = rows[ct.pk] = MatrixRow(
                resource=f"{ct.app_label}.{ct.model}",
                label=label,
                standard=dict.fromkeys(STANDARD_ACTIONS),
                other=[],
            )
        action = perm.codename.split("_", 1)[0]
        if action in STANDARD_ACTIONS and perm.codename == f"{action}_{ct.model}":
            row.standard[action] = perm
        else:
            row.other.append(perm)
    return sorted(rows.values(), key=lambda r: r.label)


def is_locked_out(user) -> bool:
    """Whether django-axes currently refuses this person's sign-ins, from one address or all."""
    from apps.accounts import lockout

    return lockout.is_locked_out(user.email.lower())
