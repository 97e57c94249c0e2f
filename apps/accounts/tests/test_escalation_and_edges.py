"""Regressions for what a security review of accounts found."""

import re

from django.contrib.auth.models import Permission
from django.core import mail
from django.core.cache import cache
from django_otp.oath import TOTP

from apps.accounts import services
from apps.accounts.backends import _user_key
from apps.accounts.models import Role, TOTPDevice, User, UserSession
from apps.tenants import services as tenant_services
from conftest import TEST_PASSWORD, host_client, person, signed_in


def _sign_in(client, email, password=TEST_PASSWORD):
    return client.post("/accounts/sign-in/", {"email": email, "password": password})


def _enrol_nurse(org):
    with org:
        nurse = person(org, "nurse")
        device = services.totp_enrolment_start(user=nurse)
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        User.objects.filter(pk=nurse.pk).update(two_factor_enabled=True)
        return device.key


def test_a_password_alone_opens_no_two_factor_page_but_the_code_page(org_a, client_a):
    _enrol_nurse(org_a)
    _sign_in(client_a, "nurse@alpha.test")
    for method, path in (
        ("get", "/accounts/two-factor/setup/"),
        ("get", "/accounts/two-factor/manage/"),
        ("post", "/accounts/two-factor/backup-codes/"),
        ("post", "/accounts/two-factor/disable/"),
    ):
        response = getattr(client_a, method)(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/?"), path
    with org_a:
        assert User.objects.get(email="nurse@alpha.test").two_factor_enabled
        assert TOTPDevice.objects.filter(user__email="nurse@alpha.test", confirmed=True).count() == 1


def test_hr_cannot_hand_out_or_touch_the_admin_role(org_a):
    hr = signed_in(org_a, "hr")
    with org_a:
        admin_role = Role.objects.get(name="Organization Admin")
    response = hr.post(
        "/accounts/people/invite/",
        {"email": "boss2@alpha.test", "first_name": "B", "last_name": "O", "role": admin_role.pk},
    )
    assert response.status_code == 400
    dsp, admin = person(org_a, "dsp"), person(org_a, "admin")
    response = hr.post(f"/accounts/people/{dsp.pk}/", {"role": admin_role.pk, "status": "active"})
    assert response.status_code == 400
    assert hr.post(f"/accounts/people/{admin.pk}/", {"role": admin.role_id, "status": "suspended"}).status_code == 403
    with org_a:
        assert User.objects.get(pk=dsp.pk).role.name == "Direct Support Professional"
        assert User.objects.get(pk=admin.pk).status == "active"
        assert not User.objects.filter(email="boss2@alpha.test").exists()


def test_a_custom_role_cannot_promote_itself_or_act_beyond_its_permissions(org_a):
    with org_a:
        lead = services.role_create(
            name="Lead",
            permission_ids=[
                Permission.objects.get(codename=c).pk
                for c in ("access_admin", "change_user", "view_user", "manage_roles", "view_role")
            ],
            actor=None,
        )
        outsider = person(org_a, "outsider")
        User.objects.filter(pk=outsider.pk).update(role=lead)
        outsider.groups.set([lead.group])
        admin_role = Role.objects.get(name="Organization Admin")
        nurse = person(org_a, "nurse")
    client = signed_in(org_a, "outsider")
    own_form = {
        "email": outsider.email,
        "first_name": "O",
        "last_name": "O",
        "username": "",
        "phone": "",
        "employee_id": "",
        "hire_date": "",
        "role": admin_role.pk,
        "status": "active",
    }
    assert client.post(f"/admin/accounts/user/{outsider.pk}/change/", own_form).status_code == 403
    client.post("/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [nurse.pk]})
    with org_a:
        reset_perm = Permission.objects.get(codename="reset_two_factor")
    response = client.post(f"/accounts/roles/{lead.pk}/", {"name": "Lead", "permissions": [reset_perm.pk]})
    assert response.status_code == 400
    assert "do not hold" in response.content.decode()
    with org_a:
        assert not lead.group.permissions.filter(codename="reset_two_factor").exists()
        assert User.objects.get(pk=outsider.pk).role == lead
        assert not services_events_for(nurse, "2fa_removed")


def services_events_for(user, kind):
    from apps.accounts.models import AuthEvent

    return AuthEvent.objects.filter(user=user, kind=kind).exists()


def test_changing_the_password_keeps_this_browser_listed_and_revocable(org_a, client_a):
    _sign_in(client_a, "scheduler@alpha.test")
    new = "another long passphrase 9"
    client_a.post(
        "/accounts/password/change/", {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new}
    )
    with org_a:
        assert UserSession.objects.filter(session_key=client_a.session.session_key, revoked_at__isnull=True).exists()
    scheduler = person(org_a, "scheduler")
    signed_in(org_a, "admin").post(f"/accounts/people/{scheduler.pk}/sessions/revoke/")
    assert client_a.get("/accounts/profile/").status_code == 302


def test_look_alike_letters_do_not_reach_an_account(client_a):
    assert _sign_in(client_a, "billing@alpha.teſt").status_code == 400


def test_the_admin_stores_emails_lowercased_and_refuses_a_case_twin(org_a):
    admin = signed_in(org_a, "admin")
    dsp = person(org_a, "dsp")
    form = {
        "email": "Nurse@Alpha.test",
        "first_name": "D",
        "last_name": "O",
        "username": "",
        "phone": "",
        "employee_id": "",
        "hire_date": "",
        "role": dsp.role_id,
        "status": "active",
    }
    response = admin.post(f"/admin/accounts/user/{dsp.pk}/change/", form)
    assert response.status_code == 200 and "already uses this email" in response.content.decode()
    admin.post(f"/admin/accounts/user/{dsp.pk}/change/", form | {"email": "Dana.New@Alpha.test"})
    with org_a:
        changed = User.objects.get(pk=dsp.pk)
        assert changed.email == "dana.new@alpha.test" and not changed.email_verified


def test_the_cached_user_holds_no_password_hash(org_a):
    client = signed_in(org_a, "dsp")
    client.get("/")
    with org_a:
        cached = cache.get(_user_key(person(org_a, "dsp").pk))
    assert cached is not None and cached.password == ""


def test_an_invitation_link_dies_when_the_address_is_corrected(org_a, django_capture_on_commit_callbacks):
    admin = signed_in(org_a, "admin")
    with org_a:
        nurse_role = Role.objects.get(name="Nurse")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            "/accounts/people/invite/",
            {"email": "typo@wrong.test", "first_name": "T", "last_name": "Y", "role": nurse_role.pk},
        )
    link = "/" + re.search(r"https?://[^\s]+", mail.outbox[-1].body).group(0).split("/", 3)[3]
    with org_a:
        User.objects.filter(email="typo@wrong.test").update(email="right@alpha.test")
    assert host_client(org_a.primary_host).get(link).status_code == 400


def test_a_nul_byte_is_a_400_not_a_500(org_a):
    admin = signed_in(org_a, "admin")
    assert admin.get("/accounts/people/?q=%00").status_code == 400
    assert admin.get("/admin/accounts/user/?q=%00").status_code == 400


def test_the_role_requirement_survives_renaming_the_role(org_a, client_a):
    admin = signed_in(org_a, "admin")
    admin.post("/accounts/roles/new/", {"name": "Night shift", "permissions": []})
    with org_a:
        night = Role.objects.get(name="Night shift")
        dsp = person(org_a, "dsp")
        User.objects.filter(pk=dsp.pk).update(role=night)
    tenant_services.organization_update(
        organization=org_a, settings={"security": {"two_factor": "roles", "two_factor_roles": [str(night.pk)]}}
    )
    admin.post(f"/accounts/roles/{night.pk}/", {"name": "Overnight", "permissions": []})
    _sign_in(client_a, "dsp@alpha.test")
    assert client_a.get("/accounts/profile/")["Location"] == "/accounts/two-factor/setup/"


def test_keepalive_after_the_session_ended_says_401(client_a):
    assert client_a.post("/accounts/session/keepalive/").status_code == 401


def test_the_two_factor_pages_are_never_cached(org_a, client_a):
    _sign_in(client_a, "dsp@alpha.test")
    assert "no-store" in client_a.get("/accounts/two-factor/setup/")["Cache-Control"]


def test_the_verify_code_cannot_be_used_twice(org_a, client_a, settings):
    settings.OTP_THROTTLE_FACTOR = 0
    key = _enrol_nurse(org_a)
    code = f"{TOTP(bytes.fromhex(key)).token():06d}"
    _sign_in(client_a, "nurse@alpha.test")
    assert client_a.post("/accounts/two-factor/", {"token": code}).status_code == 302
    other = host_client(org_a.primary_host)
    _sign_in(other, "nurse@alpha.test")
    assert other.post("/accounts/two-factor/", {"token": code}).status_code == 400
