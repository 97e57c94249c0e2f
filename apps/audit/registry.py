"""Which models the change log follows: every model of every app.

Each app declares its own models in `apps/<app>/audit_hooks.py` (found like its other hooks,
by apps.core.discovery): each is either AUDITED (with its auditlog options) or EXEMPT (with
the reason). This module holds only the third-party apps' models and the log's own, and
merges the apps' declarations into the tables below when the audit app is ready.
`apps/audit/tests/test_registry.py` fails when an installed model is in neither, so an app
added later cannot forget its models. Models are named by label, not imported, so audit
depends on no app above it.

An app's audit_hooks.py may also add to HISTORY_ALSO, HISTORY_RELATED, NOT_IN_FILTER,
KIND_NAMES, VIEW_PERMISSIONS, FIELD_LABELS, LISTED_RELATIONS and PUBLIC_NAMES (what each
means is said beside it below).

Field values that are secret never reach the log: every encrypted field (PHI) is masked
automatically, as are the names in SECRET_FIELDS; the entry still says the field changed.
"""

from __future__ import annotations

import copy
from typing import cast

from auditlog import get_logentry_model
from auditlog import receivers as auditlog_receivers
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from auditlog.signals import post_log, pre_log
from django.apps import apps
from django.conf import settings
from django.db.models import JSONField
from django.db.models.base import ModelBase
from django.db.models.signals import post_init, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from apps.core.discovery import app_modules
from apps.core.fields import EncryptedJSONField, EncryptedTextField

MASK = "••••••"

# Fields whose values are never written to the log, in any model.
SECRET_FIELDS = {"password", "key", "code_hash", "token"}

AUDITED: dict[str, dict] = {
    "auth.Group": {"m2m_fields": {"permissions"}},
    "guardian.UserObjectPermission": {},
    "guardian.GroupObjectPermission": {},
}

# A record's History tab also shows these records' entries: a role's permissions are its
# group's, so granting or removing one is an entry on the group.
HISTORY_ALSO: dict[str, list[tuple[str, str]]] = {}

# A record's History tab also shows the records that belong to it: (model, the field that names
# the record). The record's pk is found in those records' logged values (their creation names
# it), so records since deleted still show.
HISTORY_RELATED: dict[str, list[tuple[str, str]]] = {}

# Kinds of record left out of the log's resource filter: their model names mean nothing to an
# auditor, and their entries are found elsewhere.
NOT_IN_FILTER: dict[str, str] = {
    "auth.group": "A role's permissions; shown on the role's history.",
    "guardian.userobjectpermission": "Sharing bookkeeping; shown on the shared record.",
    "guardian.groupobjectpermission": "Sharing bookkeeping; shown on the shared record.",
}

# What a reader calls the record kinds whose model names are machinery.
KIND_NAMES: dict[str, object] = {
    "auth.group": _("role permissions"),
    "guardian.userobjectpermission": _("record access"),
    "guardian.groupobjectpermission": _("record access of a role"),
}

# Who may see records of kinds that have no view permission of their own (or whose own is not
# the one that matters); every other kind needs "<app>.view_<model>".
VIEW_PERMISSIONS: dict[str, str] = {
    "guardian.userobjectpermission": "audit.view_logentry",
    "guardian.groupobjectpermission": "audit.view_logentry",
}

# Field names a reader understands, where the model's are machinery (guardian's).
FIELD_LABELS: dict[tuple[str, str], object] = {
    ("guardian.userobjectpermission", "user"): _("user"),
    ("guardian.userobjectpermission", "permission"): _("access granted"),
    ("guardian.groupobjectpermission", "permission"): _("access granted"),
}

# List fields that hold other records' pks, and the kind of record: their values are named like
# a foreign key's (and masked the same way), not shown as bare ids.
LISTED_RELATIONS: dict[tuple[str, str], str] = {}

# Records whose names every reader of the log may see: they hold no one's data.
PUBLIC_NAMES = {"auth.permission", "auth.group", "contenttypes.contenttype"}

