"""Which models the change log follows: every model of every app, here and only here.

Each model is either AUDITED (with its auditlog options) or EXEMPT (with the reason).
`apps/audit/tests/test_registry.py` fails when an installed model is in neither, so an app
added later cannot forget its models. Models are named by label, not imported, so this
module depends on no app above it.

Field values that are secret never reach the log: every encrypted field (PHI) is masked
automatically, as are the names in SECRET_FIELDS; the entry still says the field changed.
"""

from __future__ import annotations

import copy

from auditlog import receivers as auditlog_receivers
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.db.models import JSONField
from django.db.models.signals import post_init, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedTextField

MASK = "••••••"

# Fields whose values are never written to the log, in any model.
SECRET_FIELDS = {"password", "key", "code_hash", "token"}

AUDITED: dict[str, dict] = {
    "tenants.Organization": {},
    "tenants.Domain": {},
    "auth.Group": {"m2m_fields": {"permissions"}},
    "guardian.UserObjectPermission": {},
    "guardian.GroupObjectPermission": {},
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
    "notifications.NotificationPreference": {},
    "notifications.OrgEmailTemplate": {},
    "notifications.NotificationTemplate": {},
    "files.File": {},
    "files.FilePermission": {},
    "clients.Client": {"exclude_fields": ["ssn_last4"]},
    "clients.ClientContact": {},
    "clients.ClientLocation": {"exclude_fields": ["current_occupancy"]},
    "clients.CarePlan": {},
    "clients.ClientUserObjectPermission": {},
    # Pay is masked: the log is read by auditors, who do not see pay.
    "staff.Staff": {
        "exclude_fields": ["ssn_last4"],
        "mask_fields": ["hourly_rate", "salary", "pay_type", "fte_percentage"],
    },
    "staff.Certification": {},
    "staff.TrainingProgram": {"m2m_fields": {"required_roles"}},
    "staff.TrainingRecord": {},
    "staff.CertificationRequirement": {"m2m_fields": {"required_roles"}},
    "scheduling.Service": {},
    "scheduling.Schedule": {},
    "scheduling.Shift": {},
    "scheduling.ConflictOverride": {},
    "scheduling.Appointment": {},
    "scheduling.Visit": {},
    "scheduling.VisitCorrection": {},
    # Issuing or revoking a feed is logged; the secret's hash is masked, the use counter is not logged.
    "scheduling.CalendarFeed": {"exclude_fields": ["last_used_at"], "mask_fields": ["token_hash"]},
}

# A record's History tab also shows these records' entries: a role's permissions are its
# group's, so granting or removing one is an entry on the group.
HISTORY_ALSO: dict[str, list[tuple[str, str]]] = {"accounts.role": [("auth.group", "group_id")]}

# A record's History tab also shows the records that belong to it: (model, the field that names
# the record). The record's pk is found in those records' logged values (their creation names
# it), so records since deleted still show.
HISTORY_RELATED: dict[str, list[tuple[str, str]]] = {
    "clients.client": [
        ("clients.careplan", "client"),
        ("clients.clientcontact", "client"),
        # A care-team change is an object permission on the client.
        ("clients.clientuserobjectpermission", "content_object"),
    ],
}

# Kinds of record left out of the log's resource filter: their model names mean nothing to an
# auditor, and their entries are found elsewhere.
NOT_IN_FILTER: dict[str, str] = {
    "tenants.organization": "The platform's; an organization's own settings are on its admin pages.",
    "tenants.domain": "The platform's.",
    "auth.group": "A role's permissions; shown on the role's history.",
    "guardian.userobjectpermission": "Sharing bookkeeping; shown on the shared record.",
    "guardian.groupobjectpermission": "Sharing bookkeeping; shown on the shared record.",
    "clients.clientuserobjectpermission": "Care-team changes; shown on the client's history.",
}

# What a reader calls the record kinds whose model names are machinery.
KIND_NAMES: dict[str, object] = {
    "auth.group": _("role permissions"),
    "guardian.userobjectpermission": _("record access"),
    "guardian.groupobjectpermission": _("record access of a role"),
    "clients.clientuserobjectpermission": _("care team"),
}

# Who may see records of kinds that have no view permission of their own (or whose own is not
# the one that matters); every other kind needs "<app>.view_<model>".
VIEW_PERMISSIONS: dict[str, str] = {
    "clients.clientuserobjectpermission": "clients.view_client",
    "guardian.userobjectpermission": "audit.view_logentry",
    "guardian.groupobjectpermission": "audit.view_logentry",
    "accounts.totpdevice": "accounts.view_user",
    "accounts.backupcodedevice": "accounts.view_user",
    "notifications.notificationpreference": "accounts.view_user",
    "tenants.organization": "audit.view_logentry",
    "tenants.domain": "audit.view_logentry",
}

