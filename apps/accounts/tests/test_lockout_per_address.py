"""Lockout counted per account and address, with a ceiling per account (apps.accounts.lockout):
a stranger cannot lock a colleague out from elsewhere, and guessing from many addresses still
locks the account."""

import pytest
from axes.models import AccessAttempt

from apps.accounts import selectors
from apps.accounts.models import AuthEvent
from conftest import TEST_PASSWORD, host_client, person, signed_in

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"
EMAIL = "billing@alpha.test"


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    # The lockout alone is under test here, not the per-address rate limit.
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "sign_in": "0/m"}


def _attempt(client, password, ip):
    return client.post("/accounts/sign-in/", {"email": EMAIL, "password": password}, REMOTE_ADDR=ip)


def test_failures_from_one_address_lock_only_that_address(org_a, client_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client_a, "not the password", ATTACKER)
    response = _attempt(client_a, TEST_PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "too many failed attempts" in response.content.decode().lower()
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME * 3600)

    # The colleague at the office still gets in.
    assert _attempt(client_a, TEST_PASSWORD, OFFICE).status_code == 302
    with org_a:
        assert AuthEvent.objects.filter(kind="locked_out").exists()
        # Their success cleared their own address, not the attacker's.
        assert AccessAttempt.objects.filter(username=EMAIL, ip_address=ATTACKER).exists()


def test_the_attacker_stays_locked_after_the_colleague_signs_in(org_a, client_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client_a, "not the password", ATTACKER)
    assert _attempt(client_a, TEST_PASSWORD, OFFICE).status_code == 302
    attacker = host_client(org_a.primary_host)
    assert _attempt(attacker, TEST_PASSWORD, ATTACKER).status_code == 429


def test_failures_spread_over_many_addresses_lock_the_account_everywhere(org_a, client_a, settings):
    settings.ACCOUNT_LOCKOUT_TOTAL = 20
    # One failure from each of 20 addresses: none near the per-address limit...
    for n in range(1, 20):
        _attempt(client_a, "not the password", f"192.0.2.{n}")
    with org_a:
        assert not selectors.is_locked_out(person(org_a, "billing"))
    _attempt(client_a, "not the password", "192.0.2.20")
    # ...but together they reach the account's total: locked from any address, the office too.
    response = _attempt(client_a, TEST_PASSWORD, OFFICE)
    assert response.status_code == 429
    assert "_auth_user_id" not in client_a.session
    with org_a:
        assert selectors.is_locked_out(person(org_a, "billing"))


def test_below_the_total_the_account_is_not_locked(org_a, client_a, settings):
    settings.ACCOUNT_LOCKOUT_TOTAL = 20
    # 4 addresses x 4 failures: 16, under both limits.
    for n in range(1, 5):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            _attempt(client_a, "not the password", f"192.0.2.{n}")
    with org_a:
        assert not selectors.is_locked_out(person(org_a, "billing"))
    assert _attempt(client_a, TEST_PASSWORD, OFFICE).status_code == 302


def test_a_success_resets_the_failures_of_its_address(org_a, client_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(client_a, "not the password", OFFICE)
    assert _attempt(client_a, TEST_PASSWORD, OFFICE).status_code == 302
    client_a.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(client_a, "not the password", OFFICE)
    assert _attempt(client_a, TEST_PASSWORD, OFFICE).status_code == 302


def test_the_admin_unlock_clears_the_address_lock_and_the_account_lock(org_a, client_a, settings):
    settings.ACCOUNT_LOCKOUT_TOTAL = 8
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client_a, "not the password", ATTACKER)
    for n in range(1, 4):
        _attempt(client_a, "not the password", f"192.0.2.{n}")
    billing = person(org_a, "billing")
    with org_a:
        assert selectors.is_locked_out(billing)
    assert _attempt(client_a, TEST_PASSWORD, OFFICE).status_code == 429

    admin = signed_in(org_a, "admin")
    assert "Unlock sign-in" in admin.get(f"/accounts/people/{billing.pk}/").content.decode()
    assert admin.post(f"/accounts/people/{billing.pk}/unlock/").status_code == 302
    with org_a:
        assert not selectors.is_locked_out(billing)
        assert not AccessAttempt.objects.filter(username=EMAIL).exists()
    assert _attempt(client_a, TEST_PASSWORD, ATTACKER).status_code == 302


def test_the_unlock_button_shows_for_a_lock_on_one_address(org_a, client_a, settings):
    billing = person(org_a, "billing")
    admin = signed_in(org_a, "admin")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client_a, "not the password", ATTACKER)
    assert "Unlock sign-in" in admin.get(f"/accounts/people/{billing.pk}/").content.decode()
