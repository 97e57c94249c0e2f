"""Electronic signatures: the canonical content a signature covers, the signature record and
its chain, verification, and signing links for people without an account.

What a signature proves: `content_hash` is the SHA-256 of the submission's canonical content
(template, version and answers as canonical JSON) when it was signed; `record_hash` is the
SHA-256 of the signature record itself (signer, role, time, IP, consent, the image or typed
name, content hash) and of the previous signature's record hash on the same submission. An
answer changed afterwards no longer matches the content hash; a signature changed, added or
removed no longer matches the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.permissions import can
from apps.documentation.answers import decode_signature
from apps.documentation.models import ElectronicSignature, FormSubmission, FormTemplate, SigningLink, SubmissionEvent
from apps.documentation.structure import canonical_json, sha256
from apps.tenants.models import Organization

CONSENT_TEXT = gettext_lazy(
    "I agree that my electronic signature is the legal equivalent of my handwritten signature on this document,"
    " that I have read what I am signing, and that it is true and complete to the best of my knowledge."
)
LINK_LIFETIME = dt.timedelta(hours=72)
GENESIS = "0" * 64


@dataclass(frozen=True)
class SignatureInput:
    """What a signer gives: a drawn PNG (data URL) or their typed name, their agreement to
    the consent text shown, and where they signed from."""

    method: str
    data: str
    consent_text: str
    agreed: bool
    ip_address: str | None = None
    user_agent: str = ""


def content(submission: FormSubmission) -> dict:
    # Whom and which day the answers are about is part of what is signed: a note moved to
    # another client or date after signing must not still verify.
    return {
        "template": str(submission.form_template_id),
        "version": submission.template_version.version,
        "client": str(submission.client_id or ""),
        "service_date": submission.service_date.isoformat() if submission.service_date else "",
        "answers": submission.submission_data or {},
    }


def content_hash(submission: FormSubmission) -> str:
    return sha256(content(submission))


def _data_digest(signature: ElectronicSignature) -> str:
    # The command has PostgreSQL compute it (DATA_DIGEST) instead of fetching every image.
    digest = getattr(signature, "data_sha256", None)
    if digest:
        return digest
    return hashlib.sha256(signature.signature_data.encode("utf-8")).hexdigest()


def record_hash(signature: ElectronicSignature, previous: str) -> str:
    record = {
        "previous": previous,
        "submission": str(signature.form_submission_id),
        "step": signature.step,
        "signer": str(signature.signer_id or ""),
        "signer_name": signature.signer_name,
        "signer_role": signature.signer_role,
        "method": signature.method,
        "signature": _data_digest(signature),
        "signed_at": signature.signed_at.isoformat(),
        "ip_address": signature.ip_address or "",
        "user_agent": signature.user_agent,
        "consent_text": signature.consent_text,
        "content_hash": signature.content_hash,
        "voided": signature.voided_at is not None,
    }
    return hashlib.sha256(canonical_json(record)).hexdigest()


def normalized_ip(value: str | None) -> str | None:
    """The address as PostgreSQL's inet column gives it back (the record hash covers it), or
    None for something that is not an address. An IPv4 address seen through IPv6
    (::ffff:a.b.c.d) is kept as the IPv4 address."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def _check_input(signature: SignatureInput, *, typed_name_of: str) -> str:
    if not signature.agreed:
        raise ValidationError({"agreed": _("Agree to sign electronically to go on.")})
    if not str(signature.consent_text or "").strip():
        raise ValidationError(_("The consent statement is missing."))
    if signature.method == ElectronicSignature.Method.DRAWN:
        try:
            decode_signature(signature.data)
        except ValidationError as exc:
            raise ValidationError({"signature": exc.messages}) from None
        return signature.data
    if signature.method == ElectronicSignature.Method.TYPED:
        typed = " ".join((signature.data or "").split())
        if not typed:
            raise ValidationError({"signature": _("Type your full name to sign.")})
        if len(typed) > 255:
            raise ValidationError({"signature": _("That name is too long.")})
        if typed_name_of and typed.casefold() != " ".join(typed_name_of.split()).casefold():
            raise ValidationError(
                {"signature": _("Type your full name as it is given here: %(name)s.") % {"name": typed_name_of}}
            )
        return typed
    raise ValidationError({"signature": _("Draw your signature or type your name.")})


