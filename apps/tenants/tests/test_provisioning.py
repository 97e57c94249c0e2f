import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_exists

from apps.tenants import services
from apps.tenants.models import Domain, Organization


def _create(subdomain, **extra):
    return services.organization_create(
        name=extra.pop("name", f"{subdomain.title()} Org"),
        subdomain=subdomain,
        contact_email=extra.pop("contact_email", "office@example.org"),
        **extra,
    )


def _schema_shape(schema: str) -> dict:
    """Tables, columns, indexes and constraints of a schema, with the schema name removed."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name, data_type, is_nullable,
                   replace(coalesce(column_default, ''), %s, 'S.')
            FROM information_schema.columns WHERE table_schema = %s
            """,
            [schema + ".", schema],
        )
        columns = sorted(cursor.fetchall())
        cursor.execute(
            "SELECT tablename, indexname, replace(indexdef, %s, 'S.') FROM pg_indexes WHERE schemaname = %s",
            [schema + ".", schema],
        )
        indexes = sorted(cursor.fetchall())
        cursor.execute(
            """
            SELECT rel.relname, con.conname, con.contype, replace(pg_get_constraintdef(con.oid), %s, 'S.')
            FROM pg_constraint con
            JOIN pg_class rel ON rel.oid = con.conrelid
            JOIN pg_namespace ns ON ns.oid = rel.relnamespace
            WHERE ns.nspname = %s
            """,
            [schema + ".", schema],
        )
        constraints = sorted(cursor.fetchall())
        cursor.execute("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = %s", [schema])
        sequences = sorted(cursor.fetchall())
    return {"columns": columns, "indexes": indexes, "constraints": constraints, "sequences": sequences}


def test_a_cloned_schema_matches_a_migrated_one_exactly(db):
    cloned = _create("cloned")
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        replayed = _create("replayed")
    cloned_shape = _schema_shape(cloned.schema_name)
    assert cloned_shape["columns"], "the cloned schema has no tables"
    assert cloned_shape == _schema_shape(replayed.schema_name)


def test_a_cloned_schema_records_every_migration_as_applied(db):
    cloned = _create("recorded")
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{cloned.schema_name}".django_migrations')
        cloned_rows = set(cursor.fetchall())
        cursor.execute(f'SELECT app, name FROM "{services.settings.TENANT_BASE_SCHEMA}".django_migrations')
        template_rows = set(cursor.fetchall())
    assert cloned_rows == template_rows
    assert ("accounts", "0001_initial") in cloned_rows


def test_creating_an_organization_adds_its_domain_and_first_admin(db):
    organization = _create("gamma", admin_email="Boss@Gamma.test")
    assert organization.schema_name == "org_gamma"
    assert list(Domain.objects.filter(tenant=organization).values_list("domain", "is_primary")) == [
        ("gamma.localhost", True)
    ]
    from django.contrib.auth import get_user_model

    with organization:
        admin = get_user_model().objects.get()
    assert admin.email == "boss@gamma.test"
    assert admin.is_superuser and not admin.has_usable_password()


def test_a_custom_domain_gets_its_own_domain_row_and_follows_changes(db):
    organization = _create("delta", custom_domain="delta-care.org")
    assert set(Domain.objects.filter(tenant=organization).values_list("domain", "kind")) == {
        ("delta.localhost", "subdomain"),
        ("delta-care.org", "custom"),
    }
    services.organization_update(organization=organization, custom_domain="")
    assert list(Domain.objects.filter(tenant=organization).values_list("domain", flat=True)) == ["delta.localhost"]


@pytest.mark.parametrize(
    ("subdomain", "reason"),
    [
        ("www", "reserved"),
        ("admin", "reserved"),
        ("api", "reserved"),
        ("static", "reserved"),
        ("media", "reserved"),
        ("mail", "reserved"),
        ("app", "reserved"),
        ("public", "reserved"),
        ("-start", "hyphen"),
        ("end-", "hyphen"),
        ("has space", "hyphen"),
        ("under_score", "hyphen"),
        ("a" * 64, "hyphen"),
        ("UPPER", "lowercase"),
        ("", "blank"),
        ("alpha", "already taken"),
    ],
)
def test_bad_subdomains_are_refused_with_a_clear_message(db, subdomain, reason):
    before = Organization.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        _create(subdomain)
    messages = " ".join(excinfo.value.message_dict.get("subdomain", []))
    assert reason in messages.lower() or (reason == "blank" and "blank" in messages)
    assert Organization.objects.count() == before


def test_bad_colours_timezones_and_domains_are_refused(db):
    with pytest.raises(ValidationError) as excinfo:
        _create("epsilon", primary_color="blue", timezone="Mars/Olympus", custom_domain="not a domain")
    errors = excinfo.value.message_dict
    assert "#RRGGBB" in errors["primary_color"][0]
    assert "time zone" in errors["timezone"][0]
    assert "domain" in errors["custom_domain"][0]
    assert not schema_exists("org_epsilon")


def test_a_custom_domain_used_elsewhere_is_refused(db, org_a):
    services.organization_update(organization=org_a, custom_domain="shared-care.org")
    with pytest.raises(ValidationError) as excinfo:
        _create("zeta", custom_domain="shared-care.org")
    assert "already in use" in excinfo.value.message_dict["custom_domain"][0]


def test_a_failed_provisioning_leaves_nothing_behind(db, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("hook failed")

    monkeypatch.setattr(services, "_run_provisioning_hooks", explode)
    with pytest.raises(RuntimeError):
        _create("eta")
    assert not Organization.objects.filter(subdomain="eta").exists()
    assert not Domain.objects.filter(domain="eta.localhost").exists()
    assert not schema_exists("org_eta")


def test_the_create_organization_command_provisions_an_organization(db, capsys):
    call_command("create_organization", name="Theta Supports", subdomain="theta", admin_email="a@theta.test")
    assert "theta.localhost" in capsys.readouterr().out
    assert Organization.objects.get(subdomain="theta").name == "Theta Supports"


def test_the_create_organization_command_explains_a_refusal(db):
    with pytest.raises(CommandError) as excinfo:
        call_command("create_organization", name="X", subdomain="www", admin_email="a@x.test")
    assert "reserved" in str(excinfo.value)


def test_the_template_is_kept_out_of_the_organization_list(db):
    assert services.settings.TENANT_BASE_SCHEMA not in Organization.objects.real().values_list("schema_name", flat=True)
    assert schema_exists(services.settings.TENANT_BASE_SCHEMA)
