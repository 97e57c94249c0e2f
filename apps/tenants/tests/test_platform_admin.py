"""The platform admin manages organizations from the public host only."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from apps.tenants.models import Domain, Organization
from conftest import host_client


@pytest.fixture
def operator(db):
    connection.set_schema_to_public()
    return get_user_model().objects.create_superuser(email="operator@platform.test", password=None)


@pytest.fixture
def operator_client(operator):
    client = host_client("localhost")
    client.force_login(operator)
    return client


def _org_admin_client(organization):
    with organization:
        admin = get_user_model().objects.get(email=f"admin@{organization.subdomain}.test")
        client = host_client(organization.primary_host)
        client.force_login(admin)
    return client


FORM = {
    "name": "Bright Path Supports",
    "subdomain": "brightpath",
    "custom_domain": "",
    "is_active": "on",
    "admin_email": "boss@brightpath.test",
    "primary_color": "#0e7490",
    "secondary_color": "#475569",
    "font_family": "Inter",
    "contact_email": "office@brightpath.test",
    "contact_phone": "",
    "address": "",
    "timezone": "America/Denver",
    "settings": "{}",
    "feature_flags": "{}",
    "billing_settings": "{}",
    "domains-TOTAL_FORMS": "0",
    "domains-INITIAL_FORMS": "0",
}


def test_an_operator_creates_an_organization_through_the_provisioning_service(operator_client):
    response = operator_client.post("/admin/tenants/organization/add/", FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    organization = Organization.objects.get(subdomain="brightpath")
    assert organization.schema_name == "org_brightpath"
    assert Domain.objects.filter(domain="brightpath.localhost", tenant=organization).exists()
    with organization:
        assert get_user_model().objects.filter(email="boss@brightpath.test", role__name="Organization Admin").exists()


def test_the_admin_form_explains_a_reserved_or_taken_subdomain(operator_client):
    for subdomain, message in (("www", "reserved"), ("alpha", "already taken")):
        response = operator_client.post("/admin/tenants/organization/add/", FORM | {"subdomain": subdomain})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Organization.objects.filter(name="Bright Path Supports").exists()


def test_the_admin_form_refuses_a_bad_colour_next_to_the_field(operator_client):
    response = operator_client.post("/admin/tenants/organization/add/", FORM | {"primary_color": "red"})
    assert response.status_code == 200
    assert "#RRGGBB" in response.content.decode()


def test_the_operator_list_hides_the_clone_template(operator_client):
    html = operator_client.get("/admin/tenants/organization/").content.decode()
    assert "Alpha Community Living" in html
    assert "Template (do not use)" not in html


def test_an_organization_admin_cannot_see_or_change_organizations(org_a):
    client = _org_admin_client(org_a)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/tenants/organization/").status_code in (403, 404)
    assert client.post("/admin/tenants/organization/add/", FORM).status_code in (403, 404)
    assert not Organization.objects.filter(subdomain="brightpath").exists()


def test_a_session_from_one_organization_means_nothing_on_another(org_a, org_b):
    client_a = _org_admin_client(org_a)
    session_cookie = client_a.cookies["sessionid"].value
    stranger = host_client(org_b.primary_host)
    stranger.cookies["sessionid"] = session_cookie
    response = stranger.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"] or "/accounts/sign-in/" in response["Location"]


def test_a_platform_session_means_nothing_on_an_organization_host(operator_client, org_a):
    stranger = host_client(org_a.primary_host)
    stranger.cookies["sessionid"] = operator_client.cookies["sessionid"].value
    assert stranger.get("/admin/").status_code == 302


def test_an_operator_edits_an_organization_and_its_domains_follow(operator_client, org_a):
    domain = Domain.objects.get(tenant=org_a)
    form = FORM | {
        "name": org_a.name,
        "subdomain": "alpha-care",
        "primary_color": "#be123c",
        "timezone": org_a.timezone,
        "contact_email": org_a.contact_email,
        "domains-TOTAL_FORMS": "1",
        "domains-INITIAL_FORMS": "1",
        "domains-0-id": str(domain.pk),
        "domains-0-tenant": str(org_a.pk),
    }
    form.pop("admin_email")
    response = operator_client.post(f"/admin/tenants/organization/{org_a.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    org_a.refresh_from_db()
    assert (org_a.primary_color, org_a.schema_name) == ("#be123c", "org_alpha")
    assert list(Domain.objects.filter(tenant=org_a).values_list("domain", flat=True)) == ["alpha-care.localhost"]
    assert host_client("alpha-care.localhost").get("/").status_code == 200
    assert host_client("alpha.localhost").get("/").status_code == 404


def test_view_on_site_for_an_organizations_record_is_not_found_on_the_platform(operator_client, org_a):
    from django.contrib.contenttypes.models import ContentType

    from apps.clients.models import Client

    client_type = ContentType.objects.get_for_model(Client)
    response = operator_client.get(f"/admin/r/{client_type.pk}/{org_a.pk}/")
    assert response.status_code == 404
    # A platform record still goes where Django's admin sends it.
    organization_type = ContentType.objects.get_for_model(Organization)
    assert operator_client.get(f"/admin/r/{organization_type.pk}/{org_a.pk}/").status_code in (302, 404)


def test_an_organizations_models_are_not_in_the_platforms_admin(operator_client):
    # Their tables live in each organization's schema: on the platform these were 500s.
    assert operator_client.get("/admin/clients/client/").status_code == 404
    assert operator_client.get("/admin/clients/").status_code == 404
    index = operator_client.get("/admin/").content.decode()
    assert "/admin/tenants/organization/" in index
    assert "/admin/clients/client/" not in index


def _change_form(organization, **changes):
    domain = Domain.objects.get(tenant=organization)
    form = FORM | {
        "name": organization.name,
        "subdomain": organization.subdomain,
        "primary_color": organization.primary_color,
        "secondary_color": organization.secondary_color,
        "timezone": organization.timezone,
        "contact_email": organization.contact_email,
        "domains-TOTAL_FORMS": "1",
        "domains-INITIAL_FORMS": "1",
        "domains-0-id": str(domain.pk),
        "domains-0-tenant": str(organization.pk),
        **changes,
    }
    form.pop("admin_email")
    return form


@pytest.mark.parametrize(
    ("field", "colour", "said"),
    [
        ("primary_color", "#ffffff", "1.00:1"),  # buttons would vanish on the white page
        ("primary_color", "#777777", "4.47:1"),  # no text reads on it
        ("secondary_color", "#ffffff", "1.00:1"),
        ("secondary_color", "#fde047", "1.31:1"),
    ],
)
def test_the_admin_form_refuses_a_colour_the_branding_page_would_refuse(operator_client, org_a, field, colour, said):
    before = (org_a.primary_color, org_a.secondary_color)
    response = operator_client.post(
        f"/admin/tenants/organization/{org_a.pk}/change/", _change_form(org_a, **{field: colour})
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field] and said in errors[field][0], errors
    org_a.refresh_from_db()
    assert (org_a.primary_color, org_a.secondary_color) == before


def test_the_admin_form_refuses_a_white_primary_for_a_new_organization(operator_client):
    response = operator_client.post("/admin/tenants/organization/add/", FORM | {"primary_color": "#FFFFFF"})
    assert response.status_code == 200
    assert "3:1" in response.context["adminform"].form.errors["primary_color"][0]
    assert not Organization.objects.filter(subdomain="brightpath").exists()


def test_the_admin_form_keeps_readable_colours_in_lower_case(operator_client, org_a):
    form = _change_form(org_a, primary_color="#0F766E", secondary_color="#334155")
    response = operator_client.post(f"/admin/tenants/organization/{org_a.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    org_a.refresh_from_db()
    assert (org_a.primary_color, org_a.secondary_color) == ("#0f766e", "#334155")


def test_a_custom_domain_in_capitals_is_read_in_lowercase(operator_client):
    # As the organization's own domain page reads it: capitals are not a bad name.
    response = operator_client.post("/admin/tenants/organization/add/", FORM | {"custom_domain": "CARE.HARBOR.EXAMPLE"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organization.objects.get(subdomain="brightpath").custom_domain == "care.harbor.example"


def test_an_internationalised_custom_domain_is_stored_in_ascii(operator_client):
    response = operator_client.post("/admin/tenants/organization/add/", FORM | {"custom_domain": "Bücher.Example.org."})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organization.objects.get(subdomain="brightpath").custom_domain == "xn--bcher-kva.example.org"


def test_verifying_an_internationalised_domain_by_hand_names_it_both_ways(operator_client, org_a):
    from apps.tenants import domain_services

    with org_a:
        domain_services.custom_domain_claim(organization=org_a, domain="bücher.example.org")
    connection.set_schema_to_public()
    response = operator_client.post(
        "/admin/tenants/organization/",
        {"action": "verify_custom_domain", "_selected_action": [str(org_a.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "bücher.example.org (xn--bcher-kva.example.org) verified by hand for Alpha Community Living." in body
