"""System roles describe only what Starline does today, and a reworded description reaches
the roles already stored in every organization."""

import pytest

from apps.accounts import roles, services
from apps.accounts.models import Role

# Features the descriptions once promised and Starline does not have (yet). Notes came with
# documentation, and claims, authorizations and billable services with billing.
NOT_BUILT = ("medication",)


@pytest.mark.parametrize("name", sorted(roles.SYSTEM_ROLES))
def test_a_system_roles_description_promises_nothing_that_does_not_exist(name):
    text = str(roles.SYSTEM_ROLES[name]).lower()
    assert not [word for word in NOT_BUILT if word in text]


def test_a_reworded_description_reaches_the_stored_system_roles_on_sync(org_a):
    with org_a:
        Role.objects.filter(name=roles.DIRECT_SUPPORT).update(
            description="Supports assigned clients: notes, shifts, clock-in and clock-out."
        )
        services.system_roles_sync()
        stored = Role.objects.get(name=roles.DIRECT_SUPPORT)
    assert stored.description == str(roles.SYSTEM_ROLES[roles.DIRECT_SUPPORT])


def test_descriptions_are_stored_in_english_and_shown_in_the_readers_language(org_a, settings):
    from django.utils import translation

    with org_a, translation.override("es"):
        Role.objects.filter(name=roles.AUDITOR).update(description="")
        services.system_roles_sync()
        stored = Role.objects.get(name=roles.AUDITOR)
        assert stored.description.startswith("Reads everything")
        assert stored.display_description.startswith("Puede ver todo")
