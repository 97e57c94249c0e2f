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
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.documentation.answers import decode_signature
from apps.documentation.models import ElectronicSignature, FormSubmission, FormTemplate, SigningLink, SubmissionEvent
from apps.documentation.structure import canonical_json, sha256

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
    return {
        "template": str(submission.form_template_id),
        "version": submission.template_version.version,
        "answers": submission.submission_data or {},
    }


def content_hash(submission: FormSubmission) -> str:
    return sha256(content(submission))


def record_hash(signature: ElectronicSignature, previous: str) -> str:
    record = {
        "previous": previous,
        "submission": str(signature.form_submission_id),
        "step": signature.step,
        "signer": str(signature.signer_id or ""),
        "signer_name": signature.signer_name,
        "signer_role": signature.signer_role,
        "method": signature.method,
        "signature": hashlib.sha256(signature.signature_data.encode("utf-8")).hexdigest(),
        "signed_at": signature.signed_at.isoformat(),
        "ip_address": signature.ip_address or "",
        "user_agent": signature.user_agent,
        "consent_text": signature.consent_text,
        "content_hash": signature.content_hash,
        "voided": signature.voided_at is not None,
    }
    return hashlib.sha256(canonical_json(record)).hexdigest()


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
                {"signature": _("Type your name as it is on your account: %(name)s.") % {"name": typed_name_of}}
            )
        return typed
    raise ValidationError({"signature": _("Draw your signature or type your name.")})


def next_step(submission: FormSubmission) -> str | None:
    """The signer whose turn it is, or None when every signer has signed."""
    steps = submission.form_template.signer_steps
    done = ElectronicSignature.objects.filter(form_submission=submission, voided_at__isnull=True).count()
    return steps[done] if done < len(steps) else None


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
        FormSubmission.objects.select_for_update()
        .select_related("form_template", "template_version")
        .get(pk=submission.pk)
    )
    if next_step(submission) != step:
        raise ValidationError(_("It is not this signer's turn to sign."))
    if submission.status not in (FormSubmission.Status.SUBMITTED, FormSubmission.Status.APPROVED):
        raise ValidationError(_("Only a submitted form can be signed."))
    if signer is not None:
        signer_name = signer.get_full_name() or signer.email
        role = signer.role.display_name if getattr(signer, "role", None) else ""
        signer_role = f"{_step_label(step)} · {role}" if role else _step_label(step)
    else:
        signer_role = _step_label(step)
    data = _check_input(signature, typed_name_of=signer_name if signer is not None else "")
    if signer is None and signature.method == ElectronicSignature.Method.TYPED:
        signer_name = data
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
        ip_address=signature.ip_address or None,
        user_agent=(signature.user_agent or "")[:1000],
        consent_text=str(signature.consent_text or CONSENT_TEXT),
        content_hash=content_hash(submission),
    )
    record.record_hash = record_hash(record, previous.record_hash if previous else GENESIS)
    record.save()
    if submission.locked_at is None:
        submission.locked_at = now
        submission.save(update_fields=["locked_at", "updated_at"])
    SubmissionEvent.objects.create(
        submission=submission, action=SubmissionEvent.Action.SIGNED, actor=signer, note=signer_name
    )
    return record


def void_signatures(submission: FormSubmission) -> None:
    """A rejection voids the current signatures: each is kept, marked voided, and the chain
    is carried on by a re-hash in order, so verification still covers them."""
    signatures = list(
        ElectronicSignature.objects.select_for_update().filter(form_submission=submission).order_by("signed_at", "id")
    )
    now = timezone.now()
    previous = GENESIS
    for signature in signatures:
        if signature.voided_at is None:
            signature.voided_at = now
        signature.record_hash = record_hash(signature, previous)
        previous = signature.record_hash
        signature.save(update_fields=["voided_at", "record_hash", "updated_at"])


def verify(submission: FormSubmission, signatures: list[ElectronicSignature] | None = None) -> list[str]:
    """What no longer matches on a signed submission: [] when everything does."""
    if signatures is None:
        signatures = list(ElectronicSignature.objects.filter(form_submission=submission).order_by("signed_at", "id"))
    problems = []
    current = content_hash(submission)
    previous = GENESIS
    for signature in signatures:
        if record_hash(signature, previous) != signature.record_hash:
            problems.append(
                _("The signature of %(name)s (%(when)s) was changed after it was made.")
                % {"name": signature.signer_name, "when": signature.signed_at.isoformat(timespec="seconds")}
            )
        if signature.voided_at is None and signature.content_hash != current:
            problems.append(_("The answers were changed after %(name)s signed them.") % {"name": signature.signer_name})
        previous = signature.record_hash
    return problems


# --- signing links ------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def link_create(
    *, submission: FormSubmission, signer_name: str, email: str, actor, lifetime: dt.timedelta = LINK_LIFETIME
) -> tuple[SigningLink, str]:
    """A link for the guardian's signature: returns it and its token (sent, never stored)."""
    submission = FormSubmission.objects.select_for_update().select_related("form_template").get(pk=submission.pk)
    if next_step(submission) != FormTemplate.Signer.GUARDIAN:
        raise ValidationError(_("This form is not waiting for a guardian's signature."))
    token = secrets.token_urlsafe(32)
    link = SigningLink.objects.create(
        form_submission=submission,
        step=len(submission.form_template.signer_steps),
        signer_name=signer_name.strip(),
        email=email.strip(),
        token_hash=_token_hash(token),
        expires_at=timezone.now() + lifetime,
        created_by=actor,
    )
    SubmissionEvent.objects.create(
        submission=submission, action=SubmissionEvent.Action.LINK_SENT, actor=actor, note=f"{signer_name} <{email}>"
    )
    return link, token


def link_for_token(token: str) -> SigningLink | None:
    """The link, if it exists, is unused and has not expired; None otherwise."""
    link = (
        SigningLink.objects.select_related("form_submission__form_template", "form_submission__template_version")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    return link


@transaction.atomic
def link_sign(*, token: str, signature: SignatureInput) -> ElectronicSignature:
    link = SigningLink.objects.select_for_update().filter(token_hash=_token_hash(token or "")).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise ValidationError(_("This signing link has been used or has expired. Ask for a new one."))
    record = sign(
        submission=link.form_submission,
        step=FormTemplate.Signer.GUARDIAN,
        signature=signature,
        signer_name=link.signer_name,
    )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at", "updated_at"])
    return record
