"""Anchored chains: each schema's chain head recorded outside the database, so a rewrite by
the table's owner (every hash recomputed, the head too) is found by verify_audit_chain."""

import json
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from apps.accounts.models import Role
from apps.audit import anchors, services, tasks
from apps.audit.models import ChainHead, LogEntry
from apps.core.tenancy import use_public_schema


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_BUCKET = ""
    settings.AUDIT_ANCHOR_PATH = str(tmp_path / "anchors" / "anchors.jsonl")
    return tmp_path / "anchors" / "anchors.jsonl"


def _write_entries(organization, count=3):
    with organization:
        role = Role.objects.get(name="Nurse")
        for n in range(count):
            role.description = f"Version {uuid.uuid4().hex[:6]} {n}"
            role.save(update_fields=["description"])


def _entry_at(moment):
    role = Role.objects.get(name="Nurse")
    LogEntry.objects.create(
        timestamp=moment,
        action=LogEntry.Action.UPDATE,
        content_type=ContentType.objects.get_for_model(Role),
        object_pk=str(role.pk),
        object_repr=str(role),
        changes={"description": ["a", "b"]},
    )


def _anchor(organization) -> anchors.Anchor:
    result = anchors.anchor_all(schema=organization.schema_name)[organization.schema_name]
    assert isinstance(result, anchors.Anchor)
    return result


def _read(organization):
    store = anchors.store()
    assert store is not None
    return store.read(organization.schema_name)


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _rewrite_consistently(entry_id, forged_repr, *, links_to=None):
    """What the table's owner (here the test's superuser) can do: switch the append-only
    trigger off, change an entry (or what it links to), recompute every later hash with the
    database's own digest and move the head's hash along, so that every link holds again."""
    _sql("SET LOCAL timezone = 'UTC'")  # as the chain trigger hashes
    _sql("ALTER TABLE audit_logentry DISABLE TRIGGER audit_entry_append_only")
    _sql("UPDATE audit_logentry SET object_repr = %s WHERE id = %s", [forged_repr, entry_id])
    [(previous,)] = _sql("SELECT prev_hash FROM audit_logentry WHERE id = %s", [entry_id])
    previous = links_to if links_to is not None else previous
    for (later,) in _sql("SELECT id FROM audit_logentry WHERE id >= %s ORDER BY id", [entry_id]):
        _sql("UPDATE audit_logentry SET prev_hash = %s WHERE id = %s", [previous, later])
        [(previous,)] = _sql(
            "UPDATE audit_logentry SET hash = public.starline_audit_digest(to_jsonb(audit_logentry)) "
            "WHERE id = %s RETURNING hash",
            [later],
        )
    _sql("UPDATE audit_chainhead SET last_hash = %s WHERE id = 1", [previous])
    _sql("ALTER TABLE audit_logentry ENABLE TRIGGER audit_entry_append_only")


def _remove_as_owner(*statements):
    _sql("ALTER TABLE audit_logentry DISABLE TRIGGER audit_entry_append_only")
    _sql("ALTER TABLE audit_chainhead DISABLE TRIGGER audit_chainhead_guard")
    for sql, params in statements:
        _sql(sql, params)
    _sql("ALTER TABLE audit_chainhead ENABLE TRIGGER audit_chainhead_guard")
    _sql("ALTER TABLE audit_logentry ENABLE TRIGGER audit_entry_append_only")


# --- the local append-only file --------------------------------------------------------------


def test_anchoring_appends_one_json_line_per_schema_and_never_rewrites_the_file(org_a, anchor_file):
    _write_entries(org_a, 2)
    first = _anchor(org_a)
    with org_a:
        head = ChainHead.objects.get()
    assert (first.schema, first.entry, first.hash) == (org_a.schema_name, head.last_id, head.last_hash)
    written = anchor_file.read_bytes()
    assert json.loads(written)["entry"] == head.last_id and written.endswith(b"\n")

    _write_entries(org_a, 1)
    second = _anchor(org_a)
    content = anchor_file.read_bytes()
    assert content.startswith(written)  # the first line is untouched; the second follows it
    assert len(content.splitlines()) == 2 and second.entry == first.entry + 1
    assert _read(org_a) == [first, second]
    assert oct(anchor_file.stat().st_mode & 0o777) == "0o600"


