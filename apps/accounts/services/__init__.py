"""Writes for accounts, by concern: sign-in and sessions, two-factor, a person's own account,
people and invitations, roles, the organization's sign-in policy.

Every function is one transaction and records what happened as an AuthEvent, the raw
material the audit trail reads. Callers use `from apps.accounts import services` and
`services.<function>(...)`: the public functions are named here.
"""

from apps.accounts.services.authority import assignable_roles, may_assign_role, may_manage_user
from apps.accounts.services.emails import base_url
from apps.accounts.services.events import auth_event_record, client_agent, client_ip
from apps.accounts.services.own import (
    email_verification_send,
    email_verify,
    invitation_accept,
    password_change,
    password_changed,
    user_update_profile,
)
from apps.accounts.services.people import (
    invitation_send,
    user_change_access,
    user_invite,
    user_set_role,
    user_set_status,
    user_unlock,
)
from apps.accounts.services.roles import role_create, role_delete, role_update, system_roles_sync
from apps.accounts.services.security import (
    security_policy_changed_record,
    security_policy_clean,
    security_policy_update,
)
from apps.accounts.services.sessions import (
    SESSION_LAST_SEEN,
    SESSION_STARTED,
    session_revoke,
    session_touch,
    sessions_revoke_all,
    sign_in,
    sign_out,
)
from apps.accounts.services.two_factor import (
    backup_codes_regenerate,
    totp_enrolment_confirm,
    totp_enrolment_start,
    two_factor_remove,
)

__all__ = [
    "SESSION_LAST_SEEN",
    "SESSION_STARTED",
    "assignable_roles",
    "auth_event_record",
    "backup_codes_regenerate",
    "base_url",
    "client_agent",
    "client_ip",
    "email_verification_send",
    "email_verify",
    "invitation_accept",
    "invitation_send",
    "may_assign_role",
    "may_manage_user",
    "password_change",
    "password_changed",
    "role_create",
    "role_delete",
    "role_update",
    "security_policy_changed_record",
    "security_policy_clean",
    "security_policy_update",
    "session_revoke",
    "session_touch",
    "sessions_revoke_all",
    "sign_in",
    "sign_out",
    "system_roles_sync",
    "totp_enrolment_confirm",
    "totp_enrolment_start",
    "two_factor_remove",
    "user_change_access",
    "user_invite",
    "user_set_role",
    "user_set_status",
    "user_unlock",
    "user_update_profile",
]
