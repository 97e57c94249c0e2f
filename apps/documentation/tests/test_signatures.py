"""Electronic signatures: given in order by the people whose turn it is, locking what they
sign, and verified afterwards by the page and by `manage.py verify_signatures`: answers or a
signature changed behind the application's back (raw SQL) are named; a rejection voids the
signatures and verification still passes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.models import LogEntry
from apps.documentation import services, signing
from apps.documentation.models import ElectronicSignature, FormSubmission, FormTemplate
from apps.documentation.tests.signing_factories import ANSWERS, drawn, make_template, png_data_url, submitted, typed
from conftest import person, signed_in

AUTHOR, APPROVER, GUARDIAN = FormTemplate.Signer.AUTHOR, FormTemplate.Signer.APPROVER, FormTemplate.Signer.GUARDIAN


@pytest.fixture
def reviewed(org_a):
    """Signed by the author, waiting for the approver's signature (which approves it)."""
    return make_template(org_a, signers=[AUTHOR, APPROVER], requires_approval=True)


def verify_page(org, local, submission):
    return signed_in(org, local).get(reverse("documentation:verify", args=[submission.pk]))


def run_command(*args) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_signatures", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), f"{err.getvalue()}\n{exc}"
    return 0, out.getvalue(), err.getvalue()


def test_the_author_then_the_approver_sign_in_order_and_both_verify(org_a, reviewed):
    submission = submitted(org_a, reviewed)
    with org_a:
        assert signing.next_step(submission) == APPROVER
        manager = person(org_a, "manager")
        services.submission_approve(submission=submission, actor=manager, signature=typed("Morgan Reyes"))
        submission.refresh_from_db()
        signatures = list(submission.signatures.order_by("signed_at"))
        assert [(s.step, s.signer.email, s.method) for s in signatures] == [
            (1, "dsp@alpha.test", "drawn"),
            (2, "manager@alpha.test", "typed"),
        ]
        assert signatures[0].signature_data.startswith("data:image/png;base64,")
        assert signatures[1].signer_role.startswith("The approver")
        assert signatures[0].content_hash == signatures[1].content_hash == signing.content_hash(submission)
        assert signatures[0].ip_address == "127.0.0.1" and signatures[0].consent_text == str(signing.CONSENT_TEXT)
        assert submission.status == FormSubmission.Status.APPROVED
        assert signing.next_step(submission) is None
        assert signing.verify(submission) == []


def test_a_signature_out_of_turn_is_refused_and_nothing_is_signed(org_a, reviewed):
    submission = submitted(org_a, reviewed)
    with org_a:
        dsp, manager = person(org_a, "dsp"), person(org_a, "manager")
        with pytest.raises(ValidationError, match="not this signer's turn"):
            signing.sign(submission=submission, step=AUTHOR, signer=dsp, signature=drawn())
        with pytest.raises(ValidationError, match="not this signer's turn"):
            signing.sign(submission=submission, step=GUARDIAN, signer_name="Gail Guardian", signature=drawn())
        # The author may not give the approver's signature, nor may someone without approval.
        with pytest.raises(PermissionDenied):
            signing.sign(submission=submission, step=APPROVER, signer=dsp, signature=typed("Dana Okafor"))
        with pytest.raises(PermissionDenied):
            signing.sign(submission=submission, step=APPROVER, signer=person(org_a, "nurse"), signature=drawn())
        assert submission.signatures.count() == 1
        # A staff member types the name on their account.
        with pytest.raises(ValidationError, match="as it is given here"):
            signing.sign(submission=submission, step=APPROVER, signer=manager, signature=typed("Somebody Else"))
        assert submission.signatures.count() == 1


def test_the_sign_page_is_only_for_the_signer_whose_turn_it_is(org_a, org_b, reviewed):
    submission = submitted(org_a, reviewed)
    url = reverse("documentation:sign", args=[submission.pk])
    # The author already signed: they see that they did, and cannot sign again.
    page = signed_in(org_a, "dsp").get(url)
    assert page.status_code == 200 and "You signed this form" in page.content.decode()
    assert signed_in(org_a, "billing").get(url).status_code == 403  # sees it, may not sign
    assert signed_in(org_a, "nurse").get(url).status_code == 404  # not on the care team
    assert signed_in(org_b, "manager").get(url).status_code == 404  # another organization's
    page = signed_in(org_a, "manager").get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Walked to the park and back" in body and "Calm and settled" in body
    assert 'name="sig-drawn"' in body and "Sign and approve" in body


