"""The accounts app's models in the change log (see apps/audit/registry.py)."""

AUDITED: dict[str, dict] = {
    "accounts.Role": {},
    # Sign-in time is an authentication entry already; groups mirror the role.
    "accounts.User": {"exclude_fields": ["last_login"], "m2m_fields": {"user_permissions"}},
    # Enrolment and removal are logged; the counters touched by every code check are not.
    "accounts.TOTPDevice": {
        "exclude_fields": [
            "last_t",
            "drift",
            "throttling_failure_timestamp",
            "throttling_failure_count",
            "last_used_at",
        ]
    },
    "accounts.BackupCodeDevice": {"exclude_fields": ["throttling_failure_timestamp", "throttling_failure_count"]},
}
EXEMPT = {
    "accounts.UserSession": "Touched on every request; sessions starting and ending are authentication entries.",
    "accounts.AuthEvent": "Mirrored into the log as authentication entries (apps.audit.receivers).",
    "accounts.BackupCode": "Keyed hashes of single-use codes; their use is an authentication entry.",
}
# A role's permissions are its group's, so granting or removing one is an entry on the group.
HISTORY_ALSO = {"accounts.role": [("auth.group", "group_id")]}
VIEW_PERMISSIONS = {"accounts.totpdevice": "accounts.view_user", "accounts.backupcodedevice": "accounts.view_user"}
PUBLIC_NAMES = {"accounts.role"}
