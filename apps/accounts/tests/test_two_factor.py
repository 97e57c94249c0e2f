import re

from django.db import connection
from django_otp.oath import TOTP

from apps.accounts import services
from apps.accounts.models import AuthEvent, TOTPDevice, User
from apps.tenants import services as tenant_services
from conftest import TEST_PASSWORD, person


def _code(key_hex: str, offset_steps: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = totp.time + offset_steps * 30
    return f"{totp.token():06d}"


def _sign_in(client, email):
    return client.post("/accounts/sign-in/", {"email": email, "password": TEST_PASSWORD})


def _enrol(client, org, local):
    """Enrol through the pages; returns (device key, backup codes)."""
    assert client.post("/accounts/two-factor/setup/", {"action": "start"}).status_code == 302
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    with org:
        key = TOTPDevice.objects.get(user__email=f"{local}@{org.subdomain}.test", confirmed=False).key
    response = client.post("/accounts/two-factor/setup/", {"token": _code(key)})
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", response.content.decode())
    return key, codes


def test_enrolment_turns_two_factor_on_and_gives_ten_backup_codes(org_a, client_a):
    _sign_in(client_a, "nurse@alpha.test")
    _key, codes = _enrol(client_a, org_a, "nurse")
    assert len(codes) == 10 and len(set(codes)) == 10
    with org_a:
        assert User.objects.get(email="nurse@alpha.test").two_factor_enabled
        assert AuthEvent.objects.filter(kind="2fa_enrolled", email="nurse@alpha.test").exists()


def test_a_wrong_code_does_not_confirm_enrolment(org_a, client_a):
    _sign_in(client_a, "nurse@alpha.test")
    client_a.post("/accounts/two-factor/setup/", {"action": "start"})
    response = client_a.post("/accounts/two-factor/setup/", {"token": "000000"})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    with org_a:
        assert not User.objects.get(email="nurse@alpha.test").two_factor_enabled


def _pending_keys(org, email):
    with org:
        return list(TOTPDevice.objects.filter(user__email=email, confirmed=False).values_list("key", flat=True))


def test_opening_the_setup_page_neither_starts_nor_replaces_an_enrolment(org_a, client_a):
    _sign_in(client_a, "nurse@alpha.test")
    page = client_a.get("/accounts/two-factor/setup/")
    assert page.status_code == 200 and "QR code" not in page.content.decode()
    assert _pending_keys(org_a, "nurse@alpha.test") == []
    client_a.post("/accounts/two-factor/setup/", {"action": "start"})
    started = _pending_keys(org_a, "nurse@alpha.test")
    for _ in range(2):
        page = client_a.get("/accounts/two-factor/setup/")
        assert "QR code" in page.content.decode()
    assert _pending_keys(org_a, "nurse@alpha.test") == started and len(started) == 1


def test_asking_for_a_new_code_replaces_the_one_in_progress(org_a, client_a):
    _sign_in(client_a, "nurse@alpha.test")
    client_a.post("/accounts/two-factor/setup/", {"action": "start"})
    first = _pending_keys(org_a, "nurse@alpha.test")
    response = client_a.post("/accounts/two-factor/setup/", {"action": "start"})
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/setup/"
    second = _pending_keys(org_a, "nurse@alpha.test")
    assert len(second) == 1 and second != first


def test_confirming_without_an_enrolment_in_progress_asks_to_start_again(org_a, client_a):
    _sign_in(client_a, "nurse@alpha.test")
    response = client_a.post("/accounts/two-factor/setup/", {"token": "123456"}, follow=True)
    assert "start again" in response.content.decode()
    with org_a:
        assert not User.objects.get(email="nurse@alpha.test").two_factor_enabled


def test_the_secret_is_stored_encrypted(org_a, client_a):
    _sign_in(client_a, "nurse@alpha.test")
    key, _codes = _enrol(client_a, org_a, "nurse")
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT key FROM "{org_a.schema_name}".accounts_totpdevice')  # nosec B608 # the test organization's schema name
        stored = cursor.fetchone()[0]
    assert key not in stored and stored.startswith("gAAAAA")


def test_after_enrolment_sign_in_asks_for_the_code(org_a, client_a, settings):
    settings.OTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise delay the right one
    _sign_in(client_a, "nurse@alpha.test")
    key, _codes = _enrol(client_a, org_a, "nurse")
    client_a.post("/accounts/sign-out/")

    _sign_in(client_a, "nurse@alpha.test")
    response = client_a.get("/accounts/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    assert client_a.post("/accounts/two-factor/", {"token": "123456"}).status_code == 400
    response = client_a.post("/accounts/two-factor/", {"token": _code(key, 1), "next": "/accounts/profile/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert client_a.get("/accounts/profile/").status_code == 200


def test_wrong_codes_slow_down_the_next_tries(org_a, client_a, settings):
    settings.OTP_THROTTLE_FACTOR = 3600  # the delay still runs at the second try, however slow the machine
    _sign_in(client_a, "nurse@alpha.test")
    key, _codes = _enrol(client_a, org_a, "nurse")
    client_a.post("/accounts/sign-out/")
    _sign_in(client_a, "nurse@alpha.test")
    assert client_a.post("/accounts/two-factor/", {"token": "123456"}).status_code == 400
    # Right code, but straight after a wrong one: throttled.
    assert client_a.post("/accounts/two-factor/", {"token": _code(key, 1)}).status_code == 400


NOT_RIGHT = "That code is not right, or it was already used. Try the next one."
THROTTLED = "Too many wrong codes in a row: wait a few seconds, then enter the current code."


def test_the_first_wrong_code_says_it_is_not_right(org_a, client_a):
    _sign_in(client_a, "nurse@alpha.test")
    _enrol(client_a, org_a, "nurse")
    client_a.post("/accounts/sign-out/")
    _sign_in(client_a, "nurse@alpha.test")
    response = client_a.post("/accounts/two-factor/", {"token": "123456"})
    assert response.status_code == 400
    assert response.context["form"].errors["token"] == [NOT_RIGHT]


def test_a_try_while_the_delay_runs_says_to_wait(org_a, client_a, settings):
    settings.OTP_THROTTLE_FACTOR = 3600  # the delay still runs at the second try, however slow the machine
    _sign_in(client_a, "nurse@alpha.test")
    key, _codes = _enrol(client_a, org_a, "nurse")
    client_a.post("/accounts/sign-out/")
    _sign_in(client_a, "nurse@alpha.test")
    client_a.post("/accounts/two-factor/", {"token": "123456"})
    response = client_a.post("/accounts/two-factor/", {"token": _code(key, 1)})
    assert response.status_code == 400
    assert response.context["form"].errors["token"] == [THROTTLED]


def test_a_backup_code_works_once(org_a, client_a, settings):
    settings.OTP_THROTTLE_FACTOR = 0
    _sign_in(client_a, "nurse@alpha.test")
    _key, codes = _enrol(client_a, org_a, "nurse")
    client_a.post("/accounts/sign-out/")

    _sign_in(client_a, "nurse@alpha.test")
    assert client_a.post("/accounts/two-factor/", {"token": codes[0]}).status_code == 302
    client_a.post("/accounts/sign-out/")

    _sign_in(client_a, "nurse@alpha.test")
    assert client_a.post("/accounts/two-factor/", {"token": codes[0]}).status_code == 400
    assert client_a.post("/accounts/two-factor/", {"token": codes[1].upper()}).status_code == 302


def test_a_policy_for_everyone_sends_a_new_sign_in_to_enrolment_and_nowhere_else(org_a, client_a):
    policy = dict(org_a.settings or {}, security={"two_factor": "everyone"})
    tenant_services.organization_update(organization=org_a, settings=policy)
    _sign_in(client_a, "dsp@alpha.test")
    for path in ("/", "/accounts/profile/", "/accounts/people/", "/admin/"):
        response = client_a.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/setup/", path
    _enrol(client_a, org_a, "dsp")
    assert client_a.get("/accounts/profile/").status_code == 200


def test_a_policy_for_chosen_roles_spares_the_others(org_a, client_a, client_b):
    with org_a:
        nurse_role = str(person(org_a, "nurse").role_id)
    policy = dict(org_a.settings or {}, security={"two_factor": "roles", "two_factor_roles": [nurse_role]})
    tenant_services.organization_update(organization=org_a, settings=policy)
    _sign_in(client_a, "scheduler@alpha.test")
    assert client_a.get("/accounts/profile/").status_code == 200
    client_a.post("/accounts/sign-out/")
    _sign_in(client_a, "nurse@alpha.test")
    assert client_a.get("/accounts/profile/")["Location"] == "/accounts/two-factor/setup/"


def test_required_users_cannot_turn_two_factor_off(org_a, client_a):
    policy = dict(org_a.settings or {}, security={"two_factor": "everyone"})
    tenant_services.organization_update(organization=org_a, settings=policy)
    _sign_in(client_a, "dsp@alpha.test")
    _enrol(client_a, org_a, "dsp")
    client_a.post("/accounts/two-factor/disable/")
    with org_a:
        assert User.objects.get(email="dsp@alpha.test").two_factor_enabled


def test_an_admin_reset_is_logged_and_the_person_enrols_again(org_a, client_a):
    from conftest import signed_in

    _sign_in(client_a, "nurse@alpha.test")
    _enrol(client_a, org_a, "nurse")
    nurse = person(org_a, "nurse")
    admin = signed_in(org_a, "admin")
    assert admin.post(f"/accounts/people/{nurse.pk}/two-factor/reset/").status_code == 302
    with org_a:
        nurse.refresh_from_db()
        assert not nurse.two_factor_enabled
        assert not TOTPDevice.objects.filter(user=nurse).exists()
        event = AuthEvent.objects.get(kind="2fa_removed", email="nurse@alpha.test")
        assert event.actor.email == "admin@alpha.test" and event.detail["by_admin"] is True


def test_a_dsp_cannot_reset_someone_elses_two_factor(org_a):
    from conftest import signed_in

    nurse = person(org_a, "nurse")
    with org_a:
        services.backup_codes_regenerate(user=nurse)
    dsp = signed_in(org_a, "dsp")
    assert dsp.post(f"/accounts/people/{nurse.pk}/two-factor/reset/").status_code == 403
