"""A kept database connection is closed between requests once it has served more
organizations' schemas than DATABASE_SCHEMAS_PER_CONNECTION: a PostgreSQL backend's catalog
caches grow with each organization it serves and never shrink."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

pytestmark = pytest.mark.django_db


def _read_in(organization) -> None:
    with organization:
        get_user_model().objects.exists()


def test_a_connection_is_due_for_closing_once_it_served_more_schemas_than_the_limit(org_a, org_b, settings):
    settings.DATABASE_SCHEMAS_PER_CONNECTION = 2
    connection.schemas_used.clear()
    _read_in(org_a)
    assert connection.schemas_used == {org_a.schema_name}
    _read_in(org_a)
    assert not connection.schemas_used_too_many()
    _read_in(org_b)
    with connection.cursor():
        pass  # the public schema
    assert connection.schemas_used == {org_a.schema_name, org_b.schema_name, "public"}
    assert connection.schemas_used_too_many()


def test_no_limit_keeps_the_connection_whatever_it_served(org_a, org_b, settings):
    settings.DATABASE_SCHEMAS_PER_CONNECTION = 0
    _read_in(org_a)
    _read_in(org_b)
    assert not connection.schemas_used_too_many()
