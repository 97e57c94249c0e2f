"""What left the system: one row per export of a report (who, which report, with which
filters, in which format, when, how many rows). The model also carries the reports'
permissions, which Django can only hang on a model.

A large export is built in the background (apps/reports/tasks.py): its row then also says how
far along it is, and when ready, the stored file and until when it can be downloaded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import BaseModel


class Export(BaseModel):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    # The user's email when it was made: a deleted user's exports still say who took them.
    user_email = models.EmailField(_("by (email)"), max_length=255, blank=True)
    report = models.CharField(_("report"), max_length=40)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    row_count = models.PositiveIntegerField(_("rows"), default=0)

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    # An export made in the request is handed over at once: ready, with no stored file.
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.READY)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=100)
    file = models.ForeignKey(
        "files.File", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("file")
    )
    expires_at = models.DateTimeField(_("download until"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        # Written only by the system when someone exports; reading the record is the one permission.
        default_permissions = ("view",)
        permissions = [
            ("view_census_report", _("Can open the census report")),
            ("view_staff_hours_report", _("Can open the staff hours (payroll) report")),
            ("view_utilization_report", _("Can open the service utilization report")),
            ("view_billing_report", _("Can open the billing by payer and month report")),
            ("view_compliance_report", _("Can open the certification and training compliance report")),
            ("view_incidents_report", _("Can open the incidents report")),
            ("view_evv_report", _("Can open the EVV exceptions report")),
            ("view_phi_access_report", _("Can open the PHI access by client report")),
        ]
        indexes = [
            models.Index(fields=["report", "-created_at"], name="export_report_idx"),
            models.Index(fields=["user", "-created_at"], name="export_user_idx"),
            models.Index(fields=["expires_at"], condition=models.Q(file__isnull=False), name="export_expiring_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.format}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    def expired(self, now=None) -> bool:
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= (now or timezone.now())
