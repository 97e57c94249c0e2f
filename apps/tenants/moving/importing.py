"""Restore an archive (apps/tenants/moving/archive.py) as a new organization.

The new organization is provisioned as any other (schema cloned from the template, its
subdomain's domain, the coming months' audit partitions), then emptied and filled with the
archive's rows, all in one transaction with the schema itself: PostgreSQL's DDL is
transactional, so a failure (a checksum that does not match, a row the constraints refuse,
an audit chain that does not verify) leaves no row, no schema and no domain. Files are
stored as they are read; a failure removes the ones already stored.

Rows are loaded with the schema's own triggers off: the audit log's would renumber and
rehash the entries (they are copied as they were, so the chain verifies as it did), and the
table versions' would fire once per table for nothing. Encrypted columns are encrypted with
this deployment's keys on the way in (rows.py).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from apps.core.db.roles import as_owner
from apps.core.tenancy import tenant_connection
from apps.tenants import services
from apps.tenants.models import Organization
from apps.tenants.moving import archive, blobs, catalog, exporting, rows
from apps.tenants.moving.archive import ArchiveError

logger = logging.getLogger(__name__)


def organization_import(
    *, path: str, subdomain: str, passphrase: str, name: str | None = None, log=None
) -> Organization:
    reader = archive.Reader(path, passphrase=passphrase)
    try:
        manifest = reader.manifest
        if not isinstance(manifest, dict) or manifest.get("format") != archive.FORMAT:
            raise ArchiveError("The archive's manifest is not a Starline organization manifest.")
        _check_migrations(manifest)
        with as_owner():
            return _import(reader, manifest, subdomain=subdomain, name=name, log=log or (lambda message: None))
    finally:
        reader.close()


def _check_migrations(manifest: dict[str, Any]) -> None:
    """Refuse data from a Starline newer than this one: its tables may have columns this code
    does not know, and nothing here could migrate them back."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {tuple(m) for m in manifest.get("migrations", [])}
    newer = sorted(archived - known)
    if newer:
        listed = ", ".join(f"{app}.{migration}" for app, migration in newer[:5])
        more = f" and {len(newer) - 5} more" if len(newer) > 5 else ""
        raise ArchiveError(
            f"The archive comes from a newer Starline ({manifest.get('starline_version')}): its data has "
            f"migrations this code does not have ({listed}{more}). Upgrade this deployment first."
        )


def _import(reader: archive.Reader, manifest: dict[str, Any], *, subdomain: str, name: str | None, log):
    undo: list = []
    try:
        with transaction.atomic():
            organization = _create(manifest, subdomain=subdomain, name=name)
            schema = organization.schema_name
            _check_structure(manifest, schema)
            _load_rows(reader, manifest, schema, log)
            with organization:
                for provider in blobs.providers():
                    entries = [f for f in manifest["files"] if f["kind"] == provider.KIND]
                    provider.import_blobs(
                        entries=entries, open_member=partial_checked(reader), schema=schema, undo=undo
                    )
            tenant_connection().set_schema_to_public()
            _branding(reader, manifest, organization, undo)
            _verify_audit_chain(schema)
    except BaseException:
        for remove in reversed(undo):
            try:
                remove()
            except Exception:
                logger.exception("import: could not remove a file stored before the import failed")
        raise
    finally:
        tenant_connection().set_schema_to_public()
    return organization


def partial_checked(reader: archive.Reader):
    def open_member(entry: dict[str, Any]) -> Iterator[bytes]:
        return reader.checked(entry["member"], sha256=entry["sha256"], size=entry["size"])

    return open_member


