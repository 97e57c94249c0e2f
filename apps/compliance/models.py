"""Compliance rules (the seed's `compliance_rules`) and what they find (Finding, a new table).

A rule names a type from the registry (apps/compliance/rule_types.py) and holds that type's
parameters in `rule_definition`, checked against the type's JSON Schema. A finding is one
object a rule found out of compliance (a certification, a visit, a care plan…), kept while the
condition lasts: the nightly evaluation opens it, updates when it was last seen, resolves it
once the condition clears and reopens it if the condition returns. No organization column:
the schema is the organization.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import BaseModel


class Severity(models.TextChoices):
    # The seed's severity_level enum.
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


# Most severe first: how counts and filters list them.
SEVERITY_ORDER = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW]


class ComplianceRule(BaseModel):
    rule_name = models.CharField(_("name"), max_length=255)
    rule_type = models.CharField(_("type"), max_length=100)
    rule_definition = models.JSONField(_("parameters"), default=dict, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    is_active = models.BooleanField(_("active"), default=True)
    # The starter rule this one came from (apps/compliance/starters.py), so the migration that
    # adds starters never adds one twice, however the organization has edited it.
    starter = models.CharField(max_length=60, blank=True, editable=False)

    class Meta:
        ordering = ["rule_name"]
        verbose_name = _("compliance rule")
        verbose_name_plural = _("compliance rules")
        permissions = [("run_compliance", _("Can run the compliance rules now"))]
        constraints = [
            models.UniqueConstraint(
                fields=["starter"],
                condition=~Q(starter=""),
                name="compliancerule_starter_unique",
                violation_error_message=_("This starter rule is already here."),
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        from apps.compliance import starters

        return starters.display_name(self)

    def clean(self) -> None:
        from apps.compliance import rule_types

        rule_type = rule_types.REGISTRY.get(self.rule_type)
        if rule_type is None:
            raise ValidationError({"rule_type": _("Choose a rule type from the list.")})
        errors = rule_types.definition_errors(rule_type, self.rule_definition)
        if errors:
            raise ValidationError({"rule_definition": errors})

    @property
    def type_title(self) -> str:
        from apps.compliance import rule_types

        rule_type = rule_types.REGISTRY.get(self.rule_type)
        return str(rule_type.title) if rule_type else self.rule_type


class Finding(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("finding status", "Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    rule = models.ForeignKey(ComplianceRule, on_delete=models.CASCADE, related_name="findings", verbose_name=_("rule"))
    # The object out of compliance: named generically (a staff member, a visit, a care plan…),
    # with a label and a link stored when it was found, so the list needs no join per kind.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.UUIDField()
    label = models.CharField(_("concerns"), max_length=255)
    url_name = models.CharField(max_length=100, blank=True)
    url_args = models.JSONField(default=list, blank=True)
    location = models.ForeignKey(
        "clients.ClientLocation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("location"),
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.OPEN)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # When a resolved finding came back (the condition returned); null if it never did.
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    acknowledgement_note = models.TextField(_("acknowledgement note"), blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        ordering = ["-first_seen", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        permissions = [("acknowledge_finding", _("Can acknowledge compliance findings"))]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id"],
                name="finding_one_per_rule_and_object",
                violation_error_message=_("This rule already has a finding for this record."),
            )
        ]
        indexes = [
            # The dashboard: findings not resolved, newest first, by severity, rule or location.
            models.Index(fields=["-first_seen", "-id"], name="finding_newest_idx"),
            models.Index(fields=["status", "severity"], name="finding_status_severity_idx"),
            models.Index(fields=["rule", "status"], name="finding_rule_status_idx"),
            models.Index(fields=["location", "status"], name="finding_location_status_idx"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_current(self) -> bool:
        return self.status != self.Status.RESOLVED

    @property
    def object_url(self) -> str:
        """The page of the object the finding concerns ("" when that page no longer exists)."""
        if not self.url_name:
            return ""
        try:
            return reverse(self.url_name, args=self.url_args)
        except NoReverseMatch:
            return ""
