"""System roles and their default permissions.

System roles exist in every organization, cannot be deleted, and their permissions follow
these rules (re-applied after every migration, so a later app's new permissions reach them).
Each app adds rules for its own permissions in `apps/<app>/roles.py` with a
`DEFAULT_PERMISSIONS = {role name: [patterns]}` of its own; patterns are
`app_label.codename` with shell wildcards. Custom roles are edited freely by org admins.
"""

from __future__ import annotations

from fnmatch import fnmatch

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from apps.core.discovery import app_modules

# Stored in English (they are the roles' identity); shown translated (Role.display_name).
ORGANIZATION_ADMIN = gettext_noop("Organization Admin")
PROGRAM_MANAGER = gettext_noop("Program Manager")
DIRECT_SUPPORT = gettext_noop("Direct Support Professional")
NURSE = gettext_noop("Nurse")
SCHEDULER = gettext_noop("Scheduler")
BILLING = gettext_noop("Billing Specialist")
HR_MANAGER = gettext_noop("HR Manager")
AUDITOR = gettext_noop("Auditor")

# What each role can do today, and nothing more (no visit notes, medications or claims until
# those exist): people choose a role for someone from these lines. Kept in step with the
# stored roles by system_roles_sync.
SYSTEM_ROLES = {
    ORGANIZATION_ADMIN: _("Runs the organization's account: people, roles, sign-in policy, everything else."),
    PROGRAM_MANAGER: _(
        "Manages clients, their care teams and care plans, and approves plans; builds schedules; reads staff"
        " records, certifications and training."
    ),
    DIRECT_SUPPORT: _(
        "Sees the clients whose care team they are on; works their shifts, takes open shifts, clocks in and out."
    ),
    NURSE: _("Sees the clients whose care team they are on; works their shifts, takes open shifts, clocks in and out."),
    SCHEDULER: _("Builds and publishes schedules, fills shifts, reviews and corrects visit verification (EVV)."),
    BILLING: _(
        "Does the billing: payers and rates, coverage, authorizations, billable services, claims (837P) and"
        " payments (835); reads clients, services, visits and their notes."
    ),
    HR_MANAGER: _("Keeps staff records, pay, certifications and training; invites people."),
    AUDITOR: _("Reads everything but pay, the audit log included; changes nothing."),
}

# Patterns over "app_label.codename" for accounts' own permissions and for everything.
DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    ORGANIZATION_ADMIN: ["*"],
    PROGRAM_MANAGER: ["accounts.view_user", "accounts.view_role"],
    HR_MANAGER: ["accounts.view_user", "accounts.change_user", "accounts.invite_user", "accounts.view_role"],
    AUDITOR: ["*.view_*"],
}


# Permissions no role should hold: organizations are the platform's (public schema), and
# two-factor devices are each person's own, managed only through the two-factor pages.
EXCLUDED_APP_LABELS = {"tenants"}
EXCLUDED_MODELS = {
    ("accounts", "totpdevice"),
    ("accounts", "backupcodedevice"),
    ("accounts", "backupcode"),
    # django-axes' bookkeeping; its access attempts (who is locked out) stay in the matrix.
    ("axes", "accessattemptexpiration"),
    ("axes", "accessfailurelog"),
    ("axes", "accesslog"),
    # Change counters kept by a database trigger (apps.core.versions).
    ("core", "tableversion"),
    # Counters drawn by billing's services (control and claim numbers); nobody edits them.
    ("billing", "billingcounter"),
}
# Records that are written only by the system: viewing them is a permission, editing is not.
EXCLUDED_PERMISSIONS = {
    ("accounts", "add_usersession"),
    ("accounts", "add_authevent"),
    ("accounts", "change_authevent"),
    ("accounts", "delete_authevent"),
    ("axes", "add_accessattempt"),
    ("axes", "change_accessattempt"),
}


def managed_app_labels() -> set[str]:
    """Apps whose permissions roles are made of: Starline's own, plus axes (lockouts)."""
    labels = {c.label for c in apps.get_app_configs() if c.name.startswith("apps.")} | {"axes"}
    return labels - EXCLUDED_APP_LABELS


def default_rules() -> dict[str, list[str]]:
    rules: dict[str, list[str]] = {name: [] for name in SYSTEM_ROLES}
    for _label, module in app_modules("roles"):
        for role, patterns in getattr(module, "DEFAULT_PERMISSIONS", {}).items():
            rules.setdefault(role, []).extend(patterns)
    return rules


def matches(perm_key: str, patterns: list[str]) -> bool:
    return any(fnmatch(perm_key, pattern) for pattern in patterns)
