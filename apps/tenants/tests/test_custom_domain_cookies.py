"""Sign-in cookies on a custom domain are host-only: no Domain= attribute, so they go back
only to the host that set them, never to a parent domain or the platform's base domain."""

from __future__ import annotations

from django.conf import settings

from apps.tenants import domain_services
from conftest import TEST_PASSWORD, host_client

HOST = "care.alpha-example.org"


def _sign_in(host: str):
    client = host_client(host)
    client.get("/accounts/sign-in/")
    response = client.post("/accounts/sign-in/", {"email": "admin@alpha.test", "password": TEST_PASSWORD})
    assert response.status_code == 302, response.status_code
    return client, response


def test_signing_in_on_a_verified_custom_domain_sets_host_only_cookies(org_a, fake_dns_records):
    domain = domain_services.custom_domain_claim(organization=org_a, domain=HOST)
    fake_dns_records.publish("_starline-verify." + HOST, domain.token)
    domain_services.custom_domain_check(organization=org_a)

    client, response = _sign_in(HOST)
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session.value and session["domain"] == ""
    header = session.OutputString()
    assert "Domain=" not in header and "HttpOnly" in header
    for morsel in client.cookies.values():
        assert morsel["domain"] == "", morsel.OutputString()
    # Signed in on the custom domain: its pages answer as the signed-in admin.
    assert client.get("/settings/domains/").status_code == 200