def next_step(submission: FormSubmission) -> str | None:
    """The signer whose turn it is, or None when every signer has signed."""
    steps = submission.form_template.signer_steps
    done = ElectronicSignature.objects.filter(form_submission=submission, voided_at__isnull=True).count()
    return steps[done] if done < len(steps) else None


def may_sign(submission: FormSubmission, user, step: str) -> bool:
    """Whether `user` (None: someone signing by link) may give the signature of `step`: the
    author their own; the approver a reviewer other than the author; the guardian only by
    link."""
    if step == FormTemplate.Signer.GUARDIAN:
        return user is None
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if step == FormTemplate.Signer.AUTHOR:
        return user.pk == submission.staff_id
    if step == FormTemplate.Signer.APPROVER:
        return user.pk != submission.staff_id and can(user, "documentation.approve_formsubmission")
    return False


def _step_label(step: str) -> str:
    return str(FormTemplate.Signer(step).label) if step in FormTemplate.Signer.values else step


@transaction.atomic
def sign(
    *,
    submission: FormSubmission,
    step: str,
    signature: SignatureInput,
    signer=None,
    signer_name: str = "",
) -> ElectronicSignature:
    """Add the next signature, in order, and lock the submission."""
    submission = (
        FormSubmission.objects.select_for_update(of=("self",))
        .select_related("form_template", "template_version")
        .get(pk=submission.pk)
    )
    if next_step(submission) != step:
        raise ValidationError(_("It is not this signer's turn to sign."))
    if submission.status not in (FormSubmission.Status.SUBMITTED, FormSubmission.Status.APPROVED):
        raise ValidationError(_("Only a submitted form can be signed."))
    if not may_sign(submission, signer, step):
        raise PermissionDenied(_("You may not sign this form for this step."))
    if signer is not None:
        signer_name = str(signer)
        role = signer.role.display_name if getattr(signer, "role", None) else ""
        signer_role = f"{_step_label(step)} · {role}" if role else _step_label(step)
    else:
        signer_role = _step_label(step)
    # A typed signature is the signer's own name: the account's, or the one the signing link
    # was sent to (a guardian cannot sign as someone else by typing another name).
    data = _check_input(signature, typed_name_of=signer_name)
    if not signer_name.strip() and signature.method == ElectronicSignature.Method.TYPED:
        signer_name = data
    signer_name = " ".join(signer_name.split())
    if not signer_name:
        raise ValidationError(_("The signer's name is missing."))
    previous = ElectronicSignature.objects.filter(form_submission=submission).order_by("-signed_at", "-id").first()
    now = timezone.now()
    if previous is not None and previous.signed_at >= now:
        now = previous.signed_at + dt.timedelta(microseconds=1)
    record = ElectronicSignature(
        form_submission=submission,
        step=ElectronicSignature.objects.filter(form_submission=submission).count() + 1,
        signer=signer,
        signer_name=signer_name[:255],
        signer_role=signer_role[:100],
        method=signature.method,
        signature_data=data,
        signed_at=now,
        ip_address=normalized_ip(signature.ip_address),
        user_agent=(signature.user_agent or "").replace("\x00", "")[:1000],
        consent_text=str(signature.consent_text or CONSENT_TEXT),
        content_hash=content_hash(submission),
    )
    record.record_hash = record_hash(record, previous.record_hash if previous else GENESIS)
    record.save()
    submission.signature_head = record.record_hash
    fields = ["signature_head", "updated_at"]
    if submission.locked_at is None:
        submission.locked_at = now
        fields.append("locked_at")
    submission.save(update_fields=fields)
    SubmissionEvent.objects.create(
        submission=submission, action=SubmissionEvent.Action.SIGNED, actor=signer, note=signer_name
    )
    return record


