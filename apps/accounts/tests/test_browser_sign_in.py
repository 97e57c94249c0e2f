"""A person signs in with password and a TOTP code computed here, in a real browser."""

import pytest
from django.core.management import call_command
from django.db import connection
from django_otp.oath import TOTP

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
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Email address").fill("nurse@harbor.test")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
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
