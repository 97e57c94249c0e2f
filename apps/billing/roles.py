"""Default billing permissions for the system roles (see apps/accounts/roles.py).

Billing Specialists do the whole of billing: payers and rates, coverage, authorizations,
billable services, claims, sending 837P files and posting 835 payments. Program managers read
authorizations (they plan services against them) and coverage. Nobody else sees billing;
org admins hold every permission and auditors every view permission already.
"""

from apps.accounts import roles

DEFAULT_PERMISSIONS = {
    roles.BILLING: ["billing.*", "scheduling.change_service"],
    roles.PROGRAM_MANAGER: ["billing.view_serviceauthorization", "billing.view_coverage"],
}
