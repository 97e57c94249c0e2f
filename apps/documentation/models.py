"""Care documentation: form templates and their versions, submissions (visit notes, incident
reports, …), what happened to each, and electronic signatures.

The seed's `form_templates` is FormTemplate (its form_structure and version are the current
ones); every version a submission was filled on is kept whole in FormTemplateVersion, so a
submission always renders with the form it was filled on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedKeysJSONField
from apps.core.models import BaseModel
from apps.documentation import starters
from apps.documentation.structure import sensitive_keys


class FormTemplate(BaseModel):
    class Type(models.TextChoices):
        PROGRESS_NOTE = "progress_note", _("Progress note")
        INCIDENT_REPORT = "incident_report", _("Incident report")
        MEDICATION = "medication", _("Medication administration")
        SERVICE_PLAN_SUMMARY = "service_plan_summary", _("Service plan progress summary")
        ASSESSMENT = "assessment", _("Assessment")
        OTHER = "other", _("Other")

    class Signer(models.TextChoices):
        AUTHOR = "author", _("The author")
        APPROVER = "approver", _("The approver")
        GUARDIAN = "guardian", _("Guardian or client, by a link")

    template_name = models.CharField(_("name"), max_length=255)
    category = models.CharField(_("category"), max_length=100, blank=True)
    form_type = models.CharField(_("type"), max_length=30, choices=Type.choices, default=Type.OTHER)
    description = models.TextField(_("description"), blank=True)
    form_structure = models.JSONField(_("form structure"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    requires_signature = models.BooleanField(_("requires signature"), default=False)
    requires_approval = models.BooleanField(_("requires approval"), default=False)
    # Who signs, in order, when a signature is required (Signer values).
    signers = models.JSONField(_("signers"), default=list, blank=True)
    # Visit notes: the template offered at clock-out for these services; the organization's
    # default note (is_default_visit_note) for any other service.
    visit_note_services = models.ManyToManyField(
        "scheduling.Service", blank=True, related_name="note_templates", verbose_name=_("visit note for services")
    )
    is_default_visit_note = models.BooleanField(_("default visit note"), default=False)
    # The starter template this one came from (incident_report, progress_note, …), so code can
    # find "the incident report" however an organization has renamed it.
    starter = models.CharField(max_length=40, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["template_name"]
        verbose_name = _("form template")
        verbose_name_plural = _("form templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default_visit_note"],
                condition=Q(is_default_visit_note=True),
                name="one_default_visit_note",
                violation_error_message=_("Another template is already the default visit note."),
            ),
            models.UniqueConstraint(
                fields=["starter"],
                condition=~Q(starter=""),
                name="formtemplate_starter_unique",
                violation_error_message=_("This starter template is already here."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name pages show: a starter still under its English name in the reader's language."""
        return starters.display_name(self)

    def get_absolute_url(self) -> str:
        return reverse("documentation:template", args=[self.pk])

    @property
    def signer_steps(self) -> list[str]:
        if not self.requires_signature:
            return []
        return [step for step in (self.signers or [self.Signer.AUTHOR]) if step in self.Signer.values]