def void_signatures(submission: FormSubmission) -> None:
    """A rejection voids the current signatures: each is kept, marked voided, and the chain
    is carried on by a re-hash in order, so verification still covers them. A signature that
    no longer matches its own hash is not re-hashed: voiding must not launder a change made
    behind the application's back (verification keeps reporting it). Unused signing links of
    the submission stop working."""
    signatures = list(
        ElectronicSignature.objects.select_for_update().filter(form_submission=submission).order_by("signed_at", "id")
    )
    now = timezone.now()
    previous_stored, previous_new = GENESIS, GENESIS
    for signature in signatures:
        intact = record_hash(signature, previous_stored) == signature.record_hash
        previous_stored = signature.record_hash
        if signature.voided_at is None:
            signature.voided_at = now
        if intact:
            signature.record_hash = record_hash(signature, previous_new)
        previous_new = signature.record_hash
        signature.save(update_fields=["voided_at", "record_hash", "updated_at"])
    if signatures and submission.signature_head == previous_stored:
        # The chain's new end; a head that already disagreed keeps disagreeing.
        FormSubmission.objects.filter(pk=submission.pk).update(signature_head=previous_new)
        submission.signature_head = previous_new
    SigningLink.objects.filter(form_submission=submission, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now, updated_at=now
    )


@dataclass(frozen=True)
class Check:
    """One signature and what no longer matches about it ([] when it all does)."""

    signature: ElectronicSignature
    problems: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.problems


def check(submission: FormSubmission, signatures: list[ElectronicSignature] | None = None) -> list[Check]:
    """Each signature of the submission, in order, with its problems. `signatures`, when
    given, must be all of them ordered by signed_at and id (the command prefetches them);
    the submission needs its template_version loaded to avoid a query."""
    if signatures is None:
        signatures = list(ElectronicSignature.objects.filter(form_submission=submission).order_by("signed_at", "id"))
    checks = []
    current = content_hash(submission)
    previous = GENESIS
    for signature in signatures:
        problems = []
        if record_hash(signature, previous) != signature.record_hash:
            problems.append(
                _("The signature of %(name)s (%(when)s) was changed after it was made.")
                % {"name": signature.signer_name, "when": signature.signed_at.isoformat(timespec="seconds")}
            )
        if signature.voided_at is None and signature.content_hash != current:
            problems.append(_("The answers were changed after %(name)s signed them.") % {"name": signature.signer_name})
        checks.append(Check(signature=signature, problems=problems))
        previous = signature.record_hash
    return checks


def missing_signatures(submission: FormSubmission, signatures: list[ElectronicSignature]) -> str | None:
    """The chain must end at the head the submission keeps: a signature deleted afterwards
    (the last one, or every one) shows here, since no remaining record can say so."""
    end = signatures[-1].record_hash if signatures else ""
    if end != (getattr(submission, "signature_head", "") or ""):
        return str(_("A signature was removed after it was made."))
    return None


def verify(submission: FormSubmission, signatures: list[ElectronicSignature] | None = None) -> list[str]:
    """What no longer matches on a signed submission: [] when everything does."""
    if signatures is None:
        signatures = list(ElectronicSignature.objects.filter(form_submission=submission).order_by("signed_at", "id"))
    problems = [problem for result in check(submission, signatures) for problem in result.problems]
    missing = missing_signatures(submission, signatures)
    return [*problems, missing] if missing else problems


# --- signing links ------------------------------------------------------------------------------


