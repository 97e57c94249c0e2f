"""How the audit pages treat staff records (see apps/audit/naming.py and registry.py): a staff
member's history is read inside their own page; which staff models the change log follows."""

HISTORY_TABS = {"staff.staff": "staff:history"}

# --- the change log (see apps/audit/registry.py) ---------------------------------------------

AUDITED: dict[str, dict] = {
    # Pay is masked: the log is read by auditors, who do not see pay.
    "staff.Staff": {
        "exclude_fields": ["ssn_last4"],
        "mask_fields": ["hourly_rate", "salary", "pay_type", "fte_percentage"],
    },
    "staff.Certification": {},
    "staff.TrainingProgram": {"m2m_fields": {"required_roles"}},
    "staff.TrainingRecord": {},
    "staff.CertificationRequirement": {"m2m_fields": {"required_roles"}},
}
