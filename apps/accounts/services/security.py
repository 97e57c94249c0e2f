"""The organization's sign-in policy."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from apps.accounts import selectors
from apps.accounts.models import AuthEvent, User
from apps.accounts.services.events import auth_event_record
from apps.tenants.models import Organization


def security_policy_clean(
    *, idle_minutes: int, absolute_hours: int, two_factor: str, two_factor_roles: list[str]
) -> dict:
    """The policy as stored in organization.settings["security"], or a ValidationError by field.
    Shared by this page's service and the organization settings page (accounts/org_settings.py)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(idle_minutes, int) or not 1 <= idle_minutes <= 240:
        errors["idle_minutes"] = [_("Choose between 1 and 240 minutes.")]
    if not isinstance(absolute_hours, int) or not 1 <= absolute_hours <= 24:
        errors["absolute_hours"] = [_("Choose between 1 and 24 hours.")]
    if not errors and idle_minutes > absolute_hours * 60:
        # The absolute limit would always come first: the idle one would mean nothing.
        errors["idle_minutes"] = [
            _("The idle limit must not be longer than the limit for an active session (%(hours)s h).")
            % {"hours": absolute_hours}
        ]
    if two_factor not in (selectors.TWO_FACTOR_OPTIONAL, selectors.TWO_FACTOR_ROLES, selectors.TWO_FACTOR_EVERYONE):
        errors["two_factor"] = [_("Choose a valid policy.")]
    if two_factor == selectors.TWO_FACTOR_ROLES and not two_factor_roles:
        errors["two_factor_roles"] = [_("Choose at least one role.")]
    if errors:
        raise ValidationError(errors)
    return {
        "idle_minutes": idle_minutes,
        "absolute_hours": absolute_hours,
        "two_factor": two_factor,
        "two_factor_roles": sorted(two_factor_roles) if two_factor == selectors.TWO_FACTOR_ROLES else [],
    }


def security_policy_changed_record(*, policy: dict, actor: User, request: HttpRequest | None = None) -> None:
    """The event alone, without the policy as details: every change of the policy is a save of
    Organization.settings, whose own entry in the log (same save, same person) shows each
    changed value as the settings page words it, in the reader's language
    (apps/tenants/settings_audit.py). The stored keys and values here ("Two factor: optional")
    would only repeat it, raw and untranslated."""
    auth_event_record(kind=AuthEvent.Kind.SECURITY_POLICY_CHANGED, request=request, actor=actor)


@transaction.atomic
def security_policy_update(
    *,
    organization: Organization,
    idle_minutes: int,
    absolute_hours: int,
    two_factor: str,
    two_factor_roles: list[str],
    actor: User,
    request: HttpRequest | None = None,
) -> Organization:
    from apps.tenants import services as tenant_services

    policy = security_policy_clean(
        idle_minutes=idle_minutes,
        absolute_hours=absolute_hours,
        two_factor=two_factor,
        two_factor_roles=two_factor_roles,
    )
    settings_value = dict(organization.settings or {})
    settings_value["security"] = policy
    tenant_services.organization_update(organization=organization, settings=settings_value)
    security_policy_changed_record(policy=policy, actor=actor, request=request)
    return organization
