"""A person signs in with password and a TOTP code computed here, in a real browser."""

import pytest
from django.core.management import call_command
from django.db import connection
from django_otp.oath import TOTP

from apps.core.tests.browser import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def enrolled(live_server_port, django_db_blocker):
    """A committed demo user with an authenticator (the live server reads committed data)."""
    from apps.accounts import services
    from apps.accounts.models import TOTPDevice, User
    from apps.tenants.models import Organization

    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        organization = Organization.objects.get(subdomain="harbor")
        with organization:
            user = User.objects.get(email="nurse@harbor.test")
            services.two_factor_remove(user=user, actor=None)
            device = services.totp_enrolment_start(user=user)
            TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
            User.objects.filter(pk=user.pk).update(two_factor_enabled=True)
            key = device.key
        connection.set_schema_to_public()
    return live_server_port, key


def test_a_nurse_signs_in_with_a_totp_code(enrolled, page, settings):
    port, key = enrolled
    base = f"http://harbor.localhost:{port}"
    sign_in(page, base, "nurse@harbor.test", settings.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/accounts/two-factor/**")
    assert "Enter your code" in page.locator("h1").inner_text()

    page.get_by_role("textbox", name="Code").fill(f"{TOTP(bytes.fromhex(key)).token():06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")
    assert "Welcome back, Noor" in page.locator("h1").inner_text()
    # The account menu is there, keyboard-reachable, and signs out.
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/accounts/sign-in/")


@pytest.fixture(scope="module")
def short_idle(enrolled, django_db_blocker):
    """Harbor with a one-minute idle limit: the warning shows after a second."""
    from apps.tenants import services as tenant_services
    from apps.tenants.models import Organization

    with django_db_blocker.unblock():
        harbor = Organization.objects.get(subdomain="harbor")
        settings_value = dict(
            harbor.settings or {},
            security={"idle_minutes": 1, "absolute_hours": 12, "two_factor": "optional", "two_factor_roles": []},
        )
        tenant_services.organization_update(organization=harbor, settings=settings_value)
        connection.set_schema_to_public()
    return enrolled[0]


def test_the_idle_warning_appears_and_stay_signed_in_keeps_the_session(short_idle, page, settings):
    base = f"http://harbor.localhost:{short_idle}"
    sign_in(page, base, "scheduler@harbor.test", settings.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    warning = page.locator("#session-warning")
    warning.wait_for(state="visible", timeout=5000)
    assert page.evaluate("document.activeElement.id") == "session-stay"
    with page.expect_response(lambda r: r.url.endswith("/accounts/session/keepalive/")) as keepalive:
        page.get_by_role("button", name="Stay signed in").click()
    assert keepalive.value.status == 204
    warning.wait_for(state="hidden", timeout=5000)


def test_escape_closes_the_account_menu_and_returns_focus(enrolled, page, settings):
    # Sunrise: Harbor has a one-minute idle limit in this module, whose warning takes focus.
    base = f"http://sunrise.localhost:{enrolled[0]}"
    sign_in(page, base, "billing@sunrise.test", settings.DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.locator(".user-menu summary").click()
    assert page.locator(".user-menu details").evaluate("el => el.open")
    page.keyboard.press("Escape")
    assert not page.locator(".user-menu details").evaluate("el => el.open")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
