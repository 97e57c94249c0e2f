import time

from apps.accounts import services
from apps.accounts.models import UserSession
from conftest import TEST_PASSWORD, host_client, person, signed_in


def _real_sign_in(org, local):
    client = host_client(org.primary_host)
    response = client.post("/accounts/sign-in/", {"email": f"{local}@{org.subdomain}.test", "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_the_sessions_page_lists_this_browser_and_others(org_a):
    first = _real_sign_in(org_a, "dsp")
    _real_sign_in(org_a, "dsp")
    html = first.get("/accounts/sessions/").content.decode()
    assert html.count('action="/accounts/sessions/') >= 2
    assert "This browser" in html


def test_revoking_a_session_takes_effect_on_its_next_request(org_a):
    mine = _real_sign_in(org_a, "dsp")
    other = _real_sign_in(org_a, "dsp")
    with org_a:
        record = UserSession.objects.get(session_key=other.session.session_key)
    with_capture = mine.post(f"/accounts/sessions/{record.pk}/revoke/")
    assert with_capture.status_code == 302
    response = other.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    assert mine.get("/accounts/profile/").status_code == 200


def test_sign_out_everywhere_else_keeps_only_this_browser(org_a):
    mine = _real_sign_in(org_a, "dsp")
    others = [_real_sign_in(org_a, "dsp") for _ in range(2)]
    mine.post("/accounts/sessions/revoke-others/")
    assert mine.get("/accounts/profile/").status_code == 200
    assert all(o.get("/accounts/profile/").status_code == 302 for o in others)


def test_nobody_can_revoke_a_session_that_is_not_theirs(org_a):
    victim = _real_sign_in(org_a, "dsp")
    with org_a:
        record = UserSession.objects.get(session_key=victim.session.session_key)
    attacker = signed_in(org_a, "nurse")
    assert attacker.post(f"/accounts/sessions/{record.pk}/revoke/").status_code == 404
    assert victim.get("/accounts/profile/").status_code == 200


def test_an_admin_signs_someone_out_everywhere(org_a):
    victim = _real_sign_in(org_a, "dsp")
    admin = signed_in(org_a, "admin")
    dsp = person(org_a, "dsp")
    assert admin.post(f"/accounts/people/{dsp.pk}/sessions/revoke/").status_code == 302
    assert victim.get("/accounts/profile/").status_code == 302


def test_suspending_a_user_ends_their_sessions_at_once(org_a):
    victim = _real_sign_in(org_a, "dsp")
    admin = signed_in(org_a, "admin")
    dsp = person(org_a, "dsp")
    response = admin.post(f"/accounts/people/{dsp.pk}/", {"role": dsp.role_id, "status": "suspended"})
    assert response.status_code == 302
    assert victim.get("/accounts/profile/").status_code == 302
    with org_a:
        assert UserSession.objects.get(user=dsp).revoked_reason == "status_suspended"


def test_an_idle_session_is_signed_out_with_a_message(org_a):
    client = _real_sign_in(org_a, "dsp")
    session = client.session
    session[services.SESSION_LAST_SEEN] = time.time() - 16 * 60
    session.save()
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    follow = client.get(response["Location"])
    assert "inactivity" in follow.content.decode()
    with org_a:
        assert UserSession.objects.get(user__email="dsp@alpha.test").revoked_reason == "expired"


def test_the_idle_timeout_follows_the_organization(org_a):
    from apps.tenants import services as tenant_services

    tenant_services.organization_update(organization=org_a, settings={"security": {"idle_minutes": 30}})
    client = _real_sign_in(org_a, "dsp")
    session = client.session
    session[services.SESSION_LAST_SEEN] = time.time() - 16 * 60
    session.save()
    assert client.get("/accounts/profile/").status_code == 200


def test_a_session_ends_after_its_absolute_lifetime_however_active(org_a):
    client = _real_sign_in(org_a, "dsp")
    session = client.session
    session[services.SESSION_STARTED] = time.time() - 13 * 3600
    session.save()
    assert client.get("/accounts/profile/").status_code == 302


def test_the_keepalive_button_counts_as_activity(org_a):
    client = _real_sign_in(org_a, "dsp")
    session = client.session
    session[services.SESSION_LAST_SEEN] = time.time() - 14 * 60
    session.save()
    assert client.post("/accounts/session/keepalive/").status_code == 204
    assert time.time() - client.session[services.SESSION_LAST_SEEN] < 5


def test_pages_carry_the_idle_timeout_for_the_warning(org_a):
    client = _real_sign_in(org_a, "dsp")
    html = client.get("/accounts/profile/").content.decode()
    assert 'data-idle-seconds="900"' in html and 'id="session-warning"' in html
