"""Default report permissions for the system roles (see apps/accounts/roles.py).

Org admins hold every permission and auditors every view_* one already (so every report).
Billing specialists read the billing and utilization reports; HR the payroll hours and the
certification and training compliance; program managers the census, utilization against
authorizations, incidents and the visit verification (EVV) exceptions they resolve with their
teams.
"""

from apps.accounts import roles

DEFAULT_PERMISSIONS = {
    roles.BILLING: ["reports.view_billing_report", "reports.view_utilization_report"],
    roles.HR_MANAGER: ["reports.view_staff_hours_report", "reports.view_compliance_report"],
    roles.PROGRAM_MANAGER: [
        "reports.view_census_report",
        "reports.view_utilization_report",
        "reports.view_incidents_report",
        "reports.view_evv_report",
    ],
}
