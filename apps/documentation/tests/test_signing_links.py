"""The guardian's signing link: sent by email on the organization's own host, opened without
an account, signs once; used, expired, replaced, no longer needed or tried on another
organization's host, it answers 410 with a plain page that gives nothing away."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apps.clients.models import ClientContact
from apps.clients.tests.conftest import make_client
from apps.documentation import services, signing
from apps.documentation.models import ElectronicSignature, FormTemplate, SigningLink
from apps.documentation.tests.signing_factories import make_template as template_with
from apps.documentation.tests.signing_factories import png_data_url, submitted
from conftest import host_client, person, signed_in

AUTHOR, GUARDIAN = FormTemplate.Signer.AUTHOR, FormTemplate.Signer.GUARDIAN
SIGN = {"sig-method": "drawn", "sig-drawn": "", "sig-agreed": "on"}


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("no mail server")


@pytest.fixture
def maria(org_a):
    return make_client(org_a, first_name="Maria", last_name="Lopez")


@pytest.fixture
def waiting(org_a, maria):
    """Signed by its author, waiting for the guardian."""
    return submitted(org_a, template_with(org_a, signers=[AUTHOR, GUARDIAN]), client=maria)


def send_link(org, submission, *, name="Gail Lopez", email="gail@example.com", who="manager"):
    return signed_in(org, who).post(
        reverse("documentation:link_create", args=[submission.pk]), {"signer_name": name, "email": email}
    )


def token_in(message) -> str:
    match = re.search(r"/sign/([A-Za-z0-9_-]{20,})/", message.body)
    assert match, message.body
    return match.group(1)


def link_url(token: str) -> str:
    return reverse("documentation:link_sign", args=[token])


def guardian_signatures(org, submission) -> int:
    with org:
        return ElectronicSignature.objects.filter(form_submission=submission, signer__isnull=True).count()


def test_a_link_is_emailed_on_the_organizations_host_and_signs_once(org_a, waiting):
    sent = send_link(org_a, waiting)
    assert sent.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["gail@example.com"] and "Daily note" in message.subject
    assert f"://{org_a.primary_host}" in message.body and "Alpha Community Living" in message.alternatives[0][0]
    token = token_in(message)
    with org_a:
        assert SigningLink.objects.get().token_hash != token  # only its hash is kept
    guardian = host_client(org_a.primary_host)
    page = guardian.get(link_url(token))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Walked to the park and back" in body and "Calm and settled" in body
    assert str(signing.CONSENT_TEXT) in body and 'name="sig-drawn"' in body
    # Not "no-referrer": the browser would then send "Origin: null" with the form, refused as CSRF.
    assert page["Referrer-Policy"] == "same-origin"
    done = guardian.post(link_url(token), {**SIGN, "sig-drawn": png_data_url()})
    assert done.status_code == 200 and "the form is signed" in done.content.decode()
    with org_a:
        signature = ElectronicSignature.objects.get(form_submission=waiting, signer__isnull=True)
        assert signature.signer_name == "Gail Lopez" and signature.signer_role.startswith("Guardian")
        assert signature.signature_data == png_data_url()
        waiting.refresh_from_db()
        assert signing.next_step(waiting) is None and signing.verify(waiting) == []
    # Used: a second visit or a second signature is refused, and nothing more is signed.
    again = guardian.get(link_url(token))
    assert again.status_code == 410 and "no longer works" in again.content.decode()
    assert guardian.post(link_url(token), {**SIGN, "sig-drawn": png_data_url()}).status_code == 410
    assert guardian_signatures(org_a, waiting) == 1


def test_a_typed_signature_by_link_needs_agreement_and_the_name_the_link_was_sent_to(org_a, waiting):
    send_link(org_a, waiting)
    token = token_in(mail.outbox[0])
    guardian = host_client(org_a.primary_host)
    refused = guardian.post(link_url(token), {"sig-method": "typed", "sig-typed": "Gail Lopez"})
    assert refused.status_code == 400 and guardian_signatures(org_a, waiting) == 0
    someone_else = guardian.post(link_url(token), {"sig-method": "typed", "sig-typed": "Someone", "sig-agreed": "on"})
    assert someone_else.status_code == 400 and "as it is given here: Gail Lopez" in someone_else.content.decode()
    assert guardian_signatures(org_a, waiting) == 0
    done = guardian.post(link_url(token), {"sig-method": "typed", "sig-typed": " gail  lopez", "sig-agreed": "on"})
    assert done.status_code == 200
    with org_a:
        signature = ElectronicSignature.objects.get(form_submission=waiting, signer__isnull=True)
        assert (signature.signer_name, signature.signature_data) == ("Gail Lopez", "gail lopez")


def test_an_expired_link_answers_410_and_signs_nothing(org_a, waiting):
    send_link(org_a, waiting)
    token = token_in(mail.outbox[0])
    guardian = host_client(org_a.primary_host)
    with time_machine.travel(timezone.now() + signing.LINK_LIFETIME + dt.timedelta(minutes=1), tick=False):
        assert guardian.get(link_url(token)).status_code == 410
        assert guardian.post(link_url(token), {**SIGN, "sig-drawn": png_data_url()}).status_code == 410
    assert guardian_signatures(org_a, waiting) == 0


def test_a_token_tried_on_another_organizations_host_finds_nothing(org_a, org_b, waiting):
    send_link(org_a, waiting)
    token = token_in(mail.outbox[0])
    elsewhere = host_client(org_b.primary_host)
    tried = elsewhere.post(link_url(token), {**SIGN, "sig-drawn": png_data_url()})
    for answer in (elsewhere.get(link_url(token)), tried):
        assert answer.status_code == 410
        body = answer.content.decode()
        assert "Daily note" not in body and "Maria" not in body and "Alpha" not in body
    # The same page as for a token that never existed.
    assert host_client(org_a.primary_host).get(link_url("not-a-token")).status_code == 410
    assert guardian_signatures(org_a, waiting) == 0


def test_a_new_link_stops_the_earlier_one(org_a, waiting):
    send_link(org_a, waiting)
    send_link(org_a, waiting, email="gail.lopez@example.com")
    first, second = (token_in(message) for message in mail.outbox)
    guardian = host_client(org_a.primary_host)
    assert guardian.get(link_url(first)).status_code == 410
    assert guardian.get(link_url(second)).status_code == 200


def test_a_link_stops_working_when_the_form_is_rejected(org_a, maria):
    submission = submitted(
        org_a, template_with(org_a, signers=[AUTHOR, GUARDIAN], requires_approval=True), client=maria
    )
    send_link(org_a, submission)
    token = token_in(mail.outbox[0])
    with org_a:
        services.submission_reject(submission=submission, actor=person(org_a, "manager"), reason="Wrong date")
    assert host_client(org_a.primary_host).get(link_url(token)).status_code == 410


def test_only_people_who_may_ask_for_a_signature_send_links(org_a, org_b, waiting):
    url = reverse("documentation:link_create", args=[waiting.pk])
    assert signed_in(org_a, "dsp").get(url).status_code == 403
    assert send_link(org_a, waiting, who="nurse").status_code == 403
    assert signed_in(org_b, "manager").get(url).status_code == 404
    assert not mail.outbox


def test_a_bad_address_is_refused_by_its_field_and_nothing_is_sent(org_a, waiting):
    answer = send_link(org_a, waiting, email="not-an-address", name="")
    assert answer.status_code == 400
    assert "Enter a valid email address." in answer.content.decode()
    assert not mail.outbox
    with org_a:
        assert not SigningLink.objects.exists()


def test_a_failed_email_leaves_no_link(org_a, waiting, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    answer = send_link(org_a, waiting)
    assert answer.status_code == 400 and "could not be sent" in answer.content.decode()
    with org_a:
        assert not SigningLink.objects.exists()


def test_a_form_not_waiting_for_a_guardian_gets_no_link(org_a, maria):
    submission = submitted(org_a, template_with(org_a, signers=[AUTHOR]), client=maria)
    url = reverse("documentation:link_create", args=[submission.pk])
    assert "not waiting for a guardian" in signed_in(org_a, "manager").get(url).content.decode()
    assert send_link(org_a, submission).status_code == 400
    assert not mail.outbox


def test_the_clients_guardians_are_offered(org_a, maria, waiting):
    with org_a:
        for kind, first, email in [
            (ClientContact.Type.GUARDIAN, "Gail", "gail@example.com"),
            (ClientContact.Type.PHYSICIAN, "Doc", "doc@example.com"),
            (ClientContact.Type.GUARDIAN, "Nomail", ""),
        ]:
            ClientContact.objects.create(
                client=maria, contact_type=kind, first_name=first, last_name="Lopez", email=email
            )
    body = signed_in(org_a, "manager").get(reverse("documentation:link_create", args=[waiting.pk])).content.decode()
    assert "Send to Gail" in body and 'value="gail@example.com"' in body
    assert "doc@example.com" not in body and "Nomail" not in body


FIELDS = ["sig-method", "sig-drawn", "sig-typed", "sig-agreed", "csrfmiddlewaretoken", "other"]
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["drawn", "typed", "on", "Gail Lopez", png_data_url(), "data:image/png;base64,AAAA", "x" * 300]),
)


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6))
def test_whatever_is_posted_to_a_link_it_answers_without_an_error_and_signs_only_when_valid(org_a, maria, data):
    submission = submitted(org_a, template_with(org_a, signers=[AUTHOR, GUARDIAN]), client=maria)
    with org_a:
        _, token = signing.link_create(
            submission=submission, signer_name="Gail Lopez", email="gail@example.com", actor=person(org_a, "manager")
        )
    answer = host_client(org_a.primary_host).post(link_url(token), data)
    assert answer.status_code in (200, 400)
    signed = guardian_signatures(org_a, submission)
    assert signed == (1 if answer.status_code == 200 else 0)
    if signed:
        with org_a:
            submission.refresh_from_db()
            assert signing.verify(submission) == []