# Field names a reader understands, where the model's are machinery (guardian's).
FIELD_LABELS: dict[tuple[str, str], object] = {
    ("clients.clientuserobjectpermission", "content_object"): _("client"),
    ("clients.clientuserobjectpermission", "user"): _("user"),
    ("clients.clientuserobjectpermission", "permission"): _("access granted"),
    ("guardian.userobjectpermission", "user"): _("user"),
    ("guardian.userobjectpermission", "permission"): _("access granted"),
    ("guardian.groupobjectpermission", "permission"): _("access granted"),
}

# List fields that hold other records' pks, and the kind of record: their values are named like
# a foreign key's (and masked the same way), not shown as bare ids.
LISTED_RELATIONS: dict[tuple[str, str], str] = {
    ("clients.careplan", "responsible_staff"): "accounts.user",
}

# Records whose names every reader of the log may see: they hold no one's data.
PUBLIC_NAMES = {"auth.permission", "auth.group", "accounts.role", "contenttypes.contenttype"}

EXEMPT: dict[str, str] = {
    "contenttypes.ContentType": "Written by migrations only; not organization data.",
    "core.TableVersion": "Change counters written by a database trigger; the changes themselves are logged.",
    "auth.Permission": "Written by migrations only; grants are logged on groups and roles.",
    "sessions.Session": "Opaque session storage; sign-in, sign-out and revocation are authentication entries.",
    "admin.LogEntry": "The Django admin's own history; the changes it records are logged here too.",
    "axes.AccessAttempt": "Lockout bookkeeping; failures, lockouts and unlocks are authentication entries.",
    "axes.AccessAttemptExpiration": "Lockout bookkeeping; see axes.AccessAttempt.",
    "axes.AccessFailureLog": "Lockout bookkeeping; see axes.AccessAttempt.",
    "axes.AccessLog": "Lockout bookkeeping; see axes.AccessAttempt.",
    "accounts.UserSession": "Touched on every request; sessions starting and ending are authentication entries.",
    "accounts.AuthEvent": "Mirrored into the log as authentication entries (apps.audit.receivers).",
    "accounts.BackupCode": "Keyed hashes of single-use codes; their use is an authentication entry.",
    "audit.LogEntry": "The log itself.",
    "notifications.Notification": "Messages about events logged where they happened; read marks change no record.",
    "notifications.Delivery": "Delivery bookkeeping of those messages (attempts, errors); no record data.",
    "notifications.JobRun": "Scheduled jobs' memory of what they already sent; no record data.",
    "audit.ChainHead": "The log's own bookkeeping, covered by the hash chain.",
}


def mask(value: str) -> str:
    # Nothing to hide on the empty side of a create or delete.
    return "" if value in ("", "None") else MASK


def _options(model, options: dict) -> dict:
    secret = [
        f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField) or f.name in SECRET_FIELDS
    ]
    options = dict(options)
    # updated_at is bumped by every save (the fields that really changed are in the entry);
    # reverse relations are other records' fields, logged on those records.
    reverse = {f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete}
    # created_at is the entry's own time on a create.
    options["exclude_fields"] = sorted({*options.get("exclude_fields", []), "created_at", "updated_at", *reverse})
    options["mask_fields"] = sorted(set(options.get("mask_fields", [])) | set(secret))
    options.setdefault("mask_callable", "apps.audit.registry.mask")
    return options


# --- updates diffed against the values the instance was loaded with ----------------------------
#
# auditlog reads the row again before every update to find what changed: one more round trip
# per save. Audited instances instead keep the values they were loaded (or last saved) with,
# and the diff is made against those; an instance without them (built by hand, unpickled from
# the cache) falls back to auditlog's read.

SNAPSHOT = "_audit_snapshot"
_json_fields: dict[type, list[str]] = {}


def _remember(sender, instance, **kwargs):
    values = instance.__dict__.copy()
    values.pop(SNAPSHOT, None)
    for name in _json_fields.get(sender, ()):
        # JSON values are dicts and lists that code may change in place.
        values[name] = copy.deepcopy(values.get(name))
    instance.__dict__[SNAPSHOT] = values


@auditlog_receivers.check_disable
def _log_update(sender, instance, **kwargs):
    if instance._state.adding or instance.pk is None:
        return
    values = instance.__dict__.get(SNAPSHOT)
    if values is None or values.get(sender._meta.pk.attname) != instance.pk:
        return auditlog_receivers.log_update.__wrapped__(sender, instance, **kwargs)
    old = copy.copy(instance)
    old.__dict__.update(values)
    auditlog_receivers._create_log_entry(
        action=auditlog_receivers.get_logentry_model().Action.UPDATE,
        instance=instance,
        sender=sender,
        diff_old=old,
        diff_new=instance,
        fields_to_check=kwargs.get("update_fields"),
        use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES,
    )


def register_all() -> None:
    auditlog._signals[pre_save] = _log_update
    for label, options in AUDITED.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        _json_fields[model] = [f.attname for f in model._meta.concrete_fields if isinstance(f, JSONField)]
        post_init.connect(_remember, sender=model, dispatch_uid=f"audit.remember.{label}")
        post_save.connect(_remember, sender=model, dispatch_uid=f"audit.remember_saved.{label}")
        auditlog.register(model, **_options(model, options))
