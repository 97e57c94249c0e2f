"""Export one organization to a portable archive (apps/tenants/moving/archive.py).

Rows leave through COPY over the application's own connection, so the archive does not
depend on a pg_dump matching the server's version, and from one snapshot (REPEATABLE READ):
the tables, the audit chain's head and its entries agree with each other even while the
organization keeps working.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import UTC
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.tenants.models import Organization
from apps.tenants.moving import archive, blobs, catalog, rows

# What the importing side recreates the organization from (its schema, subdomain and
# domains are the new one's).
ORGANIZATION_FIELDS = (
    "name",
    "contact_email",
    "contact_phone",
    "address",
    "timezone",
    "primary_color",
    "secondary_color",
    "font_family",
    "settings",
    "feature_flags",
    "billing_settings",
)
BRANDING_FIELDS = ("logo", "favicon")
# Tables whose rows stay behind. A live session is a credential, not a record: whoever held a
# cookie of the old host would be signed in on the new one. People sign in again there.
LEFT_BEHIND = {"django_session": "live sessions are credentials; people sign in again after the move"}


def starline_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _copy_out(schema: str, table: dict[str, Any]) -> Iterator[bytes]:
    columns = ", ".join(catalog.ident(c) for c in table["columns"])
    # A SELECT reads a partitioned table through its parent (COPY of the parent itself cannot).
    query = f"COPY (SELECT {columns} FROM {catalog.ident(schema)}.{catalog.ident(table['name'])}) TO STDOUT"  # noqa: S608 - identifiers from the catalog, quoted # nosec B608
    with connection.cursor() as cursor, cursor.cursor.copy(query) as copy:
        for data in copy:
            yield bytes(data)


def _counted(chunks: Iterator[bytes], counter: list[int]) -> Iterator[bytes]:
    for chunk in chunks:
        counter[0] += chunk.count(b"\n")
        yield chunk


def organization_export(*, organization: Organization, path: str, passphrase: str, log=None) -> dict[str, Any]:
    """Write the archive at `path`; returns its manifest. A failure leaves no file."""
    if organization.is_system:
        raise archive.ArchiveError("The platform's own schemas are not organizations and cannot be exported.")
    writer = archive.Writer(path, passphrase=passphrase)
    try:
        manifest = _export(organization, writer, log or (lambda message: None))
        writer.close(manifest)
    except BaseException:
        writer.abort()
        Path(path).unlink(missing_ok=True)
        raise
    return manifest


def _export(organization: Organization, writer: archive.Writer, log) -> dict[str, Any]:
    schema = organization.schema_name
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0]
        encrypted = rows.encrypted_columns()
        tables = []
        for table in catalog.tables(schema):
            member = f"tables/{table['name']}"
            counter = [0]
            chunks = _counted(iter(()) if table["name"] in LEFT_BEHIND else _copy_out(schema, table), counter)
            convert = rows.converter(table["columns"], encrypted.get(table["name"], {}), rows.REVEAL)
            if convert is not None:
                chunks = rows.lines_through(chunks, convert)
            written = writer.member(member, chunks)
            left = {"left_behind": LEFT_BEHIND[table["name"]]} if table["name"] in LEFT_BEHIND else {}
            tables.append({**table, "member": member, "rows": counter[0], **written, **left})
            log(f"{table['name']}: {counter[0]} rows")
        files = []
        with organization:
            for provider in blobs.providers():
                for name, opener in provider.export_blobs():
                    files.append(_blob(writer, f"blobs/{provider.KIND}/{name}", provider.KIND, name, opener, log))
        for field in BRANDING_FIELDS:
            stored = getattr(organization, field)
            if stored:
                opener = partial(blobs._read, stored.storage, stored.name)
                entry = _blob(writer, f"organization/{field}", "organization", field, opener, log)
                files.append({**entry, "suffix": stored.name.rsplit(".", 1)[-1][:8] if "." in stored.name else ""})
        manifest = {
            "format": archive.FORMAT,
            "starline_version": starline_version(),
            "exported_at": timezone.now().astimezone(UTC).isoformat(),
            "postgresql": server_version,
            "source": {"schema": schema, "subdomain": organization.subdomain, "organization_id": str(organization.pk)},
            "organization": {field: getattr(organization, field) for field in ORGANIZATION_FIELDS},
            "migrations": catalog.applied_migrations(schema),
            "tables": tables,
            "partitions": catalog.partitions(schema),
            "sequences": catalog.sequences(schema),
            "files": files,
            "encrypted_columns": {t: c for t, c in encrypted.items() if any(x["name"] == t for x in tables)},
        }
    return manifest


def _blob(writer: archive.Writer, member: str, kind: str, name: str, opener, log) -> dict[str, Any]:
    try:
        written = writer.member(member, opener())
    except blobs.Missing as exc:
        # The zip keeps the partial member, unnamed by the manifest and never read.
        log(f"{member}: could not be read ({exc}); recorded as missing")
        return {"kind": kind, "name": name, "member": None, "missing": str(exc)}
    return {"kind": kind, "name": name, "member": member, **written}