def _create(manifest: dict[str, Any], *, subdomain: str, name: str | None) -> Organization:
    fields = {k: v for k, v in manifest.get("organization", {}).items() if k in exporting.ORGANIZATION_FIELDS}
    fields.pop("name", None)
    contact_email = fields.pop("contact_email", "")
    try:
        return services.organization_create(
            name=name or manifest.get("organization", {}).get("name", ""),
            subdomain=subdomain,
            contact_email=contact_email,
            admin_email=None,
            **fields,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
        raise ArchiveError(f"The organization cannot be created: {problems}") from None


def _check_structure(manifest: dict[str, Any], schema: str) -> None:
    """The new schema (this code's) and the archive must have the same migrations, tables
    and columns: an archive from an older Starline is migrated at its source first."""
    here = {tuple(m) for m in catalog.applied_migrations(schema)}
    archived = {tuple(m) for m in manifest["migrations"]}
    older = sorted(here - archived)
    if older:
        listed = ", ".join(f"{app}.{migration}" for app, migration in older[:5])
        raise ArchiveError(
            f"The archive comes from an older Starline ({manifest.get('starline_version')}): it lacks migrations "
            f"this code has ({listed}{' …' if len(older) > 5 else ''}). Upgrade the source, migrate and export again."
        )
    tables = {t["name"]: t["columns"] for t in catalog.tables(schema)}
    for table in manifest["tables"]:
        if tables.get(table["name"]) is None:
            raise ArchiveError(f"The archive has a table this Starline does not: {table['name']}.")
        if sorted(tables[table["name"]]) != sorted(table["columns"]):
            raise ArchiveError(f"The archive's table {table['name']} has other columns than this Starline's.")


def _load_rows(reader: archive.Reader, manifest: dict[str, Any], schema: str, log) -> None:
    q = catalog.ident(schema)
    encrypted = rows.encrypted_columns()
    with connection.cursor() as cursor:
        for partition in manifest["partitions"]:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {q}.{catalog.ident(partition['name'])} "
                f"PARTITION OF {q}.{catalog.ident(partition['parent'])} {partition['bound']}"
            )
        relations = [t["name"] for t in catalog.tables(schema)] + [p["name"] for p in catalog.partitions(schema)]
        for relation in relations:
            cursor.execute(f"ALTER TABLE {q}.{catalog.ident(relation)} DISABLE TRIGGER USER")
        # What provisioning put there (roles, the chain head) gives way to the archive's.
        present = [t["name"] for t in catalog.tables(schema)]
        cursor.execute("TRUNCATE " + ", ".join(f"{q}.{catalog.ident(t)}" for t in present))
        for table in manifest["tables"]:
            columns = ", ".join(catalog.ident(c) for c in table["columns"])
            chunks = reader.checked(table["member"], sha256=table["sha256"], size=table["size"])
            convert = rows.converter(table["columns"], encrypted.get(table["name"], {}), rows.SEAL)
            if convert is not None:
                chunks = rows.lines_through(chunks, convert)
            try:
                with cursor.cursor.copy(f"COPY {q}.{catalog.ident(table['name'])} ({columns}) FROM STDIN") as copy:
                    for chunk in chunks:
                        copy.write(chunk)
            except DatabaseError as exc:
                raise ArchiveError(f"The rows of {table['name']} could not be loaded: {exc}") from exc
            except ValueError as exc:
                raise ArchiveError(f"The rows of {table['name']} could not be read: {exc}") from exc
            log(f"{table['name']}: {table['rows']} rows")
        for sequence in manifest["sequences"]:
            name = f"{q}.{catalog.ident(sequence['name'])}"
            if sequence["last_value"] is None:
                cursor.execute(f"ALTER SEQUENCE {name} RESTART")
            else:
                cursor.execute("SELECT setval(%s, %s, true)", [name, sequence["last_value"]])
        _sequences_past_their_columns(cursor, schema)
        # The foreign keys are checked now (a table cannot be altered with checks pending),
        # then left deferred again as Django declares them.
        try:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        except DatabaseError as exc:
            raise ArchiveError(f"The archive's rows do not hold together: {exc}") from exc
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for relation in relations:
            cursor.execute(f"ALTER TABLE {q}.{catalog.ident(relation)} ENABLE TRIGGER USER")
        cursor.execute("SELECT to_regclass(%s)", [f"{q}.core_tableversion"])
        if cursor.fetchone()[0] is not None:
            # Fresh numbers from this cluster's sequence: page caches never take an imported
            # version for one of theirs.
            cursor.execute(f"UPDATE {q}.core_tableversion SET version = nextval('public.starline_version_seq')")  # noqa: S608 - identifier quoted # nosec B608


def _sequences_past_their_columns(cursor, schema: str) -> None:
    """An identity's next value beyond every id loaded, whatever the archive said of its
    sequence (a role without rights on a sequence reads its last value as NULL)."""
    cursor.execute(
        """
        SELECT s.relname, t.relname, a.attname FROM pg_class s
        JOIN pg_namespace n ON n.oid = s.relnamespace
        JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
             AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE n.nspname = %s AND s.relkind = 'S'
        """,
        [schema],
    )
    q = catalog.ident(schema)
    for sequence, table, column in cursor.fetchall():
        name = f"{q}.{catalog.ident(sequence)}"
        cursor.execute(f"SELECT max({catalog.ident(column)}) FROM {q}.{catalog.ident(table)}")  # noqa: S608 - identifiers from the catalog, quoted # nosec B608
        highest = cursor.fetchone()[0]
        cursor.execute(f"SELECT last_value, is_called FROM {name}")  # noqa: S608 - identifiers from the catalog, quoted # nosec B608
        last, called = cursor.fetchone()
        if highest is not None and (highest > last or (highest == last and not called)):
            cursor.execute("SELECT setval(%s, %s, true)", [name, highest])


def _branding(reader: archive.Reader, manifest: dict[str, Any], organization: Organization, undo: list) -> None:
    changed = []
    for entry in manifest["files"]:
        if entry["kind"] != "organization" or entry.get("missing") or entry["name"] not in exporting.BRANDING_FIELDS:
            continue
        data = b"".join(reader.checked(entry["member"], sha256=entry["sha256"], size=entry["size"]))
        field = getattr(organization, entry["name"])
        field.save(f"{entry['name']}.{entry.get('suffix') or 'png'}", ContentFile(data), save=False)
        undo.append(lambda storage=field.storage, stored=field.name: storage.delete(stored))
        changed.append(entry["name"])
    if changed:
        organization.save(update_fields=[*changed, "updated_at"])


def _verify_audit_chain(schema: str) -> None:
    """The copied log must verify as it did at the source; if not, nothing is kept."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{catalog.ident(schema)}.audit_logentry"])
        if cursor.fetchone()[0] is None:
            return
    try:
        call_command("verify_audit_chain", schema=schema, stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as exc:
        raise ArchiveError(f"The imported audit log does not verify: {exc}") from exc
