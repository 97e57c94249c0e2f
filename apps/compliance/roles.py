"""Default compliance permissions for the system roles (see apps/accounts/roles.py).

Admins hold everything (their rule is "*"). Program managers, HR, billing and schedulers read
the findings and acknowledge those of their work (a finding is acknowledged by someone who will act on it);
auditors read findings and rules (their "*.view_*") but change nothing, so they acknowledge
nothing. Rules are edited by admins in the Django admin; only admins run them on demand.
"""

from apps.accounts import roles

RESPONSIBLE = ["compliance.view_finding", "compliance.acknowledge_finding", "compliance.view_compliancerule"]

DEFAULT_PERMISSIONS = {
    roles.PROGRAM_MANAGER: RESPONSIBLE,
    roles.HR_MANAGER: RESPONSIBLE,
    roles.BILLING: RESPONSIBLE,
    # Open shifts and unresolved EVV exceptions are the scheduler's to act on.
    roles.SCHEDULER: RESPONSIBLE,
}
