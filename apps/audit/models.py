"""The audit trail: one append-only, hash-chained log per schema (so per organization).

The table is range-partitioned by month and built by hand in the migration (Django cannot
declare partitioning), so the model below describes it for the ORM only:

- `id` is the entry's place in the chain, assigned by a database trigger under a lock on
  `ChainHead`, so ids are gap-free and in commit order; the same trigger stores the previous
  entry's hash and the SHA-256 of this entry's canonical JSON (`hash`).
- Entries are written with their transaction's COMMIT (`save()` queues the INSERT through
  apps/core/db): the chain lock is taken last and a saved instance's `id` and `hash` stay
  unknown to Django.
- Another trigger refuses UPDATE and DELETE; retention drops whole partitions instead.
- The primary key is (id, timestamp) because a partitioned table's keys must include the
  partition column. Such a model cannot be registered in the admin or be a ForeignKey target.
- `actor` and `content_type` have no database constraint: deleting a user or a model must
  never need to touch (or be blocked by) the log, and `actor_email` keeps who it was.
"""

from __future__ import annotations

import functools

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.tenancy import schema_name

# How a record was read (the "via" of an access entry), translated when shown: entries keep the
# words the calling code passed (apps call access_record(via="print care plan")), so every
# via written anywhere is listed here, or a Spanish page would show it in English.
ACCESS_KINDS = {
    "view": _("Opened"),
    "reveal_ssn": _("Revealed SSN"),
    "reveal ssn": _("Revealed SSN"),
    "download": _("Downloaded"),
    "download refused: damaged": _("Download refused: the file is damaged"),
    "print": _("Printed"),
    "print care plan": _("Printed the care plan"),
    "export": _("Exported"),
    "documentation": _("Opened the documentation"),
    "edit": _("Opened to edit"),
    "verify": _("Verified the signatures"),
    "billing": _("Opened the billing"),
    "admin": _("Opened in the admin"),
}


class LogEntry(AbstractLogEntry):
    class Action:
        CREATE = 0
        UPDATE = 1
        DELETE = 2
        ACCESS = 3
        AUTHENTICATION = 10

        choices = (
            (CREATE, pgettext_lazy("audit action", "create")),
            (UPDATE, pgettext_lazy("audit action", "update")),
            (DELETE, pgettext_lazy("audit action", "delete")),
            (ACCESS, pgettext_lazy("audit action", "access")),
            (AUTHENTICATION, pgettext_lazy("audit action", "authentication")),
        )

    # Values as they are (UUIDs in a list, dates, decimals) written as JSON text.
    changes = models.JSONField(null=True, verbose_name=_("change message"), encoder=DjangoJSONEncoder)
    pk = models.CompositePrimaryKey("id", "timestamp")
    id = models.BigIntegerField(_("entry"), editable=False)
    timestamp = models.DateTimeField(_("when"), default=timezone.now)
    action = models.PositiveSmallIntegerField(_("action"), choices=Action.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("resource type"),
    )
    object_pk = models.CharField(_("resource id"), max_length=255, blank=True)
    object_id = models.BigIntegerField(blank=True, null=True)
    cid = models.CharField(_("correlation id"), max_length=255, blank=True, null=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        blank=True,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    user_agent = models.TextField(_("browser"), blank=True, default="")
    # "web", "task <name>", "command <name>" or "system": where the change came from.
    origin = models.CharField(_("origin"), max_length=200, blank=True, default="")
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = LogEntryManager()  # type: ignore[misc]  # auditlog declares it on its abstract model too

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-timestamp", "-id"]
        get_latest_by = "timestamp"
        # Entries are written only by the system; reading them is the one permission.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["timestamp", "id"], name="audit_entry_time_idx"),
            # Every filter's index ends in (timestamp, id): pages come out of it in order.
            models.Index(fields=["content_type", "object_pk", "timestamp", "id"], name="audit_entry_object_idx"),
            models.Index(fields=["content_type", "timestamp", "id"], name="audit_entry_type_idx"),
            models.Index(fields=["actor", "timestamp", "id"], name="audit_entry_actor_idx"),
            models.Index(fields=["action", "timestamp", "id"], name="audit_entry_action_idx"),
        ]

    def save(self, *args, **kwargs):
        from apps.audit import context

        # The clone template's log would be copied into every new organization: it stays empty.
        if schema_name() == settings.TENANT_BASE_SCHEMA:
            return
        context.stamp(self)
        sql, params = self._insert_statement()
        connection.before_commit(sql, params)
        self._state.adding = False

    def _insert_statement(self) -> tuple[str, list]:
        """This entry's INSERT, naming the schema it belongs to: it runs at COMMIT, when the
        connection may have moved to another organization's schema."""
        fields = _insert_fields()
        params = [f.get_db_prep_save(f.pre_save(self, True), connection) for f in fields]
        return _insert_sql(schema_name(), fields), params

    @property
    def actor_label(self) -> str:
        return self.actor_email or str(_("System"))

    @property
    def event(self) -> str:
        data = self.additional_data if isinstance(self.additional_data, dict) else {}
        return data.get("event", "") or data.get("via", "")

    @property
    def event_label(self) -> str:
        from apps.accounts.models import AuthEvent

        key = self.event
        return str(dict(AuthEvent.Kind.choices).get(key) or ACCESS_KINDS.get(key) or key)


@functools.cache
def _insert_fields() -> tuple:
    return tuple(f for f in LogEntry._meta.local_concrete_fields if not f.generated)


@functools.cache
def _insert_sql(schema: str, fields: tuple) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(schema)}.{quote(LogEntry._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - identifiers quoted by quote() from the model and schema, values are %s # nosec B608


class ChainHead(models.Model):
    """The end of the schema's chain: the last entry's id and hash (one row, id 1). The
    chain trigger locks it, so entries are numbered in commit order.

    `retained_from` and `anchor_hash` record what retention removed: entries up to that id
    may be missing, and the first kept entry must link to `anchor_hash`.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    retained_from = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default="")

    class Meta:
        default_permissions = ()
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_id}"
