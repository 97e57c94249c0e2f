from django.db import connection
from django.test import override_settings

from apps.tenants import domain_services, host_cache, services
from conftest import host_client, signed_in


def test_it_serves_an_organization_on_its_subdomain(client_a, org_a):
    response = client_a.get("/")
    assert response.status_code == 200
    assert org_a.name in response.content.decode()


def test_it_serves_an_organization_on_its_custom_domain_once_verified(org_a):
    services.organization_update(organization=org_a, custom_domain="care.alpha-example.org")
    assert host_client("care.alpha-example.org").get("/").status_code == 404
    domain_services.custom_domain_verify_by_hand(organization=org_a)
    response = host_client("care.alpha-example.org").get("/")
    assert response.status_code == 200
    assert "Alpha Community Living" in response.content.decode()


def test_it_shows_a_plain_404_for_an_unknown_host(db):
    response = host_client("nobody.localhost").get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "Alpha" not in body and "Beta" not in body
    assert "Traceback" not in body


def test_an_unknown_host_with_a_port_is_still_a_404(db):
    assert host_client("nobody.localhost:8000").get("/").status_code == 404


def test_the_template_schema_is_not_reachable_by_any_host(db):
    assert host_client("template.localhost").get("/").status_code == 404


def test_a_suspended_organization_shows_a_suspended_page_with_403(org_b, client_b):
    services.organization_suspend(organization=org_b)
    response = client_b.get("/")
    assert response.status_code == 403
    assert "is suspended" in response.content.decode()
    assert client_b.get("/admin/login/").status_code == 403


def test_reactivating_restores_access(org_b, client_b):
    services.organization_suspend(organization=org_b)
    services.organization_reactivate(organization=org_b)
    assert client_b.get("/").status_code == 200


def test_the_public_host_shows_the_landing_page_and_platform_admin(public_client):
    response = public_client.get("/")
    assert response.status_code == 200
    assert "Starline" in response.content.decode()
    assert public_client.get("/accounts/sign-in/").status_code == 200
    assert "/accounts/sign-in/" in public_client.get("/admin/", follow=True).redirect_chain[-1][0]


def test_each_request_runs_in_its_organizations_schema(client_a, client_b, org_a, org_b):
    seen = {}

    from django.test.signals import template_rendered

    def capture(sender, template, context, **kwargs):
        seen.setdefault("schema", connection.schema_name)

    template_rendered.connect(capture)
    try:
        client_a.get("/")
        assert seen["schema"] == org_a.schema_name
        seen.clear()
        client_b.get("/")
        assert seen["schema"] == org_b.schema_name
    finally:
        template_rendered.disconnect(capture)


def test_the_host_lookup_is_cached_between_requests(one_minute, client_a, org_a, django_assert_num_queries):
    client_a.get("/")
    with django_assert_num_queries(0):
        response = client_a.get("/")
    assert response.status_code == 200


def test_changing_domains_invalidates_the_host_cache(org_a):
    assert host_cache.lookup("new-alpha.localhost") is None
    services.organization_update(organization=org_a, subdomain="new-alpha")
    assert host_cache.lookup("new-alpha.localhost") == org_a
    assert host_cache.lookup("alpha.localhost") is None


def test_it_activates_the_organizations_timezone_and_language(org_b, client_b):
    services.organization_update(organization=org_b, settings={"language": "es"})
    response = client_b.get("/")
    assert response["Content-Language"] == "es"
    assert response.context["TIME_ZONE"] == "Europe/Madrid"
    assert 'lang="es"' in response.content.decode()


def test_a_visitors_language_choice_wins_over_the_organization_default(client_a):
    client_a.cookies["django_language"] = "es"
    response = client_a.get("/")
    assert response["Content-Language"] == "es"
    assert "Bienvenido" in response.content.decode()


def test_hosts_are_matched_without_regard_to_case(client_a, org_a):
    response = host_client("ALPHA.LocalHost").get("/")
    assert response.status_code == 200
    assert org_a.name in response.content.decode()


def test_www_is_not_stripped_so_it_never_reaches_another_organization(org_a, org_b):
    services.organization_update(organization=org_a, custom_domain="alpha-care.org")
    domain_services.custom_domain_verify_by_hand(organization=org_a)
    assert host_client("www.alpha-care.org").get("/").status_code == 404
    services.organization_update(organization=org_b, custom_domain="www.alpha-care.org")
    domain_services.custom_domain_verify_by_hand(organization=org_b)
    assert "Beta" in host_client("www.alpha-care.org").get("/").content.decode()
    assert "Alpha" in host_client("alpha-care.org").get("/").content.decode()


def test_the_404_and_suspended_pages_carry_the_security_headers(org_b, client_b):
    unknown = host_client("nobody.localhost").get("/")
    services.organization_suspend(organization=org_b)
    suspended = client_b.get("/")
    for response in (unknown, suspended):
        assert response["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


@override_settings(DEBUG=False)
def test_an_organizations_404_names_it_and_leads_back_to_its_start_page(org_a):
    """Someone who followed a stale link, often on a phone, sees whose site this still is and
    a way back in their language; an unknown host's 404 offers neither (test above)."""
    client = signed_in(org_a, "dsp")
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert org_a.name in body and '<a class="button" href="/">Back to the start page</a>' in body
    client.cookies["django_language"] = "es"
    body = client.get("/no/such/page/").content.decode()
    assert "Página no encontrada" in body and "Volver a la página de inicio" in body
    assert "style=" not in body and "<script" not in body


@override_settings(DEBUG=False)
def test_an_unknown_hosts_404_offers_no_start_page(db):
    body = host_client("nobody.localhost").get("/").content.decode()
    assert "Page not found" in body and "Back to the start page" not in body
