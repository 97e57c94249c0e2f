"""delete_organization (issue 28 §7): an organization's schema and files go only after it has
been suspended for ORGANIZATION_DELETION_DAYS and the operator typed its subdomain; a record
of the deletion stays in the public schema and in the platform admin."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from apps.files import services as file_services
from apps.files import storage
from apps.tenants import services
from apps.tenants.models import DeletedOrganization, Domain, Organization
from conftest import host_client, signed_in

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    storage._store.cache_clear()
    yield settings.PRIVATE_FILES_ROOT
    storage._store.cache_clear()


@pytest.fixture
def gamma(db):
    """An organization with a stored file, suspended now."""
    organization = services.organization_create(
        name="Gamma Supports", subdomain="gamma", contact_email="office@gamma.test", admin_email="admin@gamma.test"
    )
    with organization:
        admin = get_user_model().objects.get(email="admin@gamma.test")
        file_services.file_store_bytes(content=b"hello, gamma\n", filename="note.txt", actor=admin)
    services.organization_suspend(organization=organization)
    organization.refresh_from_db()
    return organization


def delete(organization, **options):
    out = io.StringIO()
    call_command("delete_organization", schema=organization.schema_name, stdout=out, **options)
    return out.getvalue()


def later(days: int):
    return time_machine.travel(timezone.now() + dt.timedelta(days=days), tick=False)


def test_suspending_starts_the_clock_and_reactivating_stops_it(gamma):
    assert gamma.deactivated_at is not None
    services.organization_reactivate(organization=gamma)
    gamma.refresh_from_db()
    assert gamma.deactivated_at is None


def test_an_active_organization_is_refused(org_a):
    with pytest.raises(CommandError, match="is active"):
        delete(org_a, confirm=org_a.subdomain, operator="op@platform.test")
    assert schema_exists(org_a.schema_name)


def test_it_is_refused_before_the_waiting_period_ends(gamma, settings):
    settings.ORGANIZATION_DELETION_DAYS = 30
    with later(29), pytest.raises(CommandError, match="can be deleted from"):
        delete(gamma, confirm="gamma", operator="op@platform.test")
    assert schema_exists(gamma.schema_name)
    assert not DeletedOrganization.objects.exists()


@pytest.mark.parametrize("confirm", ["", "gamma2", "GAMMA", "org_gamma"])
def test_it_is_refused_without_the_subdomain_typed(gamma, confirm):
    with later(31), pytest.raises(CommandError, match="--confirm gamma"):
        delete(gamma, confirm=confirm, operator="op@platform.test")
    assert schema_exists(gamma.schema_name)
    assert Organization.objects.filter(pk=gamma.pk).exists()


def test_the_platform_schemas_cannot_be_deleted(db, settings):
    services.template_schema_ensure()
    template = Organization.objects.get(schema_name=settings.TENANT_BASE_SCHEMA)
    with later(365), pytest.raises(CommandError, match="platform"):
        delete(template, confirm=template.subdomain, operator="op@platform.test")


def test_after_the_waiting_period_it_goes_and_leaves_a_record(gamma, private_root, django_capture_on_commit_callbacks):
    assert any(p.is_file() for p in (private_root / "org_gamma").rglob("*"))
    with later(31), django_capture_on_commit_callbacks(execute=True):
        out = delete(gamma, confirm="gamma", operator="op@platform.test", reason="contract ended")
    assert "Deleted Gamma Supports" in out
    assert not schema_exists("org_gamma")
    assert not Organization.objects.filter(pk=gamma.pk).exists()
    assert not Domain.objects.filter(domain=gamma.primary_host).exists()
    assert not any(p.is_file() for p in (private_root / "org_gamma").rglob("*"))
    record = DeletedOrganization.objects.get()
    assert (record.name, record.subdomain, record.schema_name) == ("Gamma Supports", "gamma", "org_gamma")
    assert record.deleted_by == "op@platform.test" and record.reason == "contract ended"
    assert record.organization_id == gamma.pk and record.suspended_at == gamma.deactivated_at
    assert record.files == 1 and record.file_bytes == len(b"hello, gamma\n")
    assert record.rows_by_table["files_file"] == 1 and record.rows == sum(record.rows_by_table.values())
    # The subdomain is free again, for a new organization with nothing of the old one.
    services.organization_create(name="New Gamma", subdomain="gamma", contact_email="office@gamma.test")


def test_the_record_is_in_the_platform_admin_and_read_only(gamma, django_capture_on_commit_callbacks):
    with later(31), django_capture_on_commit_callbacks(execute=True):
        delete(gamma, confirm="gamma", operator="op@platform.test")
    record = DeletedOrganization.objects.get()
    connection.set_schema_to_public()
    operator = get_user_model().objects.create_superuser(email="operator@platform.test", password=None)
    client = host_client("localhost")
    client.force_login(operator)
    listing = client.get("/admin/tenants/deletedorganization/")
    assert listing.status_code == 200 and b"Gamma Supports" in listing.content
    page = client.get(f"/admin/tenants/deletedorganization/{record.pk}/change/")
    assert page.status_code == 200 and b"op@platform.test" in page.content
    assert client.post(f"/admin/tenants/deletedorganization/{record.pk}/delete/").status_code == 403
    assert DeletedOrganization.objects.filter(pk=record.pk).exists()


def test_an_organizations_own_admin_does_not_see_the_records(org_a):
    client = signed_in(org_a, "admin")
    assert client.get("/admin/tenants/deletedorganization/").status_code in (403, 404, 302)