def test_an_untouched_chain_passes_with_its_anchors(org_a, anchor_file, capsys):
    _write_entries(org_a, 2)
    _anchor(org_a)
    _write_entries(org_a, 2)
    _anchor(org_a)
    _write_entries(org_a, 1)
    with org_a:
        report = services.chain_verify(anchors=_read(org_a))
    assert report.intact and report.anchors == 2, report.reason
    call_command("verify_audit_chain", schema=org_a.schema_name)
    assert "intact" in (out := capsys.readouterr().out) and "2 anchors matched" in out


def test_a_consistent_rewrite_by_the_owner_passes_the_chain_but_not_its_anchors(org_a, anchor_file, capsys):
    _write_entries(org_a, 4)
    anchored = _anchor(org_a)
    _write_entries(org_a, 2)
    with org_a:
        target = anchored.entry - 2
        _rewrite_consistently(target, "Someone else")
        assert LogEntry.objects.get(id=target).object_repr == "Someone else"
        # Every link holds: without anchors the rewrite cannot be seen.
        plain = services.chain_verify()
        assert plain.intact, plain.reason
        report = services.chain_verify(anchors=_read(org_a))
    assert report.broken_at == anchored.entry
    assert "is not the one in the anchor of" in report.reason and anchored.hash[:12] in report.reason
    with pytest.raises(CommandError, match=f"at entry {anchored.entry}"):
        call_command("verify_audit_chain", schema=org_a.schema_name)
    assert f"entry {anchored.entry}" in capsys.readouterr().err


def test_removing_the_newest_entries_and_rewinding_the_head_is_found(org_a, anchor_file):
    _write_entries(org_a, 3)
    kept = _anchor(org_a)
    _write_entries(org_a, 2)
    newest = _anchor(org_a)
    with org_a:
        _remove_as_owner(
            ("DELETE FROM audit_logentry WHERE id > %s", [kept.entry]),
            ("UPDATE audit_chainhead SET last_id = %s, last_hash = %s", [kept.entry, kept.hash]),
        )
        assert services.chain_verify().intact
        report = services.chain_verify(anchors=_read(org_a))
    assert report.broken_at == newest.entry
    assert report.reason.startswith(f"the chain ends at entry {kept.entry}, before entry {newest.entry}")


def test_entries_removed_and_passed_off_as_retention_are_found(org_a, anchor_file):
    _write_entries(org_a, 3)
    anchored = _anchor(org_a)
    _write_entries(org_a, 2)
    with org_a:
        # The head claims retention removed everything up to the anchored entry, and the
        # next entry links to the hash it records: the chain alone agrees.
        _remove_as_owner(
            ("DELETE FROM audit_logentry WHERE id <= %s", [anchored.entry]),
            ("UPDATE audit_chainhead SET retained_from = %s, anchor_hash = %s", [anchored.entry, anchored.hash]),
        )
        assert services.chain_verify().intact
        report = services.chain_verify(anchors=_read(org_a))
    assert report.broken_at == anchored.entry
    assert "missing" in report.reason and "not removed by retention" in report.reason


