import datetime as dt

import pytest

from apps.clients import services
from apps.clients.models import Client, ClientLocation
from conftest import person


def make_client(organization, **fields) -> Client:
    """A client saved through the service (generated ID, occupancy, encryption)."""
    ssn = fields.pop("ssn", None)
    values = {"first_name": "Maria", "last_name": "Lopez", "date_of_birth": dt.date(1990, 5, 17)} | fields
    with organization:
        return services.client_save(
            client=Client(**values), actor=person(organization, "admin"), organization=organization, ssn=ssn
        )


@pytest.fixture
def maria(org_a):
    return make_client(org_a, ssn="123-45-6789", primary_diagnosis="F84.0 Autistic disorder")


@pytest.fixture
def house(org_a):
    with org_a:
        return services.location_save(location=ClientLocation(name="Maple House", capacity=2))
