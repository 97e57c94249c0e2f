import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client

from apps.accounts import services
from apps.accounts.models import AuthEvent, User, UserSession
from conftest import TEST_PASSWORD, host_client, person


def _sign_in(client, email, password=TEST_PASSWORD, **extra):
    return client.post("/accounts/sign-in/", {"email": email, "password": password, **extra})


def test_a_user_signs_in_and_lands_where_they_were_going(org_a, client_a):
    response = _sign_in(client_a, "dsp@alpha.test", next="/accounts/profile/")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert client_a.get("/accounts/profile/").status_code == 200
    with org_a:
        record = UserSession.objects.get(user__email="dsp@alpha.test")
        assert record.ip_address == "127.0.0.1" and record.revoked_at is None
        assert AuthEvent.objects.filter(kind="sign_in", email="dsp@alpha.test").exists()


def test_the_email_is_matched_without_regard_to_case(client_a):
    assert _sign_in(client_a, "DSP@Alpha.TEST").status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [("dsp@alpha.test", "wrong password here"), ("nobody@alpha.test", TEST_PASSWORD)],
)
def test_a_wrong_password_or_unknown_email_gets_one_clear_message(org_a, client_a, email, password):
    response = _sign_in(client_a, email, password)
    assert response.status_code == 400
    assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client_a.session
    with org_a:
        assert AuthEvent.objects.filter(kind="sign_in_failed", email=email).exists()


def test_missing_fields_are_explained_next_to_them(client_a):
    response = client_a.post("/accounts/sign-in/", {"email": "not-an-email", "password": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_email_error"' in html and 'id="id_password_error"' in html


@pytest.mark.parametrize(
    ("status", "message"),
    [("pending", "invitation email"), ("suspended", "suspended"), ("inactive", "no longer active")],
)
def test_only_active_users_sign_in_and_others_are_told_why(org_a, client_a, status, message):
    with org_a:
        User.objects.filter(email="nurse@alpha.test").update(status=status)
    response = _sign_in(client_a, "nurse@alpha.test")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "_auth_user_id" not in client_a.session


def test_a_status_message_needs_the_right_password(org_a, client_a):
    with org_a:
        User.objects.filter(email="nurse@alpha.test").update(status="suspended")
    response = _sign_in(client_a, "nurse@alpha.test", "not the password")
    assert "suspended" not in response.content.decode()


def test_a_user_of_one_organization_cannot_sign_in_on_another(client_b):
    response = _sign_in(client_b, "dsp@alpha.test")
    assert response.status_code == 400
    assert "_auth_user_id" not in client_b.session


def test_a_session_cookie_from_one_organization_means_nothing_on_another(org_a, org_b, client_a):
    _sign_in(client_a, "admin@alpha.test")
    stranger = host_client(org_b.primary_host)
    stranger.cookies["sessionid"] = client_a.cookies["sessionid"].value
    response = stranger.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_signing_out_ends_the_session_record(org_a, client_a):
    _sign_in(client_a, "dsp@alpha.test")
    response = client_a.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert client_a.get("/accounts/profile/").status_code == 302
    with org_a:
        assert UserSession.objects.get(user__email="dsp@alpha.test").revoked_reason == "signed_out"


def test_sign_out_needs_post(client_a):
    _sign_in(client_a, "dsp@alpha.test")
    assert client_a.get("/accounts/sign-out/").status_code == 405


def test_forms_refuse_a_post_without_the_csrf_token(org_a):
    client = Client(HTTP_HOST=org_a.primary_host, enforce_csrf_checks=True)
    response = client.post("/accounts/sign-in/", {"email": "dsp@alpha.test", "password": TEST_PASSWORD})
    assert response.status_code == 403


def test_an_unsafe_next_address_is_ignored(client_a):
    response = _sign_in(client_a, "dsp@alpha.test", next="https://evil.example/")
    assert response["Location"] == "/"


def test_passwords_are_hashed_with_argon2_in_production(settings, org_a):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    with org_a:
        user = person(org_a, "dsp")
        user.set_password("a long enough passphrase")
        assert identify_hasher(user.password).algorithm == "argon2"


def test_password_rules_need_twelve_characters_and_refuse_common_ones(org_a):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short1!", "password1234"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("harbor lights at dusk")


def test_the_admin_login_goes_through_the_real_sign_in(client_a):
    response = client_a.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_services_sign_in_records_expiry_from_the_policy(org_a, rf):
    from django.contrib.sessions.backends.cache import SessionStore

    request = rf.get("/", HTTP_HOST=org_a.primary_host)
    request.organization = org_a
    request.session = SessionStore()
    with org_a:
        user = person(org_a, "scheduler")
        record = services.sign_in(request=request, user=user)
        hours = (record.expires_at - record.created_at).total_seconds() / 3600
    assert round(hours) == 12
