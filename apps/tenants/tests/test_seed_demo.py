from django.core.management import call_command
from django.db import connection

from apps.tenants.models import Domain, Organization


def _snapshot():
    """Every row of the public schema and of each demo schema that seed_demo touches."""
    rows = {}
    with connection.cursor() as cursor:
        for schema in ["public", "org_sunrise", "org_harbor"]:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = %s AND table_type = 'BASE TABLE'",
                [schema],
            )
            for (table,) in cursor.fetchall():
                cursor.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY 1')  # nosec B608 # schema and table names from the catalog
                rows[f"{schema}.{table}"] = cursor.fetchall()
    return rows


def test_seed_demo_creates_both_demo_organizations(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sunrise = Organization.objects.get(subdomain="sunrise")
    harbor = Organization.objects.get(subdomain="harbor")
    assert (sunrise.name, harbor.name) == ("Sunrise Supports", "Harbor Care")
    assert Domain.objects.get(domain="sunrise.localhost").tenant == sunrise
    assert Domain.objects.get(domain="harbor.localhost").tenant == harbor
    assert sunrise.primary_color != harbor.primary_color


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == first


def test_demo_admins_sign_in_with_the_demo_password(db, settings):
    from django.contrib.auth import get_user_model

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with Organization.objects.get(subdomain="sunrise"):
        admin = get_user_model().objects.get(email="admin@sunrise.test")
        assert admin.check_password(settings.DEMO_PASSWORD)