def test_an_anchored_entry_that_retention_removed_is_no_break(org_a, anchor_file):
    with org_a:
        services.partitions_ensure(now=datetime(2018, 1, 10, tzinfo=UTC), months_ahead=1)
        _entry_at(datetime(2018, 1, 15, tzinfo=UTC))
    old = _anchor(org_a)
    assert old.entry_time == datetime(2018, 1, 15, tzinfo=UTC)
    with org_a:
        _entry_at(datetime(2018, 2, 15, tzinfo=UTC))
        _entry_at(datetime.now(UTC))
        assert services.retention_apply(years=6, now=datetime(2024, 2, 10, tzinfo=UTC)) == ["audit_logentry_p2018_01"]
        assert not LogEntry.objects.filter(id=old.entry).exists()
        # Removed with its month, the oldest, past six years, and the head records its hash.
        report = services.chain_verify(anchors=_read(org_a))
        assert report.intact, report.reason

        # The owner rewrites the kept log from its start, with the head's record of what
        # retention removed to match: the chain agrees, the anchor of the removed entry does not.
        forged = "f" * 64
        _remove_as_owner(("UPDATE audit_chainhead SET anchor_hash = %s", [forged]))
        _rewrite_consistently(old.entry + 1, "Someone else", links_to=forged)
        assert services.chain_verify().intact
        report = services.chain_verify(anchors=_read(org_a))
    assert report.broken_at == old.entry and "start of the kept log does not match the anchor" in report.reason


def test_a_month_dropped_by_hand_is_not_retention(org_a, anchor_file):
    a_year_ago = (datetime.now(UTC) - timedelta(days=365)).replace(day=15, hour=12)
    with org_a:
        services.partitions_ensure(now=a_year_ago, months_ahead=0)
        _entry_at(a_year_ago)
    anchored = _anchor(org_a)
    with org_a:
        _entry_at(datetime.now(UTC))
        # Retention's own code, told it is seven years later: the month is gone and the head
        # says so, but the anchored entry is younger than any organization's retention.
        dropped = services.retention_apply(years=6, now=a_year_ago + timedelta(days=7 * 365))
        assert services.partition_name(a_year_ago) in dropped
        assert services.chain_verify().intact
        report = services.chain_verify(anchors=_read(org_a))
    assert report.broken_at == anchored.entry and "not removed by retention" in report.reason


def test_a_damaged_anchor_file_stops_the_check_with_a_clear_error(org_a, anchor_file):
    _write_entries(org_a, 1)
    _anchor(org_a)
    fd = os.open(anchor_file, os.O_WRONLY | os.O_APPEND)
    os.write(fd, b"not json\n")
    os.close(fd)
    with pytest.raises(CommandError, match="line 2 is not an anchor") as raised:
        call_command("verify_audit_chain", schema=org_a.schema_name)
    assert raised.value.returncode == 2


# --- the daily job ------------------------------------------------------------------------------


def test_the_daily_job_anchors_every_organization_and_the_platform(org_a, org_b, anchor_file, settings):
    _write_entries(org_a, 1)
    _write_entries(org_b, 1)
    use_public_schema()
    LogEntry.objects.create(  # the platform's own log
        action=LogEntry.Action.UPDATE,
        content_type=ContentType.objects.get_for_model(org_a),
        object_pk=str(org_a.pk),
        object_repr=str(org_a),
        changes={"name": ["a", "b"]},
    )

    result = tasks.audit_anchor.apply()
    assert result.successful(), result.traceback

    written = anchors.by_schema(anchors.store().read())
    for schema in {"public", org_a.schema_name, org_b.schema_name}:
        head = anchors.head(schema)
        [anchor] = written[schema]
        assert (anchor.entry, anchor.hash) == (head.entry, head.hash)
    # Every other schema's log is empty (the clone template's always is): nothing to pin.
    assert settings.TENANT_BASE_SCHEMA in anchors.schemas()
    for schema in set(anchors.schemas()) - set(written):
        assert anchors.head(schema) is None


def test_beat_runs_the_anchoring_daily():
    from starline.celery import app

    entry = app.conf.beat_schedule["audit-anchor"]
    assert entry["task"] == tasks.audit_anchor.name
    assert entry["schedule"].remaining_estimate(datetime.now(UTC)) <= timedelta(days=1)


