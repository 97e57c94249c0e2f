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


def _months_from_now(count: int) -> list[str]:
    now = datetime.now(UTC)
    return [services.partition_name(services._month(now.year, now.month + offset)) for offset in range(count)]


def test_a_new_organization_has_this_month_and_the_next_and_the_daily_job_adds_two_more(org_a):
    # Provisioned by cloning the template (conftest): its two months came along.
    assert set(_months_from_now(2)) <= set(_names(org_a))
    maintenance.maintain_all(schema=org_a.schema_name)
    assert set(_months_from_now(4)) <= set(_names(org_a))


def test_the_clone_template_keeps_only_this_month_and_the_next(db):
    from django.conf import settings
    from django.db import connection

    from apps.tenants.models import Organization

    template = settings.TENANT_BASE_SCHEMA
    with Organization.objects.get(schema_name=template):
        # A month the template passed, one too far ahead, and a past one that holds an entry.
        services.partitions_ensure(schema=template, now=datetime(2019, 4, 1, tzinfo=UTC), months_ahead=1)
        services.partitions_ensure(schema=template, months_ahead=3)
        # LogEntry.save() never writes into the template: its INSERT, run by hand.
        role = Role.objects.get(name="Nurse")
        entry = LogEntry(
            timestamp=datetime(2019, 5, 3, tzinfo=UTC),
            action=LogEntry.Action.UPDATE,
            content_type=ContentType.objects.get_for_model(Role),
            object_pk=str(role.pk),
            object_repr=str(role),
            changes={},
        )
        with connection.cursor() as cursor:
            cursor.execute(*entry._insert_statement())
    result = maintenance.maintain_all(schema=template)[template]
    names = [name for name, _s, _e in services.partitions(schema=template)]
    assert names == ["audit_logentry_p2019_05", *_months_from_now(2)]
    assert sorted(result["dropped"]) == sorted(["audit_logentry_p2019_04", *_months_from_now(4)[2:]])
    # Every organization provisioned from now on starts with just those months.
    assert services.partitions_ensure(schema=template, months_ahead=services.NEW_SCHEMA_MONTHS_AHEAD) == []


def test_the_maintenance_command_says_the_template_keeps_two_months(db, capsys):
    from django.conf import settings

    template = settings.TENANT_BASE_SCHEMA
    services.partitions_ensure(schema=template, months_ahead=3)
    call_command("audit_maintain", schema=template)
    assert f"({template}, kept this month and the next): created none; dropped " in capsys.readouterr().out


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
