"""The database role the app runs as (apps/core/db/roles.py) cannot rewrite history, and
the app works as it.

The suite runs as the owner (postgres); this module creates an app role for its own test
database (role names are cluster-wide, so it is named after the database), grants it with
`grant_app_role()` exactly as `manage.py db_roles` does, and connects as it: straight with
psycopg for what it must not do, and through Django (the default connection switched to it,
the owner beside it as in production) for what it must.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from apps.audit import services as audit_services
from apps.audit.models import LogEntry
from apps.billing import bulk
from apps.clients.tests.conftest import make_client
from apps.core.db import roles
from apps.core.db.base import DatabaseWrapper
from apps.tenants.models import Organization
from conftest import TEST_PASSWORD, _create_people, host_client


def _drop_role(cursor, role: str) -> None:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cursor.fetchone():
        # Its grants and default privileges in this database, then the role itself.
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


@pytest.fixture(scope="module")
def app_role(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        role = f"{connection.settings_dict['NAME']}_app"[:63]
        with connection.cursor() as cursor:
            _drop_role(cursor, role)  # left behind by a run that was killed
        roles.grant_app_role(role=role)
    yield role
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        _drop_role(cursor, role)


def _connect(role: str) -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        dbname=params["NAME"], user=role, host=params["HOST"] or None, port=params["PORT"] or None, autocommit=True
    )


def _partition(schema: str) -> str:
    return audit_services.partitions(schema=schema)[-1][0]


# Every schema has an audit log (public's records the platform's changes).
REFUSED_ON_EVERY_LOG = [
    "ALTER TABLE {s}.audit_logentry DISABLE TRIGGER audit_entry_append_only",
    "ALTER TABLE {s}.audit_logentry DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_entry_chain ON {s}.audit_logentry",
    "UPDATE {s}.audit_logentry SET object_repr = 'nothing happened'",
    "UPDATE {s}.{partition} SET object_repr = 'nothing happened'",
    "DELETE FROM {s}.audit_logentry",
    "DELETE FROM {s}.{partition}",
    "TRUNCATE {s}.audit_logentry",
    "TRUNCATE {s}.{partition}",
    "ALTER TABLE {s}.audit_logentry DETACH PARTITION {s}.{partition}",
    "DROP TABLE {s}.{partition}",
    # The head guard lets the head move forward; only the privilege stops this.
    "UPDATE {s}.audit_chainhead SET last_id = last_id + 1, last_hash = ''",
    # Holding the head would stall every writer of the log.
    "SELECT 1 FROM {s}.audit_chainhead FOR UPDATE",
    "CREATE TABLE {s}.smuggled (id int)",
]
REFUSED_ELSEWHERE = [
    "ALTER TABLE {s}.clients_client ADD COLUMN smuggled text",
    "ALTER TABLE {s}.clients_client DISABLE TRIGGER ALL",
    "DROP TABLE {s}.clients_client",
    "TRUNCATE {s}.clients_client",
    "CREATE INDEX smuggled ON {s}.clients_client (first_name)",
    "SET session_replication_role = replica",
    "ALTER FUNCTION public.starline_audit_chain() SECURITY INVOKER",
    "DROP FUNCTION public.starline_audit_append_only() CASCADE",
]
CASES = [
    *((statement, schema) for statement in REFUSED_ON_EVERY_LOG for schema in ("alpha", "public")),
    *((statement, "alpha") for statement in REFUSED_ELSEWHERE),
]


@pytest.mark.parametrize(("statement", "schema_of"), CASES)
def test_the_app_role_cannot_rewrite_history_or_alter_tables(app_role, org_a, statement, schema_of):
    schema = org_a.schema_name if schema_of == "alpha" else "public"
    sql = statement.format(s=f'"{schema}"', partition=f'"{_partition(schema)}"')
    with _connect(app_role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
        conn.execute(sql)
    # Stopped by the privileges, not by the triggers that would stop the owner too.
    message = str(refused.value)
    assert "append-only" not in message and "moves forward" not in message, message


def test_the_app_role_analyzes_only_through_the_owners_function(app_role, org_a):
    notices = []
    table = f'"{org_a.schema_name}".clients_client'
    with _connect(app_role) as conn:
        conn.add_notice_handler(lambda notice: notices.append(notice.message_primary))
        conn.execute(f"ANALYZE {table}")
        assert any("permission denied to analyze" in n or "skipping" in n for n in notices), notices
        notices.clear()
        conn.execute("SELECT public.starline_analyze(%s::regclass)", [table])
        assert notices == []


def test_the_app_role_may_read_and_append_to_the_log_and_nothing_more(app_role, org_a):
    with connection.cursor() as cursor:
        for schema in ("public", org_a.schema_name):
            for table in ["audit_logentry", *(name for name, _start, _end in audit_services.partitions(schema=schema))]:
                relation = f'"{schema}"."{table}"'
                for privilege, allowed in [
                    ("SELECT", True),
                    ("INSERT", True),
                    ("UPDATE", False),
                    ("DELETE", False),
                    ("TRUNCATE", False),
                    ("TRIGGER", False),
                    ("REFERENCES", False),
                ]:
                    cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [app_role, relation, privilege])
                    assert cursor.fetchone()[0] is allowed, (relation, privilege)
            head = f'"{schema}".audit_chainhead'
            cursor.execute(
                "SELECT has_table_privilege(%s, %s, 'SELECT'), has_table_privilege(%s, %s, 'UPDATE')",
                [app_role, head, app_role, head],
            )
            assert cursor.fetchone() == (True, False)
            cursor.execute("SELECT has_schema_privilege(%s, %s, 'CREATE')", [app_role, schema])
            assert cursor.fetchone()[0] is False
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)", [app_role]
        )
        assert cursor.fetchone()[0] == 0


PLATFORM_FORM = {
    "name": "Gamma Supports",
    "subdomain": "approle",
    "custom_domain": "",
    "is_active": "on",
    "admin_email": "",
    "primary_color": "#0e7490",
    "secondary_color": "#475569",
    "font_family": "Inter",
    "contact_email": "office@approle.test",
    "contact_phone": "",
    "address": "",
    "timezone": "America/Denver",
    "settings": "{}",
    "feature_flags": "{}",
    "billing_settings": "{}",
    "domains-TOTAL_FORMS": "0",
    "domains-INITIAL_FORMS": "0",
}


@pytest.fixture
def as_app_role(app_role, settings, db):
    """Django connected as the app role, the owner beside it on an alias of its own, as
    when DATABASE_URL and DATABASE_OWNER_URL are both set. Both commit: what the test
    writes is undone by dropping the organization it provisions."""
    owner_settings = {**connection.settings_dict, "CONN_MAX_AGE": 0}
    app = DatabaseWrapper({**owner_settings, "USER": app_role, "PASSWORD": ""}, alias="default")
    # As Django makes it from DATABASES["owner"]; as_owner() names it "default" while it stands in.
    owner = DatabaseWrapper(owner_settings, alias="owner")
    settings.DATABASE_APP_ROLE = {"USER": app_role, "PASSWORD": ""}
    suite = connections["default"]
    connections.settings["owner"] = owner_settings
    connections["owner"] = owner
    connections["default"] = app
    try:
        yield app
    finally:
        connections["default"] = suite
        del connections.settings["owner"]
        with contextlib.suppress(AttributeError):
            del connections["owner"]
        app.close()
        owner.close()


def test_the_app_runs_as_that_role_and_provisions_organizations_as_the_owner(as_app_role, app_role):
    assert roles.owner_configured()
    try:
        # An operator adds an organization in the platform admin, in the web process.
        operator = get_user_model().objects.create_superuser(email="operator@approle.test", password=None)
        platform = host_client("localhost")
        platform.force_login(operator)
        added = platform.post("/admin/tenants/organization/add/", PLATFORM_FORM)
        assert added.status_code == 302, added.content.decode()[:2000]
        organization = Organization.objects.get(subdomain="approle")
        with as_app_role.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)",
                [organization.schema_name, app_role],
            )
            assert cursor.fetchone()[0] == 0
            cursor.execute(
                "SELECT has_table_privilege(%s, %s, 'UPDATE'), has_table_privilege(%s, %s, 'UPDATE')",
                [
                    app_role,
                    f'"{organization.schema_name}".clients_client',
                    app_role,
                    f'"{organization.schema_name}".audit_logentry',
                ],
            )
            assert cursor.fetchone() == (True, False)
        with organization:
            _create_people("approle")
        maria = make_client(organization)

        browser = host_client(organization.primary_host)
        signed = browser.post("/accounts/sign-in/", {"email": "admin@approle.test", "password": TEST_PASSWORD})
        assert signed.status_code == 302, signed.content.decode()[:500]
        assert browser.get(f"/clients/{maria.pk}/").status_code == 200
        edited = browser.post(
            f"/clients/{maria.pk}/edit/",
            {
                "first_name": "Maria",
                "last_name": "Lopez-Ortega",
                "date_of_birth": "1990-05-17",
                "status": "active",
                "diagnoses-TOTAL_FORMS": "0",
                "diagnoses-INITIAL_FORMS": "0",
                "allergies-TOTAL_FORMS": "0",
                "allergies-INITIAL_FORMS": "0",
                "diet-TOTAL_FORMS": "0",
                "diet-INITIAL_FORMS": "0",
            },
        )
        assert edited.status_code == 302, edited.content.decode()[:500]
        with organization:
            entries = LogEntry.objects.filter(object_pk=str(maria.pk))
            assert entries.filter(action=LogEntry.Action.ACCESS).exists()
            assert entries.filter(action=LogEntry.Action.UPDATE).exists()
            report = audit_services.chain_verify(schema=organization.schema_name)
            assert report.intact and report.checked > 3, report
            # The daily job as the app role: next months it may add, none it may drop.
            assert audit_services.maintain(schema=organization.schema_name, retention_years=6)["dropped"] == []
            added = audit_services.partitions_ensure(now=datetime(2040, 1, 15, tzinfo=UTC), months_ahead=0)
            assert added == ["audit_logentry_p2040_01"]
            # A bulk load's ANALYZE, as its owner, through starline_analyze().
            bulk.analyze_after_bulk("clients_client", rows=bulk.BULK_ROWS)
        with as_app_role.cursor() as cursor:
            # The new month is the owner's; the default privileges gave the app role no more
            # than on the rest of the log.
            partition = f'"{organization.schema_name}".audit_logentry_p2040_01'
            cursor.execute(
                "SELECT pg_get_userbyid(relowner) <> current_user, has_table_privilege(%s, 'INSERT'), "
                "has_table_privilege(%s, 'UPDATE'), has_table_privilege(%s, 'DELETE') "
                "FROM pg_class WHERE oid = %s::regclass",
                [partition, partition, partition, partition],
            )
            assert cursor.fetchone() == (True, True, False, False)
    finally:
        with roles.as_owner():
            _forget_what_was_committed()


def _forget_what_was_committed():
    """The organization and the operator, which the app role committed. The ORM cannot
    delete a platform user (its collector looks for organization-only tables in public):
    the rows that point at it go first."""
    connection.set_schema_to_public()
    Organization.objects.filter(subdomain="approle").delete()
    with connection.cursor() as cursor:
        cursor.execute('DROP SCHEMA IF EXISTS "org_approle" CASCADE')
        cursor.execute("SELECT id FROM public.accounts_user WHERE email = 'operator@approle.test'")
        found = cursor.fetchone()
        if found is None:
            return
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.confrelid = 'public.accounts_user'::regclass
            """
        )
        for table, column in cursor.fetchall():
            # bandit B608: the table and column names come from the catalog.
            cursor.execute(f'DELETE FROM {table} WHERE "{column}" = %s', [found[0]])  # nosec B608
        cursor.execute("DELETE FROM public.accounts_user WHERE id = %s", [found[0]])
