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


def _policy_events(org) -> list:
    from apps.accounts.models import AuthEvent

    with org:
        return list(AuthEvent.objects.filter(kind=AuthEvent.Kind.SECURITY_POLICY_CHANGED))


def test_a_first_save_changing_another_setting_records_no_sign_in_policy_change(org_a):
    # Nothing stored for the policy yet: the save writes its defaults down, which is no change.
    Organization.objects.filter(pk=org_a.pk).update(settings={})
    client = signed_in(org_a, "admin")
    response = client.post(URL, {**_untouched_post(client), "min_visit_minutes": 25})
    assert response.status_code == 302
    assert Organization.objects.get(pk=org_a.pk).settings["security"]["idle_minutes"] == 15
    assert _policy_events(org_a) == []


def test_a_real_policy_change_is_one_event_its_values_on_the_settings_entry_in_words(org_a):
    Organization.objects.filter(pk=org_a.pk).update(settings={})
    client = signed_in(org_a, "admin")
    before = len(_entries(org_a))
    client.post(URL, {**_untouched_post(client), "idle_minutes": 30, "two_factor": "everyone"})
    (event,) = _policy_events(org_a)
    # No raw keys and values ("Two factor: everyone") on the event's entry...
    assert event.detail == {}
    with org_a:
        logged = LogEntry.objects.filter(additional_data__event="security_policy_changed").get()
    assert set(logged.additional_data) <= {"event", "via"}
    # ...the settings entry beside it says what changed, as the page words it, in the reader's language.
    (entry,) = _entries(org_a)[before:]
    from django.utils import translation

    with org_a, translation.override("es"):
        rows = settings_audit.changes(*entry.changes_dict["settings"], {})
    labels = [label for label, _was, _now in rows]
    assert len(rows) == 2 and all("_" not in label for label in labels)
    assert any(now == "30" for _label, _was, now in rows)
    assert "everyone" not in {now for _label, _was, now in rows}