def test_signing_on_the_sign_page_approves_and_stores_the_drawing(org_a, reviewed):
    submission = submitted(org_a, reviewed)
    url = reverse("documentation:sign", args=[submission.pk])
    manager = signed_in(org_a, "manager")
    refused = manager.post(url, {"sig-method": "drawn", "sig-drawn": "", "sig-agreed": "on"})
    assert refused.status_code == 400 and "Draw your signature in the box" in refused.content.decode()
    refused = manager.post(url, {"sig-method": "drawn", "sig-drawn": "data:image/png;base64,AAAA", "sig-agreed": "on"})
    assert refused.status_code == 400 and "could not be read" in refused.content.decode()
    refused = manager.post(url, {"sig-method": "typed", "sig-typed": "Not Me", "sig-agreed": "on"})
    assert refused.status_code == 400 and "as it is given here: Morgan Reyes" in refused.content.decode()
    refused = manager.post(url, {"sig-method": "drawn", "sig-drawn": png_data_url()})
    assert refused.status_code == 400
    with org_a:
        assert submission.signatures.count() == 1
    done = manager.post(url, {"sig-method": "drawn", "sig-drawn": png_data_url(), "sig-agreed": "on"})
    assert done.status_code == 302 and done["Location"] == url
    with org_a:
        submission.refresh_from_db()
        assert submission.status == FormSubmission.Status.APPROVED
        last = submission.signatures.order_by("signed_at").last()
        assert last.signer.email == "manager@alpha.test" and last.signature_data == png_data_url()
    assert "You signed this form" in manager.get(url).content.decode()


def test_signing_locks_the_submission(org_a, reviewed):
    submission = submitted(org_a, reviewed)
    with org_a:
        submission.refresh_from_db()
        assert submission.locked_at is not None and submission.is_locked
        with pytest.raises(ValidationError, match="can no longer be changed"):
            services.submission_save(
                submission=submission, actor=person(org_a, "dsp"), answers={**ANSWERS, "summary": "Changed"}
            )
        submission.refresh_from_db()
        assert submission.submission_data["summary"] == ANSWERS["summary"]


def test_an_untouched_signed_submission_verifies_on_the_page_and_the_command_exits_0(org_a, reviewed):
    submission = submitted(org_a, reviewed)
    page = verify_page(org_a, "manager", submission)
    assert page.status_code == 200
    assert "Every signature matches" in page.content.decode() and "Matches" in page.content.decode()
    code, out, err = run_command("--schema", org_a.schema_name)
    assert code == 0, err
    assert "1 signed submissions, all match" in out


def test_answers_changed_with_raw_sql_are_reported_by_the_page_and_the_command(org_a, reviewed):
    submission = submitted(org_a, reviewed)
    with org_a, connection.cursor() as cursor:
        cursor.execute(
            'UPDATE documentation_formsubmission SET submission_data = submission_data || \'{"injury": "yes"}\''
            " WHERE id = %s",
            [submission.pk],
        )
    body = verify_page(org_a, "manager", submission).content.decode()
    assert "Something changed after signing" in body
    assert "The answers were changed after Dana Okafor signed them." in body
    code, _, err = run_command()
    assert code == 1
    assert f"submission {submission.pk}" in err and "Alpha Community Living" in err
    assert "The answers were changed after Dana Okafor signed them." in err


def test_a_signature_changed_with_raw_sql_is_reported_by_the_page_and_the_command(org_a, reviewed):
    submission = submitted(org_a, reviewed)
    with org_a, connection.cursor() as cursor:
        cursor.execute(
            "UPDATE documentation_electronicsignature SET signature_data = %s WHERE form_submission_id = %s",
            [png_data_url((60, 20)), submission.pk],
        )
    body = verify_page(org_a, "manager", submission).content.decode()
    assert "The signature of Dana Okafor" in body and "was changed after it was made" in body
    code, _, err = run_command("--schema", org_a.schema_name)
    assert code == 1 and f"submission {submission.pk}" in err and "was changed after it was made" in err


def test_a_signature_deleted_with_raw_sql_is_reported_by_the_page_and_the_command(org_a, reviewed):
    submission = submitted(org_a, reviewed)
    with org_a:
        signing.sign(
            submission=submission, step=APPROVER, signer=person(org_a, "manager"), signature=typed("Morgan Reyes")
        )
    with org_a, connection.cursor() as cursor:
        # The last signature: no remaining record names it, only the submission's head.
        cursor.execute(
            "DELETE FROM documentation_electronicsignature WHERE id = ("
            " SELECT id FROM documentation_electronicsignature WHERE form_submission_id = %s"
            " ORDER BY signed_at DESC LIMIT 1)",
            [submission.pk],
        )
    assert "A signature was removed after it was made." in verify_page(org_a, "manager", submission).content.decode()
    code, _, err = run_command("--schema", org_a.schema_name)
    assert code == 1 and f"submission {submission.pk}" in err and "A signature was removed" in err
    with org_a, connection.cursor() as cursor:
        cursor.execute("DELETE FROM documentation_electronicsignature WHERE form_submission_id = %s", [submission.pk])
    code, _, err = run_command("--schema", org_a.schema_name)
    assert code == 1 and f"submission {submission.pk}" in err


