"""Signatures: a staff signer's turn, the guardian's link (sent by email, opened without an
account), and verification of what was signed."""

from __future__ import annotations

import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import permission_required
from apps.accounts.services.emails import base_url
from apps.audit.services import access_record
from apps.core.forms import add_errors
from apps.core.throttle import throttled
from apps.documentation import reading, selectors, services, signing
from apps.documentation.forms.signatures import SignatureForm, SigningLinkForm
from apps.documentation.models import ElectronicSignature, FormSubmission, FormTemplate, SigningLink

logger = logging.getLogger(__name__)

SIGNABLE = (FormSubmission.Status.SUBMITTED, FormSubmission.Status.APPROVED)


def _my_signatures(submission: FormSubmission, user) -> list[ElectronicSignature]:
    return list(submission.signatures.filter(signer=user, voided_at__isnull=True).order_by("signed_at", "id"))


def _approves(submission: FormSubmission, step: str) -> bool:
    """The approver's signature on a form waiting for approval is the approval itself."""
    return (
        step == FormTemplate.Signer.APPROVER
        and submission.form_template.requires_approval
        and submission.status == FormSubmission.Status.SUBMITTED
    )


@login_required
def submission_sign(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    step = signing.next_step(submission)
    my_turn = step is not None and submission.status in SIGNABLE and signing.may_sign(submission, request.user, step)
    if not my_turn:
        # Someone who has signed sees that they did (where the form sends them after
        # signing); anyone else may not sign it now.
        if not _my_signatures(submission, request.user):
            raise PermissionDenied
        if request.method == "POST":
            messages.info(request, _("You have already signed this form."))
            return redirect("documentation:sign", submission.pk)
    access_record(obj=submission, request=request)
    name = str(request.user)
    form = SignatureForm(request.POST or None, signer_name=name) if my_turn else None
    status = 200
    if form is not None and step is not None and request.method == "POST":
        status = 400
        if form.is_valid():
            signature = form.signature_input(request)
            try:
                if _approves(submission, step):
                    services.submission_approve(submission=submission, actor=request.user, signature=signature)
                else:
                    signing.sign(submission=submission, step=step, signer=request.user, signature=signature)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Signed."))
                return redirect("documentation:sign", submission.pk)
    context = {
        "submission": submission,
        "sections": reading.readable_sections(submission),
        "signatures": selectors.signatures_of(submission),
        "sig_form": form,
        "step_label": FormTemplate.Signer(step).label if step in FormTemplate.Signer.values else "",
        "approves": step is not None and _approves(submission, step),
        "mine": _my_signatures(submission, request.user) if form is None else [],
    }
    return render(request, "documentation/sign.html", context, status=status)


def _guardian_contacts(submission: FormSubmission) -> list:
    """The client's guardians and legal representatives with an email address: the page
    offers to send the link to each."""
    if submission.client_id is None:
        return []
    from apps.clients.models import ClientContact

    Type = ClientContact.Type
    return list(
        ClientContact.objects.filter(client_id=submission.client_id)
        .filter(Q(contact_type__in=[Type.GUARDIAN, Type.POWER_OF_ATTORNEY]) | Q(can_make_decisions=True))
        .exclude(email="")
        .order_by("last_name", "first_name")
    )


@login_required
@permission_required("documentation.request_signature")
def link_create(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    # Its own sequence rather than form_page: the email goes out inside the transaction that
    # creates the link, so a failed email leaves no link behind (and says so by the form).
    submission = selectors.get_submission_for_user(request.user, pk)
    form = SigningLinkForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic():
                    link, token = signing.link_create(
                        submission=submission,
                        signer_name=form.cleaned_data["signer_name"],
                        email=form.cleaned_data["email"],
                        actor=request.user,
                    )
                    signing.link_send(
                        link=link, token=token, organization=request.organization, base=base_url(request=request)
                    )
            except ValidationError as exc:
                add_errors(form, exc)
            except OSError:  # smtplib's errors are OSErrors: the mail server refused or is away
                logger.exception("documentation: the signing link email could not be sent")
                form.add_error(None, _("The email could not be sent, so no link was made. Try again later."))
            else:
                messages.success(
                    request, _("The signing link was sent to %(email)s.") % {"email": form.cleaned_data["email"]}
                )
                return redirect("documentation:link_create", submission.pk)
    context = {
        "submission": submission,
        "form": form,
        "waiting": signing.waits_for_guardian(submission),
        "contacts": _guardian_contacts(submission),
        "links": list(SigningLink.objects.filter(form_submission=submission).order_by("-created_at")),
        "now": timezone.now(),
    }
    return render(request, "documentation/sign_link_create.html", context, status=status)


def _gone(request: OrgRequest) -> HttpResponse:
    # One page for a link used, expired, no longer needed or never issued here: a token
    # tried on another organization's host learns nothing.
    return render(request, "documentation/sign_link_gone.html", status=410)


@never_cache
# Every request counts: the token in the address is what a guesser varies.
@throttled("link", methods=("GET", "POST"))
def link_sign(request: OrgRequest, token: str) -> HttpResponse:
    """The guardian's page: no sign-in; the token is the key, and works once."""
    link = signing.link_for_token(token)
    if link is None:
        return _gone(request)
    submission = link.form_submission
    form = SignatureForm(request.POST or None, signer_name=link.signer_name)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                signing.link_sign(token=token, signature=form.signature_input(request))
            except signing.LinkUnusable:
                return _gone(request)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                return render(request, "documentation/sign_link_done.html", {"link": link, "submission": submission})
    context = {
        "link": link,
        "submission": submission,
        "sections": reading.readable_sections(submission),
        "sig_form": form,
    }
    response = render(request, "documentation/sign_link.html", context, status=status)
    # The token is in the address: never sent on to another site. ("no-referrer" would make
    # the browser send "Origin: null" with the form, which CSRF protection rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


@login_required
def submission_verify(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    access_record(obj=submission, request=request, via="verify")
    signatures = selectors.signatures_of(submission)
    checks = signing.check(submission, signatures)
    missing = signing.missing_signatures(submission, signatures)
    context = {
        "submission": submission,
        "checks": checks,
        "missing": missing,
        "all_match": all(result.matches for result in checks) and not missing,
        "content_hash": signing.content_hash(submission),
    }
    return render(request, "documentation/verify.html", context)
