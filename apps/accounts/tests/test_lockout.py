from apps.accounts.models import AuthEvent
from conftest import TEST_PASSWORD, signed_in


def _attempt(client, email, password):
    return client.post("/accounts/sign-in/", {"email": email, "password": password})


def test_repeated_failures_lock_the_account_with_a_clear_message(org_a, client_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client_a, "billing@alpha.test", "not the password")
    response = _attempt(client_a, "billing@alpha.test", TEST_PASSWORD)
    assert response.status_code == 429
    assert "too many failed attempts" in response.content.decode().lower()
    assert "_auth_user_id" not in client_a.session
    with org_a:
        assert AuthEvent.objects.filter(kind="locked_out").exists()


def test_an_admin_unlocks_and_the_person_signs_in_again(org_a, client_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client_a, "billing@alpha.test", "not the password")
    assert _attempt(client_a, "billing@alpha.test", TEST_PASSWORD).status_code == 429

    admin = signed_in(org_a, "admin")
    from conftest import person

    billing = person(org_a, "billing")
    assert admin.post(f"/accounts/people/{billing.pk}/unlock/").status_code == 302
    assert _attempt(client_a, "billing@alpha.test", TEST_PASSWORD).status_code == 302
    with org_a:
        assert AuthEvent.objects.filter(kind="unlocked", email="billing@alpha.test").exists()


def test_failures_in_one_organization_do_not_lock_another(org_a, org_b, client_a, client_b, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client_a, "billing@alpha.test", "not the password")
    assert _attempt(client_b, "billing@beta.test", TEST_PASSWORD).status_code == 302


def test_the_unlock_button_shows_only_while_someone_is_locked_out(org_a, client_a, settings):
    from conftest import person

    billing = person(org_a, "billing")
    admin = signed_in(org_a, "admin")
    assert "Unlock sign-in" not in admin.get(f"/accounts/people/{billing.pk}/").content.decode()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client_a, "billing@alpha.test", "not the password")
    assert "Unlock sign-in" in admin.get(f"/accounts/people/{billing.pk}/").content.decode()
