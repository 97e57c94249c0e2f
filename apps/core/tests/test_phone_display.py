"""Stored numbers are E.164 ("+15035550142"); pages show them as people read them."""

from __future__ import annotations

import pytest
from django.test import override_settings

from apps.core.phones import display
from conftest import signed_in


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+15035550142", "(503) 555-0142"),
        ("+442079460958", "+44 20 7946 0958"),
        ("", ""),
        # Typed before numbers were checked: shown as it was stored.
        ("ext. 12", "ext. 12"),
        ("+1555", "+1555"),
    ],
)
@override_settings(SMS_DEFAULT_REGION="US")
def test_display(stored, shown):
    assert display(stored) == shown


def test_the_footer_shows_the_organizations_phone_as_people_read_it(org_a):
    from apps.tenants import services as tenants

    tenants.organization_update(organization=org_a, contact_phone="+15035550142")
    page = signed_in(org_a, "manager").get("/").content.decode()
    assert '<a href="tel:+15035550142">(503) 555-0142</a>' in page
