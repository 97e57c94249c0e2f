"""Saving the settings page without changing anything logs no change: not the defaults the
first save would write down, nor a demo phone number the page would rewrite in its own form."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from apps.audit.models import LogEntry
from apps.core.phones import clean_phone
from apps.tenants import settings_audit
from apps.tenants.management.commands.seed_demo import DEMO_ORGANIZATIONS
from apps.tenants.models import Organization
from conftest import signed_in

URL = "/settings/"


def _untouched_post(client) -> dict:
    """What the browser sends when the admin presses Save without changing a field."""
    form = client.get(URL).context["form"]
    data: dict = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def _entries(org) -> list[LogEntry]:
    content_type = ContentType.objects.get_for_model(Organization)
    with org:
        return list(LogEntry.objects.filter(content_type=content_type, object_pk=str(org.pk)))


@pytest.mark.parametrize("spec", DEMO_ORGANIZATIONS, ids=lambda spec: spec["subdomain"])
def test_a_first_save_of_a_demo_organization_logs_nothing(org_a, spec):
    Organization.objects.filter(pk=org_a.pk).update(settings=spec["settings"], contact_phone=spec["contact_phone"])
    client = signed_in(org_a, "admin")
    before = len(_entries(org_a))
    response = client.post(URL, _untouched_post(client))
    assert response.status_code == 302
    assert _entries(org_a)[before:] == []
    assert Organization.objects.get(pk=org_a.pk).settings == spec["settings"]


def test_the_demo_phones_are_stored_as_the_page_would_store_them():
    for spec in DEMO_ORGANIZATIONS:
        assert clean_phone(spec["contact_phone"]) == spec["contact_phone"]


def test_one_real_change_on_a_first_save_is_the_only_line(org_a):
    Organization.objects.filter(pk=org_a.pk).update(settings={})
    client = signed_in(org_a, "admin")
    before = len(_entries(org_a))
    client.post(URL, {**_untouched_post(client), "geofence_m": 200})
    (entry,) = _entries(org_a)[before:]
    assert set(entry.changes_dict) == {"settings"}
    with org_a:
        rows = settings_audit.changes(*entry.changes_dict["settings"], {})
    assert rows == [("Clock-in distance (metres)", "150", "200")]


def test_an_old_default_and_the_same_value_written_explicitly_are_no_change(org_a):
    explicit = {"scheduling": {"geofence_m": 150, "min_visit_minutes": 15}, "audit_retention_years": 6}
    with org_a:
        assert settings_audit.changes({}, explicit, {}) == []
        assert settings_audit.changes(explicit, {}, {}) == []
