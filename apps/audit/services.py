"""Writes for the audit trail: read-access entries, monthly partitions, retention, and the
hash-chain check.

Partitions and the chain are per schema, so per organization; the functions below work on
the connection's current schema unless given one.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from apps.audit import context
from apps.audit.models import LogEntry
from apps.core.db.catalog import ident
from apps.core.db.roles import as_owner
from apps.core.tenancy import schema_name

if TYPE_CHECKING:
    from apps.audit.anchors import Anchor

logger = logging.getLogger(__name__)

# (schema, model label) -> content type id. django-tenants empties Django's own content type
# cache at every request (public and organization schemas number types differently), which
# would cost each logged page view a query; keyed by schema, the ids cannot mix.
_content_type_ids: dict[tuple[str, str], int] = {}


def content_type_id(model) -> int:
    key = (schema_name(), model._meta.label_lower)
    found = _content_type_ids.get(key)
    if found is None:
        found = _content_type_ids[key] = ContentType.objects.get_for_model(model).pk
    return found


TABLE = "audit_logentry"
PARTITION = re.compile(rf"^{TABLE}_p(\d{{4}})_(\d{{2}})$")
DEFAULT_MONTHS_AHEAD = 3
# The clone template holds this month and the next, and a new organization starts with them;
# the daily job adds its further months. Each partition is a table and six indexes, and
# PostgreSQL 15 reads the whole of pg_constraint to make one (for foreign keys to clone):
# 50 ms beside a thousand organizations, so the clone's partitions were 40% of provisioning.
NEW_SCHEMA_MONTHS_AHEAD = 1
# Also the least an organization may choose (tenants.Organization.clean): anchored entries
# younger than this cannot have been removed by retention.
DEFAULT_RETENTION_YEARS = 6


def _schema(schema: str | None) -> str:
    return schema or schema_name()


# --- read access -----------------------------------------------------------------------------


def access_record(
    *,
    obj,
    via: str = "view",
    label: str | None = None,
    detail: dict[str, str] | None = None,
    request=None,
    user=None,
    now: datetime | None = None,
) -> LogEntry | None:
    """Log that someone opened, revealed, downloaded or printed `obj` (the "access" action).

    At most one entry per user, object, kind of access and minute: a page reloaded or paged
    through does not flood the log, while revealing an SSN or downloading a file is never
    hidden behind an earlier page view. Returns the entry, or None when it was a repeat.
    `label` names the object in the entry when `obj` carries only its id. `detail` says more
    about what was read (which report), shown beside the entry; a different detail is a
    different access within the minute too.
    """
    user = user if user is not None else getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    now = now or timezone.now()
    content_type = content_type_id(type(obj))
    minute = int(now.timestamp() // 60)
    key = f"audit:access:{user.pk}:{content_type}:{obj.pk}:{via.replace(' ', '_')}:{minute}"
    if detail:
        key += ":" + hashlib.sha256(repr(sorted(detail.items())).encode()).hexdigest()[:16]
    # cache.add is atomic in Redis: only the first request in the minute writes. With the
    # cache down, the access is logged anyway: a duplicate beats a gap. django-redis, told to
    # ignore a dead Redis (settings), answers None instead of raising: only False is a repeat.
    try:
        first = cache.add(key, 1, timeout=120)
    except Exception:  # any cache backend's error
        logger.warning("audit: cache unavailable, access logged without de-duplication", exc_info=True)
        first = True
    if first is False:
        return None
    entry = LogEntry(
        timestamp=now,
        action=LogEntry.Action.ACCESS,
        content_type_id=content_type,
        object_pk=str(obj.pk),
        object_repr=(str(obj) if label is None else label)[:500],
        actor_id=user.pk,
        actor_email=user.email,
        additional_data={**(detail or {}), "via": via},
        changes={},
    )
    if request is not None and not context.is_set():
        # Called outside the middleware (a test, a view run by hand): take the request's details.
        ctx = context.for_request(request)
        entry.remote_addr, entry.user_agent, entry.origin = ctx.remote_addr, ctx.user_agent, ctx.origin
    entry.save()
    return entry


# --- partitions and retention ----------------------------------------------------------------


def _month(year: int, month: int) -> datetime:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=UTC)


def partition_name(start: datetime) -> str:
    return f"{TABLE}_p{start.year:04d}_{start.month:02d}"


def partitions(*, schema: str | None = None) -> list[tuple[str, datetime, datetime]]:
    """The schema's monthly partitions, oldest first: (name, start, end)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass(%s)
            """,
            # The parent by its oid: both lookups use a catalog index, where a join by
            # schema name read all of pg_class, which a fleet of organizations makes long.
            [f'"{_schema(schema)}"."{TABLE}"'],
        )
        names = [name for (name,) in cursor.fetchall()]
    found = []
    for name in names:
        match = PARTITION.match(name)
        if match:
            start = _month(int(match[1]), int(match[2]))
            found.append((name, start, _month(start.year, start.month + 1)))
    return sorted(found, key=lambda p: p[1])


def partitions_ensure(
    *, schema: str | None = None, months_ahead: int = DEFAULT_MONTHS_AHEAD, now: datetime | None = None
) -> list[str]:
    """Create this month's partition and the next `months_ahead` ones when missing.

    Entries can only be written into an existing partition, so the job runs daily and
    keeps months ready well ahead; there is no catch-all partition to silently fill.
    """
    schema = _schema(schema)
    now = (now or timezone.now()).astimezone(UTC)
    existing = {name for name, _start, _end in partitions(schema=schema)}
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        # Attaching a partition locks the log briefly; never queue behind a long reader.
        cursor.execute("SET LOCAL lock_timeout = '5s'")
        for offset in range(months_ahead + 1):
            start = _month(now.year, now.month + offset)
            name = partition_name(start)
            if name in existing:
                continue
            # As the log's owner (apps/audit/migrations/0003): the app role may add months
            # but owns no table, so the partition is the owner's like the rest of the log.
            cursor.execute("SELECT public.starline_audit_partition_create(%s, %s)", [schema, start.date()])
            if cursor.fetchone()[0]:
                created.append(name)
    return created


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


@transaction.atomic
def retention_apply(*, years: int, schema: str | None = None, now: datetime | None = None) -> list[str]:
    """Drop the monthly partitions that ended more than `years` ago.

    Rows are never deleted one by one (the append-only trigger forbids it); whole months go.
    Before a month goes, the chain head records the highest id removed and its hash, so the
    chain check knows where the kept log starts and what it must link to.
    """
    schema = _schema(schema)
    cutoff = _years_before((now or timezone.now()).astimezone(UTC), years)
    doomed = [name for name, _start, end in partitions(schema=schema) if end <= cutoff]
    if not doomed:
        return []
    q = ident(schema)
    with connection.cursor() as cursor:
        # The log first, then the chain head: the order a writer takes them in (its INSERT
        # locks the table, then its trigger the head), so the two never deadlock.
        cursor.execute("SET LOCAL lock_timeout = '5s'")
        cursor.execute(f"LOCK TABLE {q}.{ident(TABLE)} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"SELECT 1 FROM {q}.audit_chainhead WHERE id = 1 FOR UPDATE")  # noqa: S608 - identifiers quoted by _ident # nosec B608
        union = " UNION ALL ".join(
            f"(SELECT id, hash FROM {q}.{ident(name)} ORDER BY id DESC LIMIT 1)"  # noqa: S608 - identifiers quoted by _ident # nosec B608
            for name in doomed
        )
        cursor.execute(f"SELECT id, hash FROM ({union}) last ORDER BY id DESC LIMIT 1")  # noqa: S608 - identifiers quoted by _ident # nosec B608
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(
                f"UPDATE {q}.audit_chainhead SET retained_from = %s, anchor_hash = %s "  # noqa: S608 - identifiers quoted by _ident # nosec B608
                "WHERE id = 1 AND retained_from < %s",
                [row[0], row[1], row[0]],
            )
        for name in doomed:
            cursor.execute(f"DROP TABLE {q}.{ident(name)}")
    return doomed


def template_partitions_keep(*, schema: str, now: datetime | None = None) -> dict:
    """The clone template's log (settings.TENANT_BASE_SCHEMA): this month and the next, and
    no other month. Every partition of the template is copied into each new organization, and
    the template is never written to, so months it passed would pile up in every clone. A
    month holding entries (none should) is left to retention."""
    from django.conf import settings

    if schema != settings.TENANT_BASE_SCHEMA:
        raise ValueError(f"{schema} is not the clone template")
    now = (now or timezone.now()).astimezone(UTC)
    created = partitions_ensure(schema=schema, months_ahead=NEW_SCHEMA_MONTHS_AHEAD, now=now)
    kept = {partition_name(_month(now.year, now.month + offset)) for offset in range(NEW_SCHEMA_MONTHS_AHEAD + 1)}
    dropped = []
    q = ident(schema)
    with as_owner(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '5s'")
        for name, _start, _end in partitions(schema=schema):
            if name in kept:
                continue
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {q}.{ident(name)})")  # noqa: S608 - identifiers quoted by _ident # nosec B608
            if not cursor.fetchone()[0]:
                cursor.execute(f"DROP TABLE {q}.{ident(name)}")
                dropped.append(name)
    return {"created": created, "dropped": dropped}


def maintain(*, schema: str | None = None, retention_years: int | None, now: datetime | None = None) -> dict:
    """The daily job for one schema: months ahead, then retention (the clone template: its
    two months, see template_partitions_keep())."""
    from django.conf import settings

    schema = _schema(schema)
    if schema == settings.TENANT_BASE_SCHEMA:
        return template_partitions_keep(schema=schema, now=now)
    created = partitions_ensure(schema=schema, now=now)
    dropped = []
    if retention_years:
        # Dropping months is the owner's alone: the app role can add to the log, never remove.
        with as_owner():
            dropped = retention_apply(schema=schema, years=retention_years, now=now)
    return {"created": created, "dropped": dropped}


# --- the hash chain ----------------------------------------------------------------------------


@dataclass
class ChainReport:
    schema: str
    checked: int
    broken_at: int | None = None
    reason: str = ""
    anchors: int = 0  # how many anchors the chain was checked against

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def chain_verify(
    *, schema: str | None = None, batch: int = 5000, anchors: Sequence[Anchor] = (), now: datetime | None = None
) -> ChainReport:
    """Recompute every entry's hash and check each links to the one before; with `anchors`
    (apps.audit.anchors, this schema's), also that each anchored entry still has the hash it
    had when anchored and that the chain reaches the newest anchor.

    One statement reads the chain head and every entry, so they come from one snapshot:
    entries committed meanwhile neither break nor join the check. The hash is recomputed by
    PostgreSQL exactly as the insert trigger computed it (`starline_audit_digest` over the
    row as JSON, timestamps in UTC). The links alone cannot show a rewrite by the table's
    owner that recomputed every later hash and the head; the anchors, kept outside the
    database, can.
    """
    schema = _schema(schema)
    q = ident(schema)
    report = ChainReport(schema=schema, checked=0, anchors=len(anchors))
    pinned: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        pinned.setdefault(anchor.entry, []).append(anchor)
    found: set[int] = set()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL timezone = 'UTC'")
        previous: tuple[int, str] | None = None
        head = None
        with connection.chunked_cursor() as rows:
            rows.execute(
                f"""
                SELECT h.last_id, h.last_hash, h.retained_from, h.anchor_hash,
                       e.id, e.prev_hash, e.hash, public.starline_audit_digest(to_jsonb(e))
                FROM {q}.audit_chainhead h LEFT JOIN {q}.{ident(TABLE)} e ON true
                WHERE h.id = 1 ORDER BY e.id
                """  # noqa: S608 - identifiers quoted by _ident # nosec B608
            )
            while chunk := rows.fetchmany(batch):
                for last_id, last_hash, retained_from, anchor_hash, entry_id, prev_hash, stored, computed in chunk:
                    head = (last_id, last_hash, retained_from, anchor_hash)
                    if entry_id is None:
                        continue  # an empty log
                    report.checked += 1
                    problem = _link_problem(entry_id, prev_hash, previous, retained_from, anchor_hash)
                    if stored != computed:
                        problem = "its content does not match its hash (edited after it was written)"
                    if not problem and entry_id in pinned:
                        found.add(entry_id)
                        problem = _anchor_problem(stored, pinned[entry_id])
                    if problem:
                        report.broken_at, report.reason = entry_id, problem
                        return report
                    previous = (entry_id, stored)
    if head is None:
        report.broken_at, report.reason = 0, "the chain head is missing"
        return report
    last_id, last_hash, retained_from, _anchor = head
    end = max(previous[0], retained_from) if previous else retained_from
    if last_id > end:
        report.broken_at = end + 1
        report.reason = f"entries {end + 1}–{last_id} are missing (the chain ends at {last_id})"
    elif previous and previous[0] == last_id and previous[1] != last_hash:
        report.broken_at, report.reason = last_id, "the chain head does not match the last entry"
    elif anchors:
        _check_missing_anchored(report, schema, pinned, found, head, now)
    return report


def _anchor_problem(stored: str, anchors: list[Anchor]) -> str:
    for anchor in anchors:
        if stored != anchor.hash:
            return (
                f"its hash is not the one in {anchor.describe()}: "
                "the log up to this entry was rewritten after it was anchored"
            )
    return ""


def _check_missing_anchored(report, schema, pinned, found, head, now) -> None:
    """Anchored entries the scan did not meet: beyond the chain's end (the newest entries
    were removed and the head rewound), or removed from the middle. Only retention may
    remove entries, and only as it does: whole months, the oldest first, none younger than
    the shortest retention an organization may choose, with the head recording the last
    entry removed and its hash."""
    last_id, _last_hash, retained_from, anchor_hash = head
    newest = max((a for group in pinned.values() for a in group), key=lambda a: a.entry)
    if newest.entry > last_id:
        report.broken_at = newest.entry
        report.reason = f"the chain ends at entry {last_id}, before entry {newest.entry} of {newest.describe()}"
        return
    oldest_kept = None
    for entry in sorted(set(pinned) - found):
        anchor = pinned[entry][0]
        if entry == retained_from and anchor_hash != anchor.hash:
            report.broken_at = entry
            report.reason = f"the start of the kept log does not match {anchor.describe()}"
            return
        if oldest_kept is None:
            kept = partitions(schema=schema)
            oldest_kept = kept[0][1] if kept else datetime.max.replace(tzinfo=UTC)
        cutoff = _years_before((now or timezone.now()).astimezone(UTC), DEFAULT_RETENTION_YEARS)
        by_retention = (
            entry <= retained_from
            and anchor.entry_time is not None
            and anchor.entry_time < oldest_kept
            and anchor.entry_time < cutoff
        )
        if not by_retention:
            report.broken_at = entry
            report.reason = f"the entry is missing, though {anchor.describe()} pinned it (not removed by retention)"
            return


def _link_problem(entry_id, prev_hash, previous, retained_from, anchor_hash) -> str:
    if previous is not None and entry_id == previous[0]:
        return f"entry {entry_id} appears twice"
    if previous is not None and entry_id == previous[0] + 1:
        return "" if prev_hash == previous[1] else f"it does not link to entry {previous[0]}"
    if entry_id <= retained_from:
        return ""  # older than the retention mark: its predecessors may have been dropped
    if entry_id == retained_from + 1:
        expected = anchor_hash if retained_from else ""
        return "" if prev_hash == expected else "it does not link to the start of the kept log"
    missing_from = previous[0] + 1 if previous is not None and previous[0] >= retained_from else retained_from + 1
    return f"entries {missing_from}–{entry_id - 1} before it are missing"


def chain_verify_all(*, anchors: dict[str, list[Anchor]] | None = None) -> list[ChainReport]:
    """Every schema's chain; `anchors` by schema (apps.audit.anchors.by_schema)."""
    from apps.audit.anchors import schemas

    return [chain_verify(schema=name, anchors=(anchors or {}).get(name, ())) for name in schemas()]
