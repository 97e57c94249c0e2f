"""The sign-in policy's fieldset on the organization settings page
(apps/tenants/settings_sections.py): the same fields, checks and record as /accounts/security/,
for those who may change the policy (accounts.manage_security)."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from apps.accounts import selectors
from apps.accounts.forms import SecurityPolicyForm
from apps.accounts.services import security_policy_changed_record, security_policy_clean
from apps.tenants.models import Organization
from apps.tenants.settings_sections import Section

FIELDS = ("idle_minutes", "absolute_hours", "two_factor", "two_factor_roles")


def _fields(organization) -> dict[str, forms.Field]:
    # The policy page's own fields (the roles' choices are read as it is built).
    form = SecurityPolicyForm()
    return {name: copy.deepcopy(form.fields[name]) for name in FIELDS}


def _initial(organization) -> dict[str, Any]:
    policy = selectors.security_policy(organization)
    return {
        "idle_minutes": policy.idle_minutes,
        "absolute_hours": policy.absolute_hours,
        "two_factor": policy.two_factor,
        "two_factor_roles": list(policy.two_factor_roles),
    }


def _apply(*, organization, settings: dict, data: dict) -> dict[str, Any]:
    settings["security"] = security_policy_clean(
        idle_minutes=data.get("idle_minutes"),  # type: ignore[arg-type]  # checked there
        absolute_hours=data.get("absolute_hours"),  # type: ignore[arg-type]
        two_factor=data.get("two_factor") or "",
        two_factor_roles=list(data.get("two_factor_roles") or []),
    )
    return {}


def _saved(*, organization, before: dict, actor, request=None) -> None:
    # Compared as the policy is applied (defaults filled in): an organization that never saved
    # the policy stores none, and the first save of any other setting stores the defaults it
    # already had. That is no change of policy and gets no record.
    was = selectors.security_policy(Organization(settings=before))
    if selectors.security_policy(organization) != was:
        policy = (organization.settings or {}).get("security") or {}
        security_policy_changed_record(policy=policy, actor=actor, request=request)


SECTIONS = [
    Section(
        key="sign_in",
        legend=gettext_lazy("Sign-in and sessions"),
        order=30,
        fields=_fields,
        initial=_initial,
        apply=_apply,
        saved=_saved,
        permission="accounts.manage_security",
    )
]
