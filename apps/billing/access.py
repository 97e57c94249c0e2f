"""Who sees billing at all: people with a permission to view one of its records (Billing
Specialists, org admins, auditors; program managers read authorizations and coverage)."""

from __future__ import annotations

from apps.accounts.permissions import can

VIEW_PERMISSIONS = (
    "billing.view_claim",
    "billing.view_billableservice",
    "billing.view_serviceauthorization",
    "billing.view_payer",
)


def sees_billing(user) -> bool:
    return any(can(user, perm) for perm in VIEW_PERMISSIONS)
