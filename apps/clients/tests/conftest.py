import datetime as dt
from typing import Any

import pytest

from apps.clients import services
from apps.clients.models import COLUMNS, Client
from conftest import person


def make_client(organization, **fields) -> Client:
    """A client saved through the service (generated ID, occupancy, encryption)."""
    ssn = fields.pop("ssn", None)
    values: dict[str, Any] = {
        "first_name": "Maria",
        "last_name": "Lopez",
        "date_of_birth": dt.date(1990, 5, 17),
    } | fields
    with organization:
        return services.client_save(actor=person(organization, "admin"), organization=organization, ssn=ssn, **values)


def resave(client: Client, *, actor, organization=None, ssn: str | None = None) -> Client:
    """`client` saved again through the service with its columns as they are now on the
    instance (what the admin does with the instance its form filled in)."""
    values = {column: getattr(client, column) for column in COLUMNS}
    return services.client_save(
        client=client,
        actor=actor,
        organization=organization,
        secondary_diagnoses=client.secondary_diagnoses,
        allergies=client.allergies,
        dietary_restrictions=client.dietary_restrictions,
        ssn=ssn,
        **values,
    )


@pytest.fixture
def maria(org_a):
    return make_client(org_a, ssn="123-45-6789", primary_diagnosis="F84.0 Autistic disorder")


@pytest.fixture
def house(org_a):
    with org_a:
        return services.location_save(name="Maple House", capacity=2)