class FormTemplateVersion(BaseModel):
    """A template's structure as it was: written when a template is created and again when a
    template already filled in is edited. Never changed once a submission points at it."""

    template = models.ForeignKey(FormTemplate, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    form_structure = models.JSONField(_("form structure"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["template", "-version"]
        verbose_name = _("form template version")
        verbose_name_plural = _("form template versions")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "version"],
                name="formtemplateversion_unique",
                violation_error_message=_("This version of the template already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.version}"


class FormSubmission(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    form_template = models.ForeignKey(
        FormTemplate, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("form")
    )
    template_version = models.ForeignKey(
        FormTemplateVersion, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("version")
    )
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="form_submissions",
        verbose_name=_("client"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="form_submissions", verbose_name=_("author")
    )
    # The visit a progress note is written for: one note per visit.
    visit = models.OneToOneField(
        "scheduling.Visit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="note",
        verbose_name=_("visit"),
    )
    # Answers to the fields the version marks sensitive are stored encrypted inside the object
    # (EncryptedKeysJSONField); in Python it is always the plain answers.
    submission_data = EncryptedKeysJSONField(_("answers"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # Set by the first signature: a signed submission's answers no longer change.
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    # The record hash of the submission's last signature (signing.sign keeps it): a signature
    # deleted afterwards, or all of them, leaves the chain ending somewhere else.
    signature_head = models.CharField(_("last signature SHA-256"), max_length=64, blank=True, editable=False)
    # Incidents: when the review is due (submitted + the organization's review hours), and
    # whether the answers raised an alert (injury, suspected abuse).
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    alerted = models.BooleanField(_("alert raised"), default=False)
    # The date the documentation is about (a visit's day, an incident's day): lists filter and
    # sort by it.
    service_date = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        permissions = [
            ("approve_formsubmission", _("Can approve or reject submitted forms")),
            ("request_signature", _("Can send a signing link to a guardian")),
        ]
        indexes = [
            # The list: newest first, filtered by status, template, client or author.
            models.Index(fields=["-created_at", "-id"], name="submission_newest_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="submission_status_idx"),
            models.Index(fields=["form_template", "-created_at", "-id"], name="submission_template_idx"),
            models.Index(fields=["client", "-created_at", "-id"], name="submission_client_idx"),
            models.Index(fields=["staff", "-created_at", "-id"], name="submission_staff_idx"),
            models.Index(
                fields=["review_due_at"],
                condition=Q(status="submitted", review_due_at__isnull=False),
                name="submission_review_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form_template} · {self.service_date}"

    def get_absolute_url(self) -> str:
        return reverse("documentation:submission", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.REJECTED) and self.locked_at is None

    def encrypted_keys(self, field_name: str) -> set[str]:
        """The answers stored encrypted: those to the fields this version marks sensitive. The
        version is the one the submission was filled on, so its flags never change under it."""
        return sensitive_keys(self.template_version.form_structure)

    def review_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.SUBMITTED and self.review_due_at is not None and self.review_due_at < now


class SubmissionEvent(BaseModel):
    """What happened to a submission, in order: kept when it is rejected and corrected."""

    class Action(models.TextChoices):
        CREATED = "created", _("Started")
        SUBMITTED = "submitted", _("Submitted")
        RESUBMITTED = "resubmitted", _("Corrected and resubmitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SIGNED = "signed", _("Signed")
        LINK_SENT = "link_sent", _("Signing link sent")
        ALERTED = "alerted", _("Managers alerted")

    submission = models.ForeignKey(FormSubmission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("what"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    # A rejected submission's answers as they were, so its correction can be compared.
    answers = EncryptedKeysJSONField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    def encrypted_keys(self, field_name: str) -> set[str]:
        return self.submission.encrypted_keys(field_name)


class ElectronicSignature(BaseModel):
    """One signature (ESIGN / UETA style): who, as what, when, from where, the consent they
    agreed to, and a SHA-256 of the submission's canonical content at that moment.
    `record_hash` chains each signature to the one before it on the submission, so a
    signature changed or removed afterwards shows too."""

    class Method(models.TextChoices):
        DRAWN = "drawn", _("Drawn")
        TYPED = "typed", _("Typed name")

    form_submission = models.ForeignKey(FormSubmission, on_delete=models.PROTECT, related_name="signatures")
    step = models.PositiveSmallIntegerField(_("order"))
    # A person of the organization; empty for a guardian signing by link (signer_name).
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="signatures"
    )
    signer_name = models.CharField(_("signer"), max_length=255)
    signer_role = models.CharField(_("signed as"), max_length=100)
    method = models.CharField(_("method"), max_length=5, choices=Method.choices)
    # A PNG as a data URL (drawn) or the typed name.
    signature_data = models.TextField(_("signature"))
    signed_at = models.DateTimeField(_("signed"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.TextField(_("browser"), blank=True)
    consent_text = models.TextField(_("consent"))
    content_hash = models.CharField(_("content SHA-256"), max_length=64)
    record_hash = models.CharField(_("signature SHA-256"), max_length=64)
    # A correction after rejection voids the earlier signatures (kept, no longer current).
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)

    class Meta:
        ordering = ["form_submission", "signed_at", "id"]
        verbose_name = _("electronic signature")
        verbose_name_plural = _("electronic signatures")
        indexes = [models.Index(fields=["form_submission", "signed_at"], name="signature_submission_idx")]

    def __str__(self) -> str:
        return f"{self.signer_name} · {self.signed_at:%Y-%m-%d %H:%M}"


class SigningLink(BaseModel):
    """A link for someone without an account (a guardian) to sign once, before it expires.
    Only the token's SHA-256 is kept: the link itself is in the email sent."""

    form_submission = models.ForeignKey(FormSubmission, on_delete=models.CASCADE, related_name="signing_links")
    step = models.PositiveSmallIntegerField()
    signer_name = models.CharField(_("name"), max_length=255)
    email = models.EmailField(_("email"))
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signing link")
        verbose_name_plural = _("signing links")

    def __str__(self) -> str:
        return f"{self.signer_name} <{self.email}>"