def test_anchoring_with_no_location_is_a_clear_error(settings, db):
    settings.AUDIT_ANCHOR_BUCKET = ""
    settings.AUDIT_ANCHOR_PATH = ""
    with pytest.raises(CommandError, match="No anchor location is configured"):
        call_command("anchor_audit_chains")


# --- S3 with object lock, on moto in server mode -----------------------------------------------


@pytest.fixture
def s3(settings, moto_endpoint, moto_s3):
    """A fresh bucket created with Object Lock on the moto server (root conftest), and the
    settings pointing at it."""
    client = moto_s3
    bucket = f"anchors-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    settings.AUDIT_ANCHOR_BUCKET = bucket
    settings.AUDIT_ANCHOR_PATH = ""
    settings.AWS_S3_ENDPOINT_URL = moto_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    client.bucket = bucket
    return client


def test_anchors_go_to_s3_one_locked_object_each(org_a, s3):
    _write_entries(org_a, 2)
    anchor = _anchor(org_a)
    [listed] = s3.list_objects_v2(Bucket=s3.bucket)["Contents"]
    assert listed["Key"] == anchors.store().key(anchor)
    assert listed["Key"].startswith(f"audit-anchors/{org_a.schema_name}/")
    head = s3.head_object(Bucket=s3.bucket, Key=listed["Key"])
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"] > datetime.now(UTC) + timedelta(days=6 * 365)
    body = s3.get_object(Bucket=s3.bucket, Key=listed["Key"])["Body"].read()
    assert anchors.Anchor.from_json(body) == anchor
    assert _read(org_a) == [anchor]


def test_an_object_locked_anchor_survives_overwrites_and_deletes(org_a, s3):
    from botocore.exceptions import ClientError

    _write_entries(org_a, 4)
    anchor = _anchor(org_a)
    key = anchors.store().key(anchor)
    [original] = s3.list_object_versions(Bucket=s3.bucket)["Versions"]

    # Our own writer never replaces a key…
    with pytest.raises(anchors.AnchorError, match="PreconditionFailed"):
        anchors.store().write(anchor)
    # …and someone who can write to the bucket only adds a version on top,
    s3.put_object(Bucket=s3.bucket, Key=key, Body=b"{}")
    # a delete only hides the key behind a marker,
    s3.delete_object(Bucket=s3.bucket, Key=key)
    assert s3.list_objects_v2(Bucket=s3.bucket)["KeyCount"] == 0
    # and the locked version itself cannot be deleted.
    with pytest.raises(ClientError, match="AccessDenied"):
        s3.delete_object(Bucket=s3.bucket, Key=key, VersionId=original["VersionId"])
    kept = s3.get_object(Bucket=s3.bucket, Key=key, VersionId=original["VersionId"])["Body"].read()
    assert anchors.Anchor.from_json(kept) == anchor

    # The check reads every version, so the hidden anchor still catches a rewrite.
    assert _read(org_a) == [anchor]
    with org_a:
        _rewrite_consistently(anchor.entry - 1, "Someone else")
        assert services.chain_verify().intact
    with pytest.raises(CommandError, match=f"at entry {anchor.entry}"):
        call_command("verify_audit_chain", schema=org_a.schema_name)


def test_a_bucket_without_object_lock_is_refused(org_a, s3, settings):
    settings.AUDIT_ANCHOR_BUCKET = s3.bucket + "-plain"
    s3.create_bucket(Bucket=settings.AUDIT_ANCHOR_BUCKET)
    _write_entries(org_a, 1)
    result = anchors.anchor_all(schema=org_a.schema_name)[org_a.schema_name]
    assert isinstance(result, str) and "ObjectLockConfiguration" in result
    with pytest.raises(CommandError, match=f"Anchoring failed for: {org_a.schema_name}") as raised:
        call_command("anchor_audit_chains", schema=org_a.schema_name)
    assert raised.value.returncode == 1
