"""The custom domain page (/settings/domains/): an organization's admins add a domain, see the
TXT record to create and check it; nobody else may, and one organization never sees or
touches another's domain."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from apps.tenants import domain_services
from apps.tenants.models import Domain
from conftest import host_client, signed_in

URL = "/settings/domains/"
HOST = "care.alpha-example.org"


def test_an_admin_adds_a_domain_and_sees_the_record_to_create(org_a, fake_dns_records):
    client = signed_in(org_a, "admin")
    page = client.get(URL)
    assert page.status_code == 200 and "Add a domain" in page.content.decode()

    response = client.post(URL, {"custom_domain": HOST})
    assert response.status_code == 302 and response["Location"] == URL
    domain = Domain.objects.get(domain=HOST, tenant=org_a)
    body = client.get(URL).content.decode()
    assert "Domain added. Create the TXT record below" in body
    assert "<code>_starline-verify.care.alpha-example.org</code>" in body
    assert f"<code>{domain.token}</code>" in body
    assert "Waiting for verification" in body and "Does not serve your site yet." in body
    assert "Check now" in body


def test_check_now_verifies_a_domain_whose_record_is_published(org_a, fake_dns_records):
    client = signed_in(org_a, "admin")
    client.post(URL, {"custom_domain": HOST})
    response = client.post(URL + "check/", follow=True)
    assert "No TXT record named _starline-verify.care.alpha-example.org exists." in response.content.decode()
    assert host_client(HOST).get("/").status_code == 404

    fake_dns_records.publish("_starline-verify." + HOST, Domain.objects.get(domain=HOST).token)
    body = client.post(URL + "check/", follow=True).content.decode()
    assert f"{HOST} is verified and serves your site." in body and "Serves your site." in body
    assert host_client(HOST).get("/").status_code == 200


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("192.0.2.10", "An IP address cannot be a custom domain"),
        ("localhost", "Enter a full domain name"),
        ("beta.localhost", "cannot be under localhost"),
    ],
)
def test_a_bad_domain_is_refused_on_the_page_with_its_message(org_a, typed, said):
    client = signed_in(org_a, "admin")
    response = client.post(URL, {"custom_domain": typed})
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not Domain.objects.filter(tenant=org_a, kind=Domain.Kind.CUSTOM).exists()


def test_removing_asks_first_and_a_get_removes_nothing(org_a):
    client = signed_in(org_a, "admin")
    client.post(URL, {"custom_domain": HOST})
    page = client.get(URL).content.decode()
    # The page's button leads to a confirmation, not straight to the removal.
    assert f'<a class="button button-danger" href="{URL}remove/">' in page
    confirm = client.get(URL + "remove/")
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert f"After this, {HOST} no longer serves your site" in body and 'method="post"' in body
    assert Domain.objects.filter(domain=HOST, tenant=org_a).exists()
    assert client.post(URL + "remove/").status_code == 302
    assert not Domain.objects.filter(domain=HOST, tenant=org_a).exists()
    # With no domain left, the confirmation page has nothing to confirm.
    assert client.get(URL + "remove/")["Location"] == URL


def test_a_second_domain_is_refused_until_the_first_is_removed(org_a):
    client = signed_in(org_a, "admin")
    client.post(URL, {"custom_domain": HOST})
    response = client.post(URL, {"custom_domain": "other-alpha.org"})
    assert response.status_code == 400
    assert "Remove the current custom domain before adding another." in response.content.decode()
    client.post(URL + "remove/")
    assert not Domain.objects.filter(tenant=org_a, kind=Domain.Kind.CUSTOM).exists()
    assert client.post(URL, {"custom_domain": "other-alpha.org"}).status_code == 302


@pytest.mark.parametrize("role", ["manager", "dsp", "scheduler", "billing", "hr", "auditor", "outsider"])
def test_people_without_the_sign_in_policy_permission_get_403(org_a, role):
    domain_services.custom_domain_claim(organization=org_a, domain=HOST)
    client = signed_in(org_a, role)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"custom_domain": "other-alpha.org"}).status_code == 403
    assert client.post(URL + "check/").status_code == 403
    assert client.post(URL + "remove/").status_code == 403
    assert client.get(URL + "remove/").status_code == 403
    assert Domain.objects.filter(domain=HOST, tenant=org_a).exists()


def test_signed_out_visitors_are_sent_to_sign_in(org_a):
    response = host_client(org_a.primary_host).get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_another_organizations_admin_neither_sees_nor_touches_the_domain(org_a, org_b, fake_dns_records):
    alpha = domain_services.custom_domain_claim(organization=org_a, domain=HOST)
    beta_admin = signed_in(org_b, "admin")
    body = beta_admin.get(URL).content.decode()
    assert HOST not in body and alpha.token not in body and "Add a domain" in body
    # Their check and remove act on their own organization, which has none.
    assert "has no custom domain" in beta_admin.post(URL + "check/", follow=True).content.decode()
    beta_admin.post(URL + "remove/")
    assert Domain.objects.filter(domain=HOST, tenant=org_a).exists()
    assert fake_dns_records.asked == []


def test_an_admins_session_means_nothing_on_another_organizations_host(org_a, org_b):
    from django.conf import settings

    alpha_admin = signed_in(org_a, "admin")
    on_beta = host_client(org_b.primary_host)
    on_beta.cookies[settings.SESSION_COOKIE_NAME] = alpha_admin.cookies[settings.SESSION_COOKIE_NAME].value
    response = on_beta.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_the_page_is_not_on_the_platforms_host(public_client):
    assert public_client.get(URL).status_code == 404


def test_the_page_and_its_messages_speak_spanish(org_a, fake_dns_records):
    client = signed_in(org_a, "admin")
    client.cookies["django_language"] = "es"
    assert "Añadir un dominio" in client.get(URL).content.decode()
    response = client.post(URL, {"custom_domain": "192.0.2.10"})
    assert "Una dirección IP no puede ser un dominio propio" in response.content.decode()
    client.post(URL, {"custom_domain": HOST})
    body = client.post(URL + "check/", follow=True).content.decode()
    assert "No existe ningún registro TXT llamado _starline-verify.care.alpha-example.org." in body
    assert "Pendiente de verificación" in body and "Comprobar ahora" in body


def test_an_internationalised_domain_is_stored_in_ascii_and_shown_both_ways(org_a):
    client = signed_in(org_a, "admin")
    response = client.post(URL, {"custom_domain": "Bücher.example.org"})
    assert response.status_code == 302
    # Browsers send the ASCII form in the Host header: that is the form stored and routed.
    domain = Domain.objects.get(tenant=org_a, kind=Domain.Kind.CUSTOM)
    assert domain.domain == "xn--bcher-kva.example.org"
    org_a.refresh_from_db()
    assert org_a.custom_domain == "xn--bcher-kva.example.org"
    body = client.get(URL).content.decode()
    assert '<h2 id="domain-title">bücher.example.org</h2>' in body
    assert "this domain is written xn--bcher-kva.example.org" in body
    assert "<code>_starline-verify.xn--bcher-kva.example.org</code>" in body
    assert "After this, bücher.example.org no longer serves your site" in client.get(URL + "remove/").content.decode()


def test_a_name_the_idna_codec_refuses_gets_the_domain_message(org_a):
    client = signed_in(org_a, "admin")
    response = client.post(URL, {"custom_domain": "bü..example.org"})
    assert response.status_code == 400
    assert "Enter a full domain name" in response.content.decode()
    assert not Domain.objects.filter(tenant=org_a, kind=Domain.Kind.CUSTOM).exists()


@pytest.mark.parametrize("apex", ["alpha-example.org", "alpha.co.uk"])
def test_an_apex_domain_is_told_to_use_an_alias_record_not_a_cname(org_a, apex):
    client = signed_in(org_a, "admin")
    client.post(URL, {"custom_domain": apex})
    body = client.get(URL).content.decode()
    assert "where DNS does not allow a CNAME record" in body
    assert "ALIAS or ANAME record" in body and f"www.{apex}" in body
    assert "(a CNAME record)" not in body


def test_a_subdomain_is_told_to_use_a_cname(org_a):
    client = signed_in(org_a, "admin")
    client.post(URL, {"custom_domain": HOST})
    body = client.get(URL).content.decode()
    assert "(a CNAME record)" in body and "ALIAS" not in body


def test_the_apex_instructions_are_in_spanish_too(org_a):
    client = signed_in(org_a, "admin")
    client.post(URL, {"custom_domain": "alpha-example.org"})
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "es"
    body = client.get(URL).content.decode()
    assert "registro ALIAS o ANAME" in body


def test_a_verified_internationalised_domain_serves_the_site_at_its_ascii_host(org_a, fake_dns_records):
    client = signed_in(org_a, "admin")
    client.post(URL, {"custom_domain": "bücher.example.org"})
    ascii_host = "xn--bcher-kva.example.org"
    fake_dns_records.publish("_starline-verify." + ascii_host, Domain.objects.get(domain=ascii_host).token)
    body = client.post(URL + "check/", follow=True).content.decode()
    assert "Serves your site." in body
    # Browsers send the ASCII form in the Host header.
    assert host_client(ascii_host).get("/").status_code == 200