class LinkUnusable(ValidationError):
    """The link cannot be used (any more): the page answers 410 Gone."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def waits_for_guardian(submission: FormSubmission) -> bool:
    return (
        submission.status in (FormSubmission.Status.SUBMITTED, FormSubmission.Status.APPROVED)
        and next_step(submission) == FormTemplate.Signer.GUARDIAN
    )


@transaction.atomic
def link_create(
    *, submission: FormSubmission, signer_name: str, email: str, actor, lifetime: dt.timedelta = LINK_LIFETIME
) -> tuple[SigningLink, str]:
    """A link for the guardian's signature: returns it and its token (sent, never stored).
    An earlier link of the submission not used yet stops working: only the newest one does."""
    if actor is not None and not can(actor, "documentation.request_signature"):
        raise PermissionDenied
    signer_name = " ".join((signer_name or "").split())
    email = (email or "").strip()
    errors: dict[str, str] = {}
    if not signer_name:
        errors["signer_name"] = _("Give the name of the person who signs.")
    elif len(signer_name) > 255:
        errors["signer_name"] = _("That name is too long.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid email address.")
    if errors:
        raise ValidationError(errors)
    submission = FormSubmission.objects.select_for_update().select_related("form_template").get(pk=submission.pk)
    if not waits_for_guardian(submission):
        raise ValidationError(_("This form is not waiting for a guardian's signature."))
    now = timezone.now()
    SigningLink.objects.filter(form_submission=submission, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now, updated_at=now
    )
    token = secrets.token_urlsafe(32)
    link = SigningLink.objects.create(
        form_submission=submission,
        step=submission.form_template.signer_steps.index(FormTemplate.Signer.GUARDIAN) + 1,
        signer_name=signer_name,
        email=email,
        token_hash=_token_hash(token),
        expires_at=now + lifetime,
        created_by=actor,
    )
    SubmissionEvent.objects.create(
        submission=submission, action=SubmissionEvent.Action.LINK_SENT, actor=actor, note=f"{signer_name} <{email}>"
    )
    return link, token


def link_send(*, link: SigningLink, token: str, organization: Organization | None, base: str = "") -> str:
    """Email the link to the signer, branded like the account emails, pointing at the
    organization's own host. Returns the link. Raises what the mail backend raises: the
    caller sends inside the transaction that created the link, so a failed email leaves no
    link behind."""
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse

    from apps.accounts.services.emails import base_url

    base = base or base_url(organization=organization)
    url = base + reverse("documentation:link_sign", args=[token])
    zone = timezone.get_current_timezone()
    if organization is not None and organization.timezone:
        import zoneinfo

        zone = zoneinfo.ZoneInfo(organization.timezone)
    context = {
        "organization": organization,
        "site_name": organization.name if organization is not None else "Starline",
        "base_url": base,
        "link": url,
        "signer_name": link.signer_name,
        "form": str(link.form_submission.form_template),
        "expires": link.expires_at,
        "sender": str(link.created_by) if link.created_by else "",
    }
    with timezone.override(zone):
        subject = " ".join(render_to_string("documentation/emails/signing_link_subject.txt", context).split())
        body = render_to_string("documentation/emails/signing_link_body.txt", context)
        html = render_to_string("documentation/emails/signing_link_body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[link.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return url


def _usable(link: SigningLink | None) -> bool:
    return (
        link is not None
        and link.used_at is None
        and link.expires_at > timezone.now()
        and waits_for_guardian(link.form_submission)
    )


def link_for_token(token: str) -> SigningLink | None:
    """The link, if it exists in this organization, is unused, has not expired and its form
    still waits for the guardian; None otherwise (the page does not say which)."""
    link = (
        SigningLink.objects.select_related(
            "form_submission__form_template", "form_submission__template_version", "form_submission__client"
        )
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )
    return link if _usable(link) else None


@transaction.atomic
def link_sign(*, token: str, signature: SignatureInput) -> ElectronicSignature:
    """The guardian's signature by link: once. A link used, expired or no longer needed (the
    form was rejected meanwhile) is refused with LinkUnusable and nothing is signed."""
    found = SigningLink.objects.filter(token_hash=_token_hash(token or "")).only("pk", "form_submission_id").first()
    if found is None:
        raise LinkUnusable(_("This signing link has been used or has expired. Ask for a new one."))
    # The submission first, then the link: the order link_create and a rejection lock them in.
    FormSubmission.objects.select_for_update().filter(pk=found.form_submission_id).first()
    link = (
        SigningLink.objects.select_for_update(of=("self",))
        .select_related("form_submission__form_template")
        .filter(pk=found.pk)
        .first()
    )
    if link is None or not _usable(link):
        raise LinkUnusable(_("This signing link has been used or has expired. Ask for a new one."))
    record = sign(
        submission=link.form_submission,
        step=FormTemplate.Signer.GUARDIAN,
        signature=signature,
        signer_name=link.signer_name,
    )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at", "updated_at"])
    return record
