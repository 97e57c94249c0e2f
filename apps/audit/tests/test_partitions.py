from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from apps.accounts.models import Role
from apps.audit import maintenance, services
from apps.audit.models import LogEntry


def _names(organization):
    return [name for name, _s, _e in services.partitions(schema=organization.schema_name)]


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


def test_the_coming_months_partitions_are_created_ahead(org_a):
    with org_a:
        created = services.partitions_ensure(now=datetime(2031, 11, 20, tzinfo=UTC))
        assert created == [f"audit_logentry_p{p}" for p in ("2031_11", "2031_12", "2032_01", "2032_02")]
        assert services.partitions_ensure(now=datetime(2031, 11, 20, tzinfo=UTC)) == []
        _entry_at(datetime(2032, 2, 29, 23, 59, tzinfo=UTC))  # lands in its month
        assert "audit_logentry_p2032_02" in _names(org_a)


def test_this_month_and_three_ahead_always_exist_after_migrate(org_a):
    now = datetime.now(UTC)
    expected = services.partition_name(datetime(now.year, now.month, 1, tzinfo=UTC))
    assert expected in _names(org_a)
    assert len([n for n in _names(org_a) if n >= expected]) >= 4


def test_retention_drops_whole_months_past_it_and_the_chain_still_verifies(org_a):
    with org_a:
        services.partitions_ensure(now=datetime(2018, 1, 10, tzinfo=UTC), months_ahead=1)
        _entry_at(datetime(2018, 1, 15, tzinfo=UTC))
        _entry_at(datetime(2018, 2, 15, tzinfo=UTC))
        _entry_at(datetime.now(UTC))
        before = LogEntry.objects.count()
        dropped = services.retention_apply(years=6, now=datetime(2024, 2, 10, tzinfo=UTC))
        assert dropped == ["audit_logentry_p2018_01"]
        assert LogEntry.objects.count() == before - 1
        assert "audit_logentry_p2018_02" in _names(org_a)
        report = services.chain_verify()
        assert report.intact, report.reason


def test_the_daily_job_uses_each_organizations_retention(org_a, org_b):
    org_a.settings = {**org_a.settings, "audit_retention_years": 10}
    org_a.save(update_fields=["settings"])
    for organization in (org_a, org_b):
        with organization:
            services.partitions_ensure(now=datetime(2017, 6, 1, tzinfo=UTC), months_ahead=0)
    results = maintenance.maintain_all(now=datetime(2026, 1, 1, tzinfo=UTC))
    assert results[org_b.schema_name]["dropped"] == ["audit_logentry_p2017_06"]
    assert results[org_a.schema_name]["dropped"] == []  # kept ten years
    assert "audit_logentry_p2017_06" in _names(org_a)


def test_the_platforms_own_log_gets_its_months_too(db):
    results = maintenance.maintain_all(now=datetime(2033, 5, 2, tzinfo=UTC))
    assert results["public"]["name"] == "platform"
    assert "audit_logentry_p2033_08" in results["public"]["created"]
    assert "audit_logentry_p2033_08" in [n for n, _s, _e in services.partitions(schema="public")]


def test_the_maintenance_command_runs_for_one_schema(org_a, capsys):
    with org_a:
        services.partitions_ensure(now=datetime(2015, 3, 1, tzinfo=UTC), months_ahead=0)
    call_command("audit_maintain", schema=org_a.schema_name)
    assert "audit_logentry_p2015_03" not in _names(org_a)
    assert "dropped audit_logentry_p2015_03" in capsys.readouterr().out


def test_a_retention_below_six_years_is_refused(org_a):
    import pytest
    from django.core.exceptions import ValidationError

    org_a.settings = {**org_a.settings, "audit_retention_years": 2}
    with pytest.raises(ValidationError, match="from 6 to 100"):
        org_a.full_clean()
    assert org_a.audit_retention_years == 6