def test_voiding_a_signature_behind_the_applications_back_does_not_hide_changed_answers(org_a, reviewed):
    submission = submitted(org_a, reviewed)
    with org_a, connection.cursor() as cursor:
        cursor.execute(
            "UPDATE documentation_formsubmission SET submission_data = '{}'::jsonb WHERE id = %s", [submission.pk]
        )
        cursor.execute(
            "UPDATE documentation_electronicsignature SET voided_at = now() WHERE form_submission_id = %s",
            [submission.pk],
        )
        assert any("was changed after it was made" in problem for problem in signing.verify(submission))


def test_a_rejection_voids_the_signatures_and_verification_still_passes(org_a, reviewed):
    submission = submitted(org_a, reviewed)
    with org_a:
        dsp, manager = person(org_a, "dsp"), person(org_a, "manager")
        services.submission_reject(submission=submission, actor=manager, reason="Add the time you left")
        submission.refresh_from_db()
        (voided,) = submission.signatures.all()
        assert voided.voided_at is not None and signing.verify(submission) == []
        assert signing.next_step(submission) == AUTHOR
        services.submission_save(
            submission=submission,
            actor=dsp,
            answers={**ANSWERS, "summary": "Left at 3 pm"},
            submit=True,
            signature=drawn(),
        )
        services.submission_approve(submission=submission, actor=manager, signature=typed("Morgan Reyes"))
        submission.refresh_from_db()
        assert submission.signatures.count() == 3
        assert submission.signatures.filter(voided_at__isnull=True).count() == 2
        assert signing.verify(submission) == []
    body = verify_page(org_a, "manager", submission).content.decode()
    assert "Every signature matches" in body and "Voided" in body
    assert run_command("--schema", org_a.schema_name)[0] == 0


def test_a_rejection_does_not_make_a_changed_signature_verify_again(org_a, reviewed):
    submission = submitted(org_a, reviewed)
    with org_a:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE documentation_electronicsignature SET signer_name = 'Someone Else'"
                " WHERE form_submission_id = %s",
                [submission.pk],
            )
        services.submission_reject(submission=submission, actor=person(org_a, "manager"), reason="Redo")
        assert any("Someone Else" in problem for problem in signing.verify(submission))


def test_the_address_signed_from_round_trips_through_the_database(org_a):
    template = make_template(org_a, signers=[AUTHOR])
    for address, stored in [
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("not an address", None),
    ]:
        with org_a:
            user = person(org_a, "dsp")
            submission = services.submission_start(template=template, author=user)
            services.submission_save(
                submission=submission, actor=user, answers=ANSWERS, submit=True, signature=drawn(ip=address)
            )
            signature = ElectronicSignature.objects.get(form_submission=submission)
            assert signature.ip_address == stored
            submission.refresh_from_db()
            assert signing.verify(submission) == []


def test_the_command_reads_a_chunk_in_a_fixed_number_of_queries(org_a):
    template = make_template(org_a, signers=[AUTHOR])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert run_command("--schema", org_a.schema_name)[0] == 0
        return len(captured)

    submitted(org_a, template)
    few = queries()
    for _ in range(4):
        submitted(org_a, template)
    assert queries() == few


def test_the_command_refuses_an_unknown_schema(db):
    with pytest.raises(CommandError, match="No organization with schema"):
        call_command("verify_signatures", "--schema", "nowhere")


def test_the_verify_page_is_access_logged_and_hidden_from_others(org_a, org_b, reviewed):
    submission = submitted(org_a, reviewed)
    assert verify_page(org_a, "dsp", submission).status_code == 200
    with org_a:
        assert LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, object_pk=str(submission.pk), actor_email="dsp@alpha.test"
        ).exists()
    assert verify_page(org_a, "nurse", submission).status_code == 404
    # Someone of another organization, on their own host, finds nothing.
    other = signed_in(org_b, "admin")
    assert other.get(reverse("documentation:verify", args=[submission.pk])).status_code == 404


def test_the_author_signs_on_the_sign_page_with_the_keyboard_by_typing_their_name(org_a):
    template = make_template(org_a, signers=[])
    submission = submitted(org_a, template)
    with org_a:
        # The template asks for the author's signature after this note went in.
        services.template_update(template=template, actor=None, requires_signature=True, signers=[AUTHOR])
    url = reverse("documentation:sign", args=[submission.pk])
    dsp = signed_in(org_a, "dsp")
    page = dsp.get(url)
    assert page.status_code == 200 and "as it is given here: Dana Okafor" in page.content.decode()
    assert signed_in(org_a, "manager").get(url).status_code == 403  # the author's turn, not theirs
    done = dsp.post(url, {"sig-method": "typed", "sig-typed": "  dana   okafor ", "sig-agreed": "on"})
    assert done.status_code == 302
    with org_a:
        signature = submission.signatures.get()
        assert (signature.method, signature.signature_data) == ("typed", "dana okafor")
        assert signature.signer_name == "Dana Okafor"
        submission.refresh_from_db()
        assert submission.is_locked and signing.verify(submission) == []
