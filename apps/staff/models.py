"""Staff records (the seed's `staff`), their certifications (`staff_certifications`),
training programs (`training_programs`) and what each person completed (TrainingRecord, a
new table), plus the certifications the organization requires (CertificationRequirement).

Which requirements apply to whom (mandatory programs and required certifications): a rule
with no roles and no job titles applies to every active staff member; otherwise to those
whose linked account has one of its roles, or whose job title is one of its titles.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedTextField
from apps.core.models import BaseModel


class Staff(BaseModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        TERMINATED = "terminated", _("Terminated")
        ON_LEAVE = "on_leave", _("On leave")
        SUSPENDED = "suspended", _("Suspended")

    class PayType(models.TextChoices):
        HOURLY = "hourly", _("Hourly")
        SALARY = "salary", _("Salary")
        CONTRACT = "contract", _("Contract")

    PAY_FIELDS = ("hourly_rate", "salary", "pay_type", "fte_percentage")

    employee_id = models.CharField(_("employee ID"), max_length=50, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=255, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    mobile_phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    ssn = EncryptedTextField(_("SSN"), db_column="ssn_encrypted", blank=True)
    ssn_last4 = models.CharField(max_length=4, blank=True, editable=False)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=50, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=20, blank=True)
    hire_date = models.DateField(_("hire date"))
    termination_date = models.DateField(_("termination date"), null=True, blank=True)
    employment_status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    department = models.CharField(_("department"), max_length=100, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    # Where they usually work (a home, the day program): the compliance matrix filters on it.
    work_location = models.CharField(_("work location"), max_length=255, blank=True)
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports", verbose_name=_("supervisor")
    )
    hourly_rate = models.DecimalField(_("hourly rate"), max_digits=10, decimal_places=2, null=True, blank=True)
    salary = models.DecimalField(_("salary"), max_digits=12, decimal_places=2, null=True, blank=True)
    pay_type = models.CharField(_("pay type"), max_length=10, choices=PayType.choices, blank=True)
    fte_percentage = models.DecimalField(_("FTE %"), max_digits=5, decimal_places=2, default=100)
    # The profile photo: a 320-pixel thumbnail (files app), and its download link.
    photo = models.ForeignKey(
        "files.File", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    profile_picture_url = models.TextField(_("profile picture"), blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_record",
        verbose_name=_("user account"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        permissions = [
            ("see_pay", _("Can see staff pay")),
            ("change_pay", _("Can change staff pay")),
            ("reveal_ssn", _("Can reveal a staff member's SSN")),
            ("import_staff", _("Can import staff from CSV")),
        ]
        indexes = [
            models.Index(fields=["employment_status", "last_name", "first_name"], name="staff_status_name_idx"),
            models.Index(fields=["department"], name="staff_department_idx"),
            # "Starts with" search on the ID and email (apps.core.search).
            models.Index(OpClass(Upper("employee_id"), name="text_pattern_ops"), name="staff_employee_id_prefix_idx"),
            models.Index(OpClass(Upper("email"), name="text_pattern_ops"), name="staff_email_prefix_idx"),
            models.Index(
                fields=["last_name", "first_name"],
                condition=~Q(employment_status="terminated"),
                name="staff_current_name_idx",
            ),
            # The seed's full-text index on names is created by migration 0002 (raw SQL).
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(termination_date__isnull=True) | Q(termination_date__gte=models.F("hire_date")),
                name="staff_terminated_after_hire",
                violation_error_message=_("The termination date cannot be before the hire date."),
            ),
            models.CheckConstraint(
                condition=Q(fte_percentage__gte=0) & Q(fte_percentage__lte=100),
                name="staff_fte_percentage_range",
                violation_error_message=_("The FTE percentage must be between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        # Agencies have namesakes: the admin's pickers and the audit log name people by str(),
        # so the employee ID goes with the name.
        return f"{self.display_name} ({self.employee_id})" if self.employee_id else self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    @property
    def ssn_masked(self) -> str:
        return f"***-**-{self.ssn_last4}" if self.ssn_last4 else ""

    def get_absolute_url(self) -> str:
        return reverse("staff:detail", args=[self.pk])

    def get_documents_url(self) -> str:
        return reverse("staff:documents", args=[self.pk])


# A staff record's columns as its form edits them, in this order (the pay only for people
# who may change it); staff_save takes them by name, the pay apart.
COLUMNS = (
    "employee_id",
    "first_name",
    "middle_name",
    "last_name",
    "preferred_name",
    "email",
    "phone",
    "mobile_phone",
    "date_of_birth",
    "address",
    "city",
    "state",
    "zip_code",
    "hire_date",
    "termination_date",
    "employment_status",
    "department",
    "job_title",
    "work_location",
    "supervisor",
    *Staff.PAY_FIELDS,
    "notes",
)


class Certification(BaseModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        PENDING_RENEWAL = "pending_renewal", _("Pending renewal")
        SUSPENDED = "suspended", _("Suspended")

    # States set by hand; the others follow the dates.
    MANUAL = (Status.PENDING_RENEWAL, Status.SUSPENDED)

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="certifications")
    certification_type = models.CharField(_("type"), max_length=255)
    certification_name = models.CharField(_("name"), max_length=255)
    issuing_organization = models.CharField(_("issued by"), max_length=255)
    certification_number = models.CharField(_("number"), max_length=100, blank=True)
    issue_date = models.DateField(_("issued"))
    expiry_date = models.DateField(_("expires"), null=True, blank=True)
    renewal_required = models.BooleanField(_("renewal required"), default=True)
    renewal_period_months = models.PositiveIntegerField(
        _("renewal period (months)"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # The newest document attached to the certification (its documents tab), kept by
    # services.certification_documents_changed.
    document = models.ForeignKey(
        "files.File", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    document_url = models.TextField(_("document"), blank=True, editable=False)
    verification_url = models.URLField(_("verification link"), blank=True)
    reminder_days_before = models.PositiveIntegerField(
        _("remind days before expiry"), default=30, validators=[MaxValueValidator(3650)]
    )
    # Renewing makes a new record; the one it renews stays, pointing forward.
    renewed_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renews", editable=False
    )

    class Meta:
        ordering = ["certification_type", "-issue_date"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        indexes = [
            models.Index(fields=["staff", "certification_type", "-issue_date"], name="cert_staff_type_idx"),
            models.Index(fields=["expiry_date"], name="cert_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True) | Q(expiry_date__gte=models.F("issue_date")),
                name="cert_expires_after_issue",
                violation_error_message=_("The expiry date cannot be before the issue date."),
            )
        ]

    def __str__(self) -> str:
        return self.certification_name

    def state(self, today: dt.date) -> str:
        """current, expiring, expired, or the manual state: what a person sees."""
        return certification_state(self.status, self.expiry_date, self.reminder_days_before, today)


def certification_state(status: str, expiry: dt.date | None, remind: int, today: dt.date) -> str:
    if status in Certification.MANUAL:
        return status
    if expiry is None:
        return "current"
    if expiry < today:
        return "expired"
    if expiry <= today + dt.timedelta(days=remind or 0):
        return "expiring"
    return "current"


class TrainingProgram(BaseModel):
    class Delivery(models.TextChoices):
        ONLINE = "online", _("Online")
        CLASSROOM = "classroom", _("Classroom")
        ON_JOB = "on_job", _("On the job")
        BLENDED = "blended", _("Blended")

    program_name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    is_mandatory = models.BooleanField(_("mandatory"), default=False)
    frequency_months = models.PositiveIntegerField(
        _("repeat every (months)"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    duration_hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    delivery_method = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices, blank=True)
    # Other programs' ids, to complete first (no cycles).
    prerequisites = models.JSONField(_("prerequisites"), default=list, blank=True)
    materials_url = models.URLField(_("materials"), blank=True)
    test_required = models.BooleanField(_("test required"), default=False)
    passing_score = models.DecimalField(_("passing score"), max_digits=5, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Who a mandatory program applies to (see the module's note): roles and job titles.
    required_roles = models.ManyToManyField("accounts.Role", blank=True, related_name="+", verbose_name=_("for roles"))
    required_job_titles = models.JSONField(_("for job titles"), default=list, blank=True)

    class Meta:
        ordering = ["program_name"]
        verbose_name = _("training program")
        verbose_name_plural = _("training programs")

    def __str__(self) -> str:
        return self.program_name


class CertificationRequirement(BaseModel):
    """A certification the organization requires (CPR, First Aid…): a column of the
    compliance matrix, applying by role or job title like mandatory programs."""

    certification_type = models.CharField(_("certification type"), max_length=255, unique=True)
    required_roles = models.ManyToManyField("accounts.Role", blank=True, related_name="+", verbose_name=_("for roles"))
    required_job_titles = models.JSONField(_("for job titles"), default=list, blank=True)

    class Meta:
        ordering = ["certification_type"]
        verbose_name = _("required certification")
        verbose_name_plural = _("required certifications")

    def __str__(self) -> str:
        return self.certification_type


class TrainingRecord(BaseModel):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="training_records")
    program = models.ForeignKey(TrainingProgram, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField(_("completed"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=True, editable=False)
    expires_on = models.DateField(_("expires"), null=True, blank=True, editable=False)
    # The evidence (a certificate, a sign-in sheet) is attached through the files app: the
    # record's documents tab, so it gets the files app's checks, encryption and access log.

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        indexes = [models.Index(fields=["staff", "program", "-completed_on"], name="training_staff_program_idx")]

    def __str__(self) -> str:
        return f"{self.program} · {self.completed_on}"
