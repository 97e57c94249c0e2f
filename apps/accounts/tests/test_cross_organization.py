"""Links, tokens and objects of one organization mean nothing on another's host."""

import re

from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.models import User, UserSession
from apps.accounts.tokens import email_verification_tokens, invitation_tokens
from conftest import TEST_PASSWORD, host_client, person, signed_in


def test_a_reset_asked_on_one_host_never_mails_the_other_organizations_user(client_a):
    client_a.post("/accounts/password/reset/", {"email": "dsp@beta.test"})
    assert mail.outbox == []


def test_a_reset_link_from_one_organization_does_not_work_on_another(org_a, client_a, client_b):
    client_a.post("/accounts/password/reset/", {"email": "dsp@alpha.test"})
    link = re.search(r"https?://[^\s]+", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    page = client_b.get(path, follow=True)
    assert "no longer works" in page.content.decode()


def test_invitation_and_verification_tokens_do_not_cross_hosts(org_a, client_b):
    with org_a:
        pending = User.objects.create_user(email="p@alpha.test", status="pending")
        uid = urlsafe_base64_encode(force_bytes(pending.pk))
        invite = invitation_tokens.make_token(pending)
        verify = email_verification_tokens.make_token(pending)
    assert client_b.get(f"/accounts/invitation/{uid}/{invite}/").status_code == 400
    assert client_b.get(f"/accounts/verify-email/{uid}/{verify}/").status_code == 400


def test_a_session_of_another_organization_cannot_be_revoked(org_a, org_b):
    victim = host_client(org_b.primary_host)
    victim.post("/accounts/sign-in/", {"email": "dsp@beta.test", "password": TEST_PASSWORD})
    with org_b:
        record = UserSession.objects.get(session_key=victim.session.session_key)
    attacker = signed_in(org_a, "admin")
    assert attacker.post(f"/accounts/sessions/{record.pk}/revoke/").status_code == 404
    assert victim.get("/accounts/profile/").status_code == 200


def test_another_organizations_user_cannot_be_unlocked_reset_or_reinvited(org_a, org_b):
    beta_nurse = person(org_b, "nurse")
    admin_a = signed_in(org_a, "admin")
    for action in ("unlock", "two-factor/reset", "invitation/resend"):
        assert admin_a.post(f"/accounts/people/{beta_nurse.pk}/{action}/").status_code == 404


def test_an_invitation_with_a_bad_address_is_explained(org_a):
    admin = signed_in(org_a, "admin")
    response = admin.post("/accounts/people/invite/", {"email": "not-an-address", "first_name": "", "last_name": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_email_error"' in html and 'id="id_first_name_error"' in html
