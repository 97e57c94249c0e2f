"""Writes for accounts, by concern: sign-in and sessions, two-factor, a person's own account,
people and invitations, roles, the organization's sign-in policy.

Every function is one transaction and records what happened as an AuthEvent, the raw
material the audit trail reads. Callers use `from apps.accounts import services` and
`services.<function>(...)`: the public functions are named here.
"""

from apps.accounts.services.authority import (
    assignable_roles as assignable_roles,
)
from apps.accounts.services.authority import (
    may_assign_role as may_assign_role,
)
from apps.accounts.services.authority import (
    may_manage_user as may_manage_user,
)
from apps.accounts.services.emails import (
    base_url as base_url,
)
from apps.accounts.services.events import (
    auth_event_record as auth_event_record,
)
from apps.accounts.services.events import (
    client_agent as client_agent,
)
from apps.accounts.services.events import (
    client_ip as client_ip,
)
from apps.accounts.services.own import (
    PROFILE_FIELDS as PROFILE_FIELDS,
)
from apps.accounts.services.own import (
    email_verification_send as email_verification_send,
)
from apps.accounts.services.own import (
    email_verify as email_verify,
)
from apps.accounts.services.own import (
    invitation_accept as invitation_accept,
)
from apps.accounts.services.own import (
    password_changed as password_changed,
)
from apps.accounts.services.own import (
    user_update_profile as user_update_profile,
)
from apps.accounts.services.people import (
    invitation_send as invitation_send,
)
from apps.accounts.services.people import (
    user_invite as user_invite,
)
from apps.accounts.services.people import (
    user_set_role as user_set_role,
)
from apps.accounts.services.people import (
    user_set_status as user_set_status,
)
from apps.accounts.services.people import (
    user_unlock as user_unlock,
)
from apps.accounts.services.roles import (
    role_create as role_create,
)
from apps.accounts.services.roles import (
    role_delete as role_delete,
)
from apps.accounts.services.roles import (
    role_update as role_update,
)
from apps.accounts.services.roles import (
    system_roles_sync as system_roles_sync,
)
from apps.accounts.services.security import (
    security_policy_update as security_policy_update,
)
from apps.accounts.services.sessions import (
    SESSION_LAST_SEEN as SESSION_LAST_SEEN,
)
from apps.accounts.services.sessions import (
    SESSION_STARTED as SESSION_STARTED,
)
from apps.accounts.services.sessions import (
    session_revoke as session_revoke,
)
from apps.accounts.services.sessions import (
    session_touch as session_touch,
)
from apps.accounts.services.sessions import (
    sessions_revoke_all as sessions_revoke_all,
)
from apps.accounts.services.sessions import (
    sign_in as sign_in,
)
from apps.accounts.services.sessions import (
    sign_out as sign_out,
)
from apps.accounts.services.two_factor import (
    backup_codes_regenerate as backup_codes_regenerate,
)
from apps.accounts.services.two_factor import (
    totp_enrolment_confirm as totp_enrolment_confirm,
)
from apps.accounts.services.two_factor import (
    totp_enrolment_start as totp_enrolment_start,
)
from apps.accounts.services.two_factor import (
    two_factor_remove as two_factor_remove,
)
