"""Default documentation permissions for the system roles (see apps/accounts/roles.py).

Program managers build templates and review what is submitted (approve, reject, send a
guardian's signing link). Direct support staff and nurses fill in forms for the clients on
their care team and see their own and their clients' submissions without a model permission
(selectors.visible_submissions). Billing reads every submission: visit notes back the claims.
"""

from apps.accounts import roles

DEFAULT_PERMISSIONS = {
    roles.PROGRAM_MANAGER: [
        "documentation.*_formtemplate",
        "documentation.view_formtemplateversion",
        "documentation.view_formsubmission",
        "documentation.add_formsubmission",
        "documentation.approve_formsubmission",
        "documentation.request_signature",
        "documentation.view_electronicsignature",
        "documentation.view_submissionevent",
    ],
    roles.DIRECT_SUPPORT: ["documentation.add_formsubmission"],
    roles.NURSE: ["documentation.add_formsubmission"],
    roles.BILLING: ["documentation.view_formsubmission"],
    # HR invites and manages direct support staff and nurses, and may give only roles whose
    # permissions it holds itself.
    roles.HR_MANAGER: ["documentation.add_formsubmission"],
}
