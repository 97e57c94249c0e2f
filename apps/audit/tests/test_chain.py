"""Tamper evidence: hashes, links, the append-only trigger and verify_audit_chain."""

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from apps.accounts.models import Role
from apps.audit import services
from apps.audit.models import ChainHead, LogEntry


def _write_entries(organization, count=3):
    with organization:
        role = Role.objects.get(name="Nurse")
        for n in range(count):
            role.description = f"Version {n}"
            role.save(update_fields=["description"])


def _verify(organization):
    call_command("verify_audit_chain", schema=organization.schema_name)


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _behind_the_triggers_back(*statements):
    """What someone with the database owner's rights could do: switch the guard off, edit."""
    _raw("ALTER TABLE audit_logentry DISABLE TRIGGER audit_entry_append_only")
    for sql, params in statements:
        _raw(sql, params)
    _raw("ALTER TABLE audit_logentry ENABLE TRIGGER audit_entry_append_only")


def test_entries_are_numbered_in_order_and_each_links_to_the_one_before(org_a):
    _write_entries(org_a, 3)
    with org_a:
        entries = list(LogEntry.objects.order_by("id"))
        ids = [e.id for e in entries]
        assert ids == list(range(1, len(ids) + 1))
        assert entries[0].prev_hash == ""
        assert all(b.prev_hash == a.hash and len(b.hash) == 64 for a, b in itertools.pairwise(entries))
        head = ChainHead.objects.get()
        assert (head.last_id, head.last_hash) == (entries[-1].id, entries[-1].hash)
        report = services.chain_verify()
        assert report.intact and report.checked == len(entries)
    _verify(org_a)  # exits 0


def test_entries_are_written_with_the_commit_and_dropped_with_a_rollback(org_a, org_b):
    connection.run_before_commit_at_once = False  # as outside tests
    with org_a:
        before = LogEntry.objects.count()
        role = Role.objects.get(name="Nurse")
        role.description = "Kept"
        role.save(update_fields=["description"])
        with pytest.raises(ValueError), transaction.atomic():
            role.description = "Rolled back"
            role.save(update_fields=["description"])
            raise ValueError
        assert LogEntry.objects.count() == before  # nothing written yet: no lock held either
        queued = list(connection._commit_queue)
        assert len(queued) == 1 and f'"{org_a.schema_name}"."audit_logentry"' in queued[0][0]
    with org_b, connection.cursor() as cursor:
        # What COMMIT sends, from whichever schema the connection is in by then.
        cursor.execute(";\n".join(sql for sql, _ in queued), [p for _, params in queued for p in params])
    with org_a:
        entry = LogEntry.objects.order_by("-id").first()
        assert entry.changes["description"][1] == "Kept" and LogEntry.objects.count() == before + 1
        assert services.chain_verify().intact


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE audit_chainhead SET last_id = last_id - 1", "only moves forward"),
        ("UPDATE audit_chainhead SET retained_from = last_id + 5", "only moves forward"),
        ("DELETE FROM audit_chainhead", "only moves forward"),
    ],
)
def test_the_chain_head_only_moves_forward(org_a, statement, message):
    _write_entries(org_a, 2)
    with org_a, pytest.raises(DatabaseError, match=message), transaction.atomic():
        _raw(statement)


@pytest.mark.parametrize("statement", ["UPDATE audit_logentry SET object_repr = 'x'", "DELETE FROM audit_logentry"])
def test_the_database_refuses_to_change_or_delete_entries(org_a, statement):
    _write_entries(org_a, 1)
    with org_a:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw(statement)
        assert LogEntry.objects.exists()


def test_an_entry_edited_behind_the_triggers_back_is_found(org_a):
    _write_entries(org_a, 4)
    with org_a:
        target = LogEntry.objects.order_by("id")[2]
        _behind_the_triggers_back(("UPDATE audit_logentry SET object_repr = 'Someone else' WHERE id = %s", [target.id]))
        report = services.chain_verify()
    assert report.broken_at == target.id and "does not match its hash" in report.reason
    with pytest.raises(CommandError, match=f"at entry {target.id}"):
        _verify(org_a)


def test_an_edit_that_also_recomputes_the_hash_breaks_the_next_link(org_a):
    _write_entries(org_a, 4)
    with org_a:
        target = LogEntry.objects.order_by("id")[1]
        _behind_the_triggers_back(
            ("SET LOCAL timezone = 'UTC'", []),
            (
                "UPDATE audit_logentry SET object_repr = 'Forged', hash = public.starline_audit_digest("
                "to_jsonb(audit_logentry) || jsonb_build_object('object_repr', 'Forged')) WHERE id = %s",
                [target.id],
            ),
        )
        report = services.chain_verify()
    # The forged entry is self-consistent; the one after it no longer links to it.
    assert report.broken_at == target.id + 1 and "does not link" in report.reason


def test_a_deleted_entry_is_found(org_a):
    _write_entries(org_a, 4)
    with org_a:
        target = LogEntry.objects.order_by("id")[2]
        _behind_the_triggers_back(("DELETE FROM audit_logentry WHERE id = %s", [target.id]))
        report = services.chain_verify()
    assert report.broken_at == target.id + 1 and "missing" in report.reason
    with pytest.raises(CommandError, match=f"at entry {target.id + 1}"):
        _verify(org_a)


def test_deleting_the_newest_entries_is_found_too(org_a):
    _write_entries(org_a, 3)
    with org_a:
        last = LogEntry.objects.order_by("-id").first()
        _behind_the_triggers_back(("DELETE FROM audit_logentry WHERE id = %s", [last.id]))
        report = services.chain_verify()
    assert report.broken_at == last.id and "missing" in report.reason


def test_each_organization_has_a_chain_of_its_own(org_a, org_b):
    with org_b:
        b_before = (LogEntry.objects.count(), ChainHead.objects.get().last_id)
    with org_a:
        a_before = ChainHead.objects.get().last_id
    _write_entries(org_a, 2)
    with org_a:
        assert ChainHead.objects.get().last_id == a_before + 2
    with org_b:
        assert (LogEntry.objects.count(), ChainHead.objects.get().last_id) == b_before
    call_command("verify_audit_chain")  # every schema, public included


def test_an_unknown_schema_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No audit log"):
        call_command("verify_audit_chain", schema="org_nope")
