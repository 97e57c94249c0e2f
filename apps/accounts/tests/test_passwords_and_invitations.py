import re

import pytest
from django.core import mail

from apps.accounts.models import AuthEvent, User, UserSession
from apps.accounts.tokens import invitation_tokens
from conftest import TEST_PASSWORD, person, signed_in

NEW_PASSWORD = "a brand new passphrase 7"


def _link(message) -> str:
    found = re.search(r"https?://[^\s\"<]+", message.body)
    assert found is not None, message.body
    return found.group(0)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_a_reset_email_names_the_organization_and_the_link_works_once(org_a, client_a):
    response = client_a.post("/accounts/password/reset/", {"email": "dsp@alpha.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Alpha Community Living" in message.subject
    assert "Alpha Community Living" in message.alternatives[0][0]
    link = _link(message)
    assert link.startswith("http://alpha.localhost/")

    page = client_a.get(_path(link), follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0]
    done = client_a.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    with org_a:
        assert User.objects.get(email="dsp@alpha.test").check_password(NEW_PASSWORD)
        assert AuthEvent.objects.filter(kind="password_reset", email="dsp@alpha.test").exists()

    again = client_a.get(_path(link), follow=True)
    assert "no longer works" in again.content.decode()


def test_a_reset_link_expires(org_a, client_a, settings, monkeypatch):
    client_a.post("/accounts/password/reset/", {"email": "dsp@alpha.test"})
    link = _link(mail.outbox[0])
    from django.contrib.auth.tokens import default_token_generator

    later = default_token_generator._now().timestamp() + settings.PASSWORD_RESET_TIMEOUT + 5
    from datetime import datetime

    monkeypatch.setattr(default_token_generator, "_now", lambda: datetime.fromtimestamp(later))
    page = client_a.get(_path(link), follow=True)
    assert "no longer works" in page.content.decode()


def test_a_reset_for_an_unknown_or_inactive_address_sends_nothing_and_says_the_same(org_a, client_a):
    with org_a:
        User.objects.filter(email="hr@alpha.test").update(status="suspended")
    for email in ("nobody@alpha.test", "hr@alpha.test"):
        response = client_a.post("/accounts/password/reset/", {"email": email})
        assert response.status_code == 302
    assert mail.outbox == []


def test_a_reset_asked_for_an_invalid_address_is_refused_with_its_message(org_a, client_a):
    response = client_a.post("/accounts/password/reset/", {"email": "not an address"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert mail.outbox == []


def test_mismatched_new_passwords_are_refused_with_their_message_and_nothing_changes(org_a, client_a):
    client_a.post("/accounts/password/reset/", {"email": "dsp@alpha.test"})
    page = client_a.get(_path(_link(mail.outbox[0])), follow=True)
    response = client_a.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert response.status_code == 400
    assert response.context["form"].errors["new_password2"] == ["The two password fields didn’t match."]
    with org_a:
        assert User.objects.get(email="dsp@alpha.test").check_password(TEST_PASSWORD)


def test_a_reset_ends_every_other_session(org_a, client_a):
    other = signed_in(org_a, "dsp")
    assert other.get("/accounts/profile/").status_code == 200
    with org_a:
        UserSession.objects.create(
            user=person(org_a, "dsp"), session_key=other.session.session_key, expires_at="2099-01-01T00:00:00Z"
        )
    client_a.post("/accounts/password/reset/", {"email": "dsp@alpha.test"})
    page = client_a.get(_path(_link(mail.outbox[0])), follow=True)
    client_a.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert other.get("/accounts/profile/").status_code == 302


def test_changing_the_password_keeps_this_session_and_ends_the_others(org_a):
    here = host_signed_in = signed_in(org_a, "scheduler")
    elsewhere = signed_in(org_a, "scheduler")
    with org_a:
        for client in (here, elsewhere):
            UserSession.objects.create(
                user=person(org_a, "scheduler"),
                session_key=client.session.session_key,
                expires_at="2099-01-01T00:00:00Z",
            )
    response = host_signed_in.post(
        "/accounts/password/change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert here.get("/accounts/profile/").status_code == 200
    assert elsewhere.get("/accounts/profile/").status_code == 302


def test_a_weak_new_password_is_refused_next_to_the_field(org_a):
    client = signed_in(org_a, "scheduler")
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "short",
            "new_password2": "short",
        },
    )
    assert response.status_code == 400
    assert "at least 12 characters" in response.content.decode()


def test_an_invitation_creates_a_pending_user_who_sets_a_password_and_becomes_active(
    org_a, django_capture_on_commit_callbacks
):
    admin = signed_in(org_a, "admin")
    with org_a:
        from apps.accounts.models import Role

        role = Role.objects.get(name="Nurse")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/accounts/people/invite/",
            {
                "email": "New.Nurse@Alpha.test",
                "first_name": "Nia",
                "last_name": "Newton",
                "role": role.pk,
            },
        )
    assert response.status_code == 302
    with org_a:
        invitee = User.objects.get(email="new.nurse@alpha.test")
        assert invitee.status == "pending" and not invitee.has_usable_password()
    message = mail.outbox[-1]
    assert "Alpha Community Living" in message.subject
    link = _path(_link(message))

    from conftest import host_client

    guest = host_client(org_a.primary_host)
    assert guest.get(link).status_code == 200
    weak = guest.post(link, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 400
    done = guest.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    with org_a:
        invitee.refresh_from_db()
        assert invitee.status == "active" and invitee.email_verified and invitee.check_password(NEW_PASSWORD)
        assert invitee.has_perm("accounts.view_user") is False  # a nurse, not an admin
    assert guest.get("/accounts/profile/").status_code == 200
    assert host_client(org_a.primary_host).get(link).status_code == 400  # the link died


def test_inviting_an_existing_address_is_refused_with_a_message(org_a):
    admin = signed_in(org_a, "admin")
    with org_a:
        from apps.accounts.models import Role

        role = Role.objects.get(name="Nurse")
    response = admin.post(
        "/accounts/people/invite/",
        {
            "email": "dsp@alpha.test",
            "first_name": "D",
            "last_name": "S",
            "role": role.pk,
        },
    )
    assert response.status_code == 400
    assert "already has an account" in response.content.decode()


@pytest.mark.parametrize("local", ["dsp", "nurse", "auditor", "outsider"])
def test_roles_without_the_permission_cannot_invite(org_a, local):
    assert signed_in(org_a, local).get("/accounts/people/invite/").status_code == 403


def test_an_invitation_token_is_refused_for_another_user(org_a):
    with org_a:
        pending = User.objects.create_user(email="p@alpha.test", status="pending")
        other = User.objects.create_user(email="q@alpha.test", status="pending")
        assert not invitation_tokens.check_token(other, invitation_tokens.make_token(pending))


def test_changing_the_email_asks_to_verify_the_new_address(org_a, django_capture_on_commit_callbacks):
    client = signed_in(org_a, "billing")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/profile/",
            {
                "first_name": "Blake",
                "last_name": "Nguyen",
                "email": "blake.new@alpha.test",
                "username": "",
                "phone": "",
            },
        )
    assert response.status_code == 302
    with org_a:
        assert not User.objects.get(email="blake.new@alpha.test").email_verified
    link = _path(_link(mail.outbox[-1]))
    assert client.get(link).status_code == 200
    with org_a:
        assert User.objects.get(email="blake.new@alpha.test").email_verified
    assert client.get(link).status_code == 400


def test_a_profile_cannot_take_someone_elses_email(org_a):
    client = signed_in(org_a, "billing")
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "Blake",
            "last_name": "Nguyen",
            "email": "dsp@alpha.test",
            "username": "",
            "phone": "",
        },
    )
    assert response.status_code == 400
    assert "already uses this email" in response.content.decode()


def test_a_profile_picture_can_be_cleared(org_a):
    from django.core.files.base import ContentFile

    with org_a:
        user = User.objects.get(email="billing@alpha.test")
        user.profile_picture.save("face.png", ContentFile(b"not really a png"), save=True)
        assert user.profile_picture
    client = signed_in(org_a, "billing")
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "Blake",
            "last_name": "Nguyen",
            "email": "billing@alpha.test",
            "username": "",
            "phone": "",
            "profile_picture-clear": "on",
        },
    )
    assert response.status_code == 302
    with org_a:
        assert not User.objects.get(email="billing@alpha.test").profile_picture
