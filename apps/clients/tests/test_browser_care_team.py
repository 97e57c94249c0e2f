"""Adding to the care team in a real browser, with the keyboard only: type a name, the
results appear under the search box (htmx), choose one, add."""

import pytest

from apps.accounts.models import User
from apps.clients import selectors, services
from apps.clients.models import Client
from apps.core.tests.browser import sign_in
from apps.tenants.models import Organization

pytestmark = pytest.mark.browser


def test_a_manager_adds_a_nurse_to_the_care_team_with_the_keyboard(demo, page, settings):
    sunrise = Organization.objects.get(subdomain="sunrise")
    with sunrise:
        nurse = User.objects.get(email="nurse@sunrise.test")
        client = next(c for c in Client.objects.order_by("client_id") if nurse not in selectors.care_team(c))
    base = f"http://sunrise.localhost:{demo}"
    sign_in(page, base, "manager@sunrise.test", settings.DEMO_PASSWORD)
    page.goto(f"{base}/clients/{client.pk}/")
    page.get_by_label("Find a person to add to the care team").focus()
    page.keyboard.type("Noor Had")
    choice = page.get_by_role("radio", name="Noor Haddad")
    choice.wait_for()
    assert "nurse@sunrise.test" in page.locator("#team-results").inner_text()
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")  # the only result, already chosen
    assert choice.evaluate("element => element === document.activeElement") and choice.is_checked()
    page.keyboard.press("Tab")
    # Wait for the page the form leads to, not the one already loaded.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Noor Haddad is on the care team." in page.locator("body").inner_text()
    with sunrise:
        assert nurse in selectors.care_team(client)
        # The demo data is committed and shared by the module's browser tests: put it back.
        services.care_team_remove(client=client, user=nurse)