EXEMPT: dict[str, str] = {
    "contenttypes.ContentType": "Written by migrations only; not organization data.",
    "auth.Permission": "Written by migrations only; grants are logged on groups and roles.",
    "sessions.Session": "Opaque session storage; sign-in, sign-out and revocation are authentication entries.",
    "admin.LogEntry": "The Django admin's own history; the changes it records are logged here too.",
    "axes.AccessAttempt": "Lockout bookkeeping; failures, lockouts and unlocks are authentication entries.",
    "axes.AccessAttemptExpiration": "Lockout bookkeeping; see axes.AccessAttempt.",
    "axes.AccessFailureLog": "Lockout bookkeeping; see axes.AccessAttempt.",
    "axes.AccessLog": "Lockout bookkeeping; see axes.AccessAttempt.",
    "audit.LogEntry": "The log itself.",
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
        # auditlog's own receiver (its disabled check again is harmless): it reads the row.
        auditlog_receivers.log_update(sender, instance, **kwargs)
        return
    old = copy.copy(instance)
    old.__dict__.update(values)
    _log_diff(sender, instance, old, update_fields=kwargs.get("update_fields"))


def _log_diff(sender, instance, old, *, update_fields=None) -> None:
    """What auditlog's update receiver does after its read, from its public parts: the
    pre_log veto, the diff, the entry, post_log."""
    action = get_logentry_model().Action.UPDATE
    pre_log_results = pre_log.send(sender, instance=instance, action=action)
    if any(result is False for _receiver, result in pre_log_results):
        return
    use_json = settings.AUDITLOG_STORE_JSON_CHANGES
    changes = model_instance_diff(old, instance, fields_to_check=update_fields, use_json_for_changes=use_json)
    if not changes:
        return
    entry = get_logentry_model().objects.log_create(instance, action=action, changes=changes, force_log=False)
    if entry is not None:
        post_log.send(
            sender,
            instance=instance,
            instance_old=old,
            action=action,
            error=None,
            pre_log_results=pre_log_results,
            changes=changes,
            log_entry=entry,
            log_created=True,
            use_json_for_changes=use_json,
        )


_collected = False
# The tables an app's audit_hooks.py adds to, by name.
DECLARED = (
    "AUDITED",
    "EXEMPT",
    "HISTORY_ALSO",
    "HISTORY_RELATED",
    "NOT_IN_FILTER",
    "KIND_NAMES",
    "VIEW_PERMISSIONS",
    "FIELD_LABELS",
    "LISTED_RELATIONS",
    "PUBLIC_NAMES",
)


def collect() -> None:
    """Merge every app's declarations into this module's tables, once. A label declared twice
    (by two apps, or by an app and here) is refused: one of them would silently be dropped."""
    global _collected
    if _collected:
        return
    for app_label, module in app_modules("audit_hooks"):
        merge(app_label, module, globals())
    _collected = True


def merge(app_label: str, module, tables: dict) -> None:
    for name in DECLARED:
        declared = getattr(module, name, None) or {}
        table = tables[name]
        twice = set(declared) & set(table)
        if twice:
            raise ValueError(f"{app_label}'s audit_hooks.{name} repeats {sorted(twice)}")
        table.update(declared)


def register_all() -> None:
    collect()
    # django-auditlog has no public way to give its shared registry another update receiver:
    # AuditlogModelRegistry(custom=...) builds a new registry, while auditlog's diff and
    # serializer read the shared one's options. This is the one private name left; the package
    # is pinned, and test_registry checks that registering still connects this receiver.
    auditlog._signals[pre_save] = _log_update
    for label, options in AUDITED.items():
        model = apps.get_model(label)
        # auditlog annotates a model class as ModelBase (its metaclass); it is the class.
        if auditlog.contains(cast(ModelBase, model)):
            continue
        # Only the JSON the log diffs: copying an excluded one (a form's 60-field structure) on
        # every load would cost each page for nothing.
        excluded = set(options.get("exclude_fields", ()))
        _json_fields[model] = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, JSONField | EncryptedJSONField) and f.name not in excluded
        ]
        post_init.connect(_remember, sender=model, dispatch_uid=f"audit.remember.{label}")
        post_save.connect(_remember, sender=model, dispatch_uid=f"audit.remember_saved.{label}")
        auditlog.register(cast(ModelBase, model), **_options(model, options))
