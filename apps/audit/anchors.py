"""Anchors: each schema's chain head (entry number and hash) recorded outside the database.

The hash chain shows an entry edited or removed by anyone who cannot recompute the hashes.
The table's owner can: switch the append-only trigger off, edit, recompute every later hash
and the head, and the chain verifies again. An anchor written where the database cannot
reach it afterwards pins the hash an entry had on that day, so such a rewrite no longer
matches (services.chain_verify(anchors=...)).

Where anchors go, in order of preference:
- `AUDIT_ANCHOR_BUCKET`: an S3 bucket with Object Lock. One object per anchor, put with a
  retention (`AUDIT_ANCHOR_LOCK_MODE`, `AUDIT_ANCHOR_RETAIN_DAYS`) and only if the key is new.
  The key itself carries the anchor, so checking needs one listing per thousand anchors, and
  the listing is of every version: a delete only hides the current version behind a marker,
  an overwrite only adds a version, and the locked version stays and is still read.
- `AUDIT_ANCHOR_PATH`: a local file (development) opened for appending only, one JSON line
  per anchor; the code never rewrites it. On a server, `chattr +a` makes the kernel enforce it.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from apps.core.tenancy import use_public_schema

logger = logging.getLogger(__name__)


class AnchorError(Exception):
    """The anchors could not be written or read (a bucket without object lock, a damaged line)."""


@dataclass(frozen=True)
class Anchor:
    schema: str
    entry: int  # the chain head's entry number when anchored
    hash: str  # that entry's hash
    entry_time: datetime | None  # its timestamp: retention drops entries by month
    anchored_at: datetime

    def describe(self) -> str:
        return f"the anchor of {self.anchored_at:%Y-%m-%d %H:%M} UTC (entry {self.entry}, hash {self.hash[:12]}…)"

    def as_json(self) -> str:
        data = asdict(self)
        data["entry_time"] = self.entry_time.isoformat() if self.entry_time else None
        data["anchored_at"] = self.anchored_at.isoformat()
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Anchor:
        data = json.loads(text)
        return cls(
            schema=str(data["schema"]),
            entry=int(data["entry"]),
            hash=str(data["hash"]),
            entry_time=datetime.fromisoformat(data["entry_time"]) if data.get("entry_time") else None,
            anchored_at=datetime.fromisoformat(data["anchored_at"]),
        )


# --- where anchors are kept ------------------------------------------------------------------


class LocalFileStore:
    def __init__(self, path: Path):
        self.path = path

    def __str__(self) -> str:
        return f"file {self.path}"

    def write(self, anchor: Anchor) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # O_APPEND without O_TRUNC: every write lands at the end, whatever else has the file
        # open; one write() per line keeps lines whole.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (anchor.as_json() + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self, schema: str | None = None) -> list[Anchor]:
        if not self.path.exists():
            return []
        found = []
        with self.path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    anchor = Anchor.from_json(line)
                except (ValueError, KeyError, TypeError) as exc:
                    raise AnchorError(f"{self.path} line {number} is not an anchor: {exc}") from exc
                if schema is None or anchor.schema == schema:
                    found.append(anchor)
        return found


# schema/<entry, 20 digits>-<hash>-<entry's time>-<anchored at>.json, times as 20261206T053000123456Z
_KEY = re.compile(
    r"^(?P<schema>[^/]+)/(?P<entry>\d{20})-(?P<hash>[0-9a-f]{64})-(?P<time>\d{8}T\d{12}Z|none)-(?P<at>\d{8}T\d{12}Z)\.json$"
)
_KEY_TIME = "%Y%m%dT%H%M%S%fZ"


def _key_time(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime(_KEY_TIME) if moment else "none"


def _parse_key_time(text: str) -> datetime | None:
    return None if text == "none" else datetime.strptime(text, _KEY_TIME).replace(tzinfo=UTC)


class S3Store:
    def __init__(self, bucket: str, prefix: str = "", mode: str = "COMPLIANCE", retain_days: int = 2557):
        self.bucket, self.prefix, self.mode, self.retain_days = bucket, prefix, mode, retain_days

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def _client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=settings.AWS_S3_ENDPOINT_URL or None, region_name=settings.AWS_S3_REGION_NAME
        )

    def key(self, anchor: Anchor) -> str:
        times = f"{_key_time(anchor.entry_time)}-{_key_time(anchor.anchored_at)}"
        return f"{self.prefix}{anchor.schema}/{anchor.entry:020d}-{anchor.hash}-{times}.json"

    def write(self, anchor: Anchor) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client().put_object(
                Bucket=self.bucket,
                Key=self.key(anchor),
                Body=(anchor.as_json() + "\n").encode(),
                ContentType="application/json",
                # Never replace an anchor: S3 refuses the put when the key exists.
                IfNoneMatch="*",
                ObjectLockMode=self.mode,
                ObjectLockRetainUntilDate=anchor.anchored_at + timedelta(days=self.retain_days),
            )
        except (BotoCoreError, ClientError) as exc:
            raise AnchorError(f"could not write the anchor to {self}: {exc}") from exc

    def read(self, schema: str | None = None) -> list[Anchor]:
        from botocore.exceptions import BotoCoreError, ClientError

        prefix = self.prefix + (f"{schema}/" if schema else "")
        keys: set[str] = set()
        try:
            pages = self._client().get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                # Versions, not the plain listing: a delete marker hides a key from that.
                keys.update(version["Key"] for version in page.get("Versions", []))
        except (BotoCoreError, ClientError) as exc:
            raise AnchorError(f"could not list the anchors in {self}: {exc}") from exc
        found = []
        for key in sorted(keys):
            match = _KEY.match(key[len(self.prefix) :])
            if match is None:
                continue  # not ours: another object under the prefix
            found.append(
                Anchor(
                    schema=match["schema"],
                    entry=int(match["entry"]),
                    hash=match["hash"],
                    entry_time=_parse_key_time(match["time"]),
                    anchored_at=datetime.strptime(match["at"], _KEY_TIME).replace(tzinfo=UTC),
                )
            )
        return found


def store() -> LocalFileStore | S3Store | None:
    """The configured anchor location, or None when there is none (the test settings)."""
    if settings.AUDIT_ANCHOR_BUCKET:
        return S3Store(
            settings.AUDIT_ANCHOR_BUCKET,
            prefix=settings.AUDIT_ANCHOR_PREFIX,
            mode=settings.AUDIT_ANCHOR_LOCK_MODE,
            retain_days=settings.AUDIT_ANCHOR_RETAIN_DAYS,
        )
    if settings.AUDIT_ANCHOR_PATH:
        return LocalFileStore(Path(settings.AUDIT_ANCHOR_PATH))
    return None


def by_schema(anchors: Iterable[Anchor]) -> dict[str, list[Anchor]]:
    grouped: dict[str, list[Anchor]] = {}
    for anchor in sorted(anchors, key=lambda a: (a.schema, a.entry, a.anchored_at)):
        grouped.setdefault(anchor.schema, []).append(anchor)
    return grouped


# --- anchoring ---------------------------------------------------------------------------------


def head(schema: str, *, now: datetime | None = None) -> Anchor | None:
    """The schema's chain head as an anchor, or None while its log is empty (nothing to pin)."""
    q = connection.ops.quote_name(schema)
    with connection.cursor() as cursor:
        # The head and its entry's timestamp in one statement: one snapshot.
        cursor.execute(
            # bandit B608: the schema is quoted by _ident, the table names are fixed.
            f"SELECT h.last_id, h.last_hash, e.timestamp FROM {q}.audit_chainhead h"  # noqa: S608 # nosec B608
            f" LEFT JOIN {q}.audit_logentry e ON e.id = h.last_id WHERE h.id = 1"
        )
        row = cursor.fetchone()
    if row is None or not row[0]:
        return None
    return Anchor(
        schema=schema, entry=row[0], hash=row[1], entry_time=row[2], anchored_at=(now or timezone.now()).astimezone(UTC)
    )


def schemas() -> list[str]:
    """Every schema with an audit log: the platform's and each organization's (as checked)."""
    from apps.tenants.models import Organization

    return ["public", *Organization.objects.exclude(schema_name="public").values_list("schema_name", flat=True)]


def anchor_all(*, schema: str | None = None, now: datetime | None = None) -> dict[str, Anchor | str | None]:
    """Write every schema's head to the anchor store. Keyed by schema: the anchor written,
    None for an empty log, or the error's text; one schema's failure does not stop the others."""
    target = store()
    if target is None:
        raise AnchorError("No anchor location is configured (AUDIT_ANCHOR_BUCKET or AUDIT_ANCHOR_PATH).")
    use_public_schema()
    results: dict[str, Anchor | str | None] = {}
    for name in [schema] if schema else schemas():
        try:
            anchor = head(name, now=now)
            if anchor is not None:
                target.write(anchor)
            results[name] = anchor
        except (AnchorError, DatabaseError) as exc:
            logger.exception("audit anchor failed for %s", name)
            results[name] = str(exc)
    return results
