"""The organization settings page (/settings/): each setting saved and read back by the code
that uses it, each bad value refused next to its field with nothing saved, every change in
the audit log, only org admins let in, and only on an organization's own host."""

from __future__ import annotations

import zoneinfo

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from apps.accounts import selectors as account_selectors
from apps.accounts import services as account_services
from apps.accounts.models import AuthEvent, Role, User
from apps.audit.models import LogEntry
from apps.clients import services as client_services
from apps.core import clock
from apps.files import services as file_services
from apps.scheduling import rules
from apps.tenants import host_cache, settings_sections, settings_services
from apps.tenants.models import Organization
from conftest import host_client, person, signed_in

URL = "/settings/"


def valid(organization, **changes) -> dict:
    """A full POST that changes every setting from its default."""
    nurse_role = str(person(organization, "nurse").role_id)
    data = {
        "name": "Alpha Supports",
        "contact_email": "hello@alpha.example",
        "contact_phone": "(415) 555-2671",
        "address": "1 Main Street\nSpringfield",
        "timezone": "America/Denver",
        "language": "es",
        "idle_minutes": 20,
        "absolute_hours": 10,
        "two_factor": "roles",
        "two_factor_roles": [nurse_role],
        "geofence_m": 250,
        "max_accuracy_m": 400,
        "early_late_minutes": 20,
        "min_visit_minutes": 10,
        "min_rest_hours": 9,
        "overtime_hours": 38,
        "week_start": 0,
        "reminder_hours": 12,
        "max_upload_mb": 10,
        "id_pattern": "AL-{year}-{number:04d}",
        "audit_retention_years": 8,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def _organization_entries(organization):
    content_type = ContentType.objects.get_for_model(Organization)
    with organization:
        return list(LogEntry.objects.filter(content_type=content_type, object_pk=str(organization.pk)))


def _state(organization) -> tuple:
    row = Organization.objects.get(pk=organization.pk)
    return (row.name, row.contact_email, row.contact_phone, row.address, row.timezone, row.settings, row.updated_at)


def test_an_admin_sees_each_fieldset_with_the_current_values(org_a):
    response = signed_in(org_a, "admin").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("organization", "locale", "sign_in", "scheduling", "files", "clients", "records"):
        assert f'id="settings-{key}"' in html
    assert 'value="Alpha Community Living"' in html
    assert f'<option value="{org_a.timezone}" selected>' in html
    assert 'name="audit_retention_years" value="6"' in html
    assert 'name="id_pattern" value="C{number:05d}"' in html
    assert "HUB LINKS" not in html  # the marker is a template comment, not markup


def test_each_setting_is_saved_and_read_back_by_the_code_that_uses_it(org_a):
    nurse_role = str(person(org_a, "nurse").role_id)
    response = signed_in(org_a, "admin").post(URL, valid(org_a, two_person_rule="on"))
    assert response.status_code == 302 and response["Location"] == URL
    org = Organization.objects.get(pk=org_a.pk)
    assert (org.name, org.contact_email, org.contact_phone) == ("Alpha Supports", "hello@alpha.example", "+14155552671")
    assert org.address == "1 Main Street\nSpringfield"
    assert org.timezone == "America/Denver" and clock.zone(org) == zoneinfo.ZoneInfo("America/Denver")
    assert org.language == "es"
    assert org.audit_retention_years == 8
    policy = account_selectors.security_policy(org)
    assert (policy.idle_minutes, policy.absolute_hours, policy.two_factor) == (20, 10, "roles")
    assert policy.requires_two_factor(person(org_a, "nurse")) and not policy.requires_two_factor(person(org_a, "dsp"))
    assert policy.two_factor_roles == (nurse_role,)
    assert rules.for_organization(org) == rules.Rules(
        geofence_m=250,
        max_accuracy_m=400,
        early_late_minutes=20,
        min_visit_minutes=10,
        min_rest_hours=9,
        overtime_hours=38,
        week_start=0,
        reminder_hours=12,
    )
    assert file_services.max_upload_bytes(org) == 10 * 1024 * 1024
    assert client_services.two_person_rule(org) is True
    with org:
        assert client_services.next_client_id(org).startswith(f"AL-{clock.today(org).year}-")


def test_turning_the_two_person_rule_off_is_read_by_care_plans(org_a):
    signed_in(org_a, "admin").post(URL, valid(org_a))  # an unticked box is "off"
    assert client_services.two_person_rule(Organization.objects.get(pk=org_a.pk)) is False


def test_the_change_is_one_audit_entry_naming_who_and_each_changed_value(org_a):
    admin = person(org_a, "admin")
    signed_in(org_a, "admin").post(URL, valid(org_a))
    (entry,) = _organization_entries(org_a)
    assert entry.actor_id == admin.pk and entry.action == LogEntry.Action.UPDATE
    changes = entry.changes_dict
    assert changes["timezone"] == [org_a.timezone, "America/Denver"]
    assert changes["name"] == ["Alpha Community Living", "Alpha Supports"]
    assert changes["settings"][1]["audit_retention_years"] == 8
    assert changes["settings"][1]["scheduling"]["geofence_m"] == 250
    # The sign-in policy's own record, as the policy page leaves one.
    with org_a:
        event = AuthEvent.objects.get(kind=AuthEvent.Kind.SECURITY_POLICY_CHANGED)
    assert event.actor_id == admin.pk


def test_saving_unchanged_values_writes_nothing(org_a):
    admin = signed_in(org_a, "admin")
    admin.post(URL, valid(org_a))
    before = _state(org_a)
    response = admin.post(URL, valid(org_a))
    assert response.status_code == 302 and _state(org_a) == before
    assert len(_organization_entries(org_a)) == 1
    with org_a:
        assert AuthEvent.objects.filter(kind=AuthEvent.Kind.SECURITY_POLICY_CHANGED).count() == 1


REFUSALS = [
    ("name", "   "),
    ("contact_email", "not-an-email"),
    ("contact_phone", "12"),
    ("address", "x" * 1001),
    ("timezone", "Mars/Olympus_Mons"),
    ("language", "fr"),
    ("idle_minutes", 0),
    ("absolute_hours", 25),
    ("two_factor", "sometimes"),
    ("two_factor_roles", ["not-a-role"]),
    ("geofence_m", 5),
    ("max_accuracy_m", 20000),
    ("early_late_minutes", -1),
    ("min_visit_minutes", 1441),
    ("min_visit_minutes", 0),
    ("min_rest_hours", 24.5),
    ("overtime_hours", "nan"),
    ("week_start", 7),
    ("reminder_hours", 0),
    ("max_upload_mb", 0),
    ("max_upload_mb", 201),
    ("id_pattern", "C-{year}"),
    ("id_pattern", "{number:>99999999}"),
    ("id_pattern", "{number}-{name}"),
    ("id_pattern", "C{number"),
    ("id_pattern", "{number}{{"),
    ("id_pattern", "C{number:05d}{number}"),
    ("audit_retention_years", 5),
    ("audit_retention_years", "six"),
]


@pytest.mark.parametrize(("field", "value"), REFUSALS)
def test_each_bad_value_is_refused_next_to_its_field_and_nothing_is_saved(org_a, field, value):
    before = _state(org_a)
    response = signed_in(org_a, "admin").post(URL, valid(org_a, **{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert _state(org_a) == before
    assert _organization_entries(org_a) == []


def test_two_factor_for_some_roles_needs_at_least_one_role(org_a):
    data = valid(org_a)
    del data["two_factor_roles"]
    response = signed_in(org_a, "admin").post(URL, data)
    assert response.status_code == 400 and 'id="id_two_factor_roles_error"' in response.content.decode()


def test_a_missing_field_is_refused_by_name(org_a):
    data = valid(org_a)
    del data["timezone"]
    response = signed_in(org_a, "admin").post(URL, data)
    assert response.status_code == 400 and 'id="id_timezone_error"' in response.content.decode()


def test_every_section_refuses_at_once(org_a):
    # The form's own refusals (a number out of range) and the sections' (a pattern without
    # {number}, a phone number that is none) on the same answer.
    response = signed_in(org_a, "admin").post(
        URL, valid(org_a, geofence_m=1, audit_retention_years=2, id_pattern="nothing", contact_phone="12")
    )
    html = response.content.decode()
    assert response.status_code == 400
    for field in ("geofence_m", "audit_retention_years", "id_pattern", "contact_phone"):
        assert f'id="id_{field}_error"' in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("audit_retention_years", 5),
        ("audit_retention_years", True),
        ("geofence_m", 0),
        ("week_start", 2.5),
        ("max_upload_mb", 10_000),
        ("id_pattern", "{number!r}"),
        ("idle_minutes", None),
        ("language", "de"),
        ("timezone", "Nowhere"),
        # Refused by the model's own checks (organization_update's full_clean), last of all.
        ("name", "x" * 300),
        ("contact_email", "not-an-email"),
    ],
)
def test_the_service_refuses_what_a_form_would_have_let_through(org_a, field, value):
    """The service does not trust its caller: the same checks, without the form."""
    cached = host_cache.lookup(org_a.primary_host)
    before = _state(org_a)
    data = {**valid(org_a), "two_person_rule": True, field: value}
    with pytest.raises(ValidationError) as refused, org_a:
        settings_services.organization_settings_update(
            organization=cached,
            sections=settings_sections.all_sections(),
            data=data,
            actor=person(org_a, "admin"),
        )
    assert field in refused.value.message_dict
    assert _state(org_a) == before
    # The process's cached organization, shared by its requests, never holds refused values.
    assert (cached.name, cached.contact_email, cached.timezone) == before[:2] + before[4:5]
    assert "audit_retention_years" not in (cached.settings or {})


def test_a_new_time_zone_and_language_reach_the_next_request_through_the_caches(org_a):
    visitor = host_client(org_a.primary_host)
    # The welcome page is kept per organization and language; the host lookup per process.
    first = visitor.get("/")
    assert first["Content-Language"] == "en"
    assert host_cache.lookup(org_a.primary_host).timezone == org_a.timezone
    signed_in(org_a, "admin").post(URL, valid(org_a, timezone="Pacific/Auckland"))
    assert host_cache.lookup(org_a.primary_host).timezone == "Pacific/Auckland"
    assert visitor.get("/")["Content-Language"] == "es"
    # A signed-in page is drawn in the new zone.
    html = signed_in(org_a, "admin").get(URL).content.decode()
    assert '<option value="Pacific/Auckland" selected>' in html


@pytest.mark.parametrize("local", ["manager", "dsp", "nurse", "scheduler", "billing", "hr", "auditor", "outsider"])
def test_only_org_admins_open_or_post_the_page(org_a, local):
    before = _state(org_a)
    client = signed_in(org_a, local)
    assert client.get(URL).status_code == 403
    assert client.post(URL, valid(org_a)).status_code == 403
    assert _state(org_a) == before


def test_signed_out_visitors_are_sent_to_sign_in(org_a):
    response = host_client(org_a.primary_host).get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_a_role_with_the_settings_but_not_the_sign_in_policy_neither_sees_nor_changes_the_policy(org_a):
    with org_a:
        permission = Permission.objects.get(content_type__app_label="accounts", codename="manage_organization")
        role = account_services.role_create(name="Office manager", permission_ids=[permission.pk], actor=None)
        User.objects.filter(email="outsider@alpha.test").update(role=role)
    client = signed_in(org_a, "outsider")
    html = client.get(URL).content.decode()
    assert 'id="settings-scheduling"' in html and 'id="settings-sign_in"' not in html
    assert 'name="two_factor"' not in html
    response = client.post(URL, valid(org_a, two_factor="everyone", idle_minutes=1))
    assert response.status_code == 302
    org = Organization.objects.get(pk=org_a.pk)
    assert org.timezone == "America/Denver"
    assert account_selectors.security_policy(org).two_factor == "optional" and "security" not in org.settings


def test_the_system_admin_role_holds_the_new_permission_and_no_other_role_does(org_a):
    with org_a:
        holders = set(
            Role.objects.filter(
                group__permissions__codename="manage_organization",
                group__permissions__content_type__app_label="accounts",
            ).values_list("name", flat=True)
        )
    assert holders == {"Organization Admin"}


def test_another_organizations_session_means_nothing_here(org_a, org_b):
    before_a, before_b = _state(org_a), _state(org_b)
    alpha_admin = signed_in(org_a, "admin")
    response = alpha_admin.get(URL, HTTP_HOST=org_b.primary_host)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
    response = alpha_admin.post(URL, valid(org_a), HTTP_HOST=org_b.primary_host)
    assert response.status_code in (302, 403)
    assert (_state(org_a), _state(org_b)) == (before_a, before_b)


def test_each_admin_changes_only_their_own_organization(org_a, org_b):
    before_a = _state(org_a)
    html = signed_in(org_b, "admin").get(URL).content.decode()
    assert "Beta Home Care" in html and "Alpha Community Living" not in html
    assert signed_in(org_b, "admin").post(URL, valid(org_b, name="Beta Renamed")).status_code == 302
    assert Organization.objects.get(pk=org_b.pk).name == "Beta Renamed"
    assert _state(org_a) == before_a


def test_the_page_exists_only_on_an_organizations_host(db):
    assert host_client("localhost").get(URL).status_code == 404
    assert host_client("nobody.localhost").get(URL).status_code == 404


def test_the_settings_link_is_in_the_admins_header_only(org_a):
    assert f'href="{URL}"' in signed_in(org_a, "admin").get("/").content.decode()
    assert f'href="{URL}"' not in signed_in(org_a, "manager").get("/").content.decode()


def test_the_page_is_in_spanish_for_a_spanish_reader(org_a):
    client = signed_in(org_a, "admin")
    client.cookies["django_language"] = "es"
    html = client.get(URL).content.decode()
    assert "Ajustes de la organización" in html and "Zona horaria e idioma" in html
