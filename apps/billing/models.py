"""Billing: what the seed names without defining (payers, service authorizations), its
`billable_services` and `claims`, and what claims need beside them (claim lines, a claim's
history, CAS adjustments, the X12 files sent and received).

Money is `Decimal` throughout, in columns of two decimal places. Two rules are kept by the
database itself rather than by whoever writes: a billable service's total is its units times
its rate rounded half-up to cents (a check constraint: PostgreSQL's round() of a numeric
rounds half away from zero, which is half-up for amounts that are never negative), and a
claim's total equals the sum of its lines (a deferred constraint trigger, migration 0002), so
no code path can leave a claim whose lines say something else.

The organization's billing identity (NPI, tax ID…) is the seed's `organizations.billing_settings`
(apps.billing.identity validates it).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import BaseModel

ZERO = Decimal("0.00")


def money(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class Payer(BaseModel):
    """Who pays for services: a state Medicaid program, a managed-care plan, an insurer, or
    the client (self-pay)."""

    class Type(models.TextChoices):
        MEDICAID = "medicaid", _("Medicaid")
        MANAGED_CARE = "managed_care", _("Managed care")
        PRIVATE = "private", _("Private insurance")
        SELF_PAY = "self_pay", _("Self-pay")

    class FilingIndicator(models.TextChoices):
        # 837P SBR09 / claim filing indicator codes an HCBS agency meets.
        MEDICAID = "MC", _("MC · Medicaid")
        HMO = "HM", _("HM · Health maintenance organization")
        COMMERCIAL = "CI", _("CI · Commercial insurance")
        BLUE_CROSS = "BL", _("BL · Blue Cross/Blue Shield")
        MEDICARE_B = "MB", _("MB · Medicare Part B")
        PPO = "12", _("12 · Preferred provider organization")
        POS = "13", _("13 · Point of service")
        OTHER_FEDERAL = "11", _("11 · Other non-federal program")
        MUTUALLY_DEFINED = "ZZ", _("ZZ · Mutually defined (self-pay)")

    name = models.CharField(_("name"), max_length=255)
    payer_type = models.CharField(_("type"), max_length=15, choices=Type.choices, default=Type.MEDICAID)
    # NM109 of loop 2010BB: the payer as the clearinghouse knows it.
    edi_payer_id = models.CharField(_("EDI payer ID"), max_length=80, blank=True)
    claim_filing_indicator = models.CharField(
        _("claim filing indicator"), max_length=2, choices=FilingIndicator.choices, default=FilingIndicator.MEDICAID
    )
    address_line1 = models.CharField(_("address line 1"), max_length=55, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=55, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=15, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("payer")
        verbose_name_plural = _("payers")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("billing:payer", args=[self.pk])


class PayerRate(BaseModel):
    """A payer's own rate for a service, from a date (to a date, or open-ended). Overrides the
    service's base rate on the dates it covers; a payer's rates for one service never overlap
    (apps.billing.payers.rate_set checks)."""

    payer = models.ForeignKey(Payer, on_delete=models.CASCADE, related_name="rates", verbose_name=_("payer"))
    service = models.ForeignKey(
        "scheduling.Service", on_delete=models.PROTECT, related_name="payer_rates", verbose_name=_("service")
    )
    rate = models.DecimalField(
        _("rate per unit"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    effective_from = models.DateField(_("from"))
    effective_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["payer", "service", "-effective_from"]
        verbose_name = _("payer rate")
        verbose_name_plural = _("payer rates")
        indexes = [models.Index(fields=["payer", "service", "effective_from"], name="payer_rate_lookup_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="payer_rate_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0),
                name="payer_rate_not_negative",
                violation_error_message=_("A rate cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["payer", "service", "effective_from"],
                name="payer_rate_one_per_start",
                violation_error_message=_("This payer already has a rate for this service from that date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer} · {self.service.code} · {self.rate}"


class Coverage(BaseModel):
    """A client's insurance with a payer over a period: member ID, group, who the subscriber is.
    A client may have several over time and a secondary beside the primary; at any date at
    most one is primary (apps.billing.coverage checks)."""

    class Rank(models.IntegerChoices):
        PRIMARY = 1, _("Primary")
        SECONDARY = 2, _("Secondary")
        TERTIARY = 3, _("Tertiary")

    class Relationship(models.TextChoices):
        # 837P SBR02 / PAT01 individual relationship codes.
        SELF = "18", _("Self")
        SPOUSE = "01", _("Spouse")
        CHILD = "19", _("Child")
        OTHER = "G8", _("Other relationship")

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="coverages", verbose_name=_("client")
    )
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="coverages", verbose_name=_("payer"))
    rank = models.PositiveSmallIntegerField(_("order"), choices=Rank.choices, default=Rank.PRIMARY)
    member_id = models.CharField(_("member ID"), max_length=80)
    group_number = models.CharField(_("group number"), max_length=50, blank=True)
    subscriber_relationship = models.CharField(
        _("client is the subscriber's"), max_length=2, choices=Relationship.choices, default=Relationship.SELF
    )
    # Only when the subscriber is someone else (a parent's plan): loop 2010BA names them.
    subscriber_first_name = models.CharField(_("subscriber's first name"), max_length=35, blank=True)
    subscriber_last_name = models.CharField(_("subscriber's last name"), max_length=60, blank=True)
    subscriber_date_of_birth = models.DateField(_("subscriber's date of birth"), null=True, blank=True)
    start_date = models.DateField(_("eligible from"))
    end_date = models.DateField(_("eligible to"), null=True, blank=True)

    class Meta:
        ordering = ["client", "rank", "-start_date"]
        verbose_name = _("coverage")
        verbose_name_plural = _("coverages")
        indexes = [models.Index(fields=["client", "start_date"], name="coverage_client_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="coverage_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer} · {self.member_id}"

    def covers(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class ServiceAuthorization(BaseModel):
    """A payer's approval of so many units of a service for a client between two dates,
    optionally capped per week or per month as well."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    class Period(models.TextChoices):
        TOTAL = "total", _("For the whole authorization")
        WEEK = "week", _("Per week")
        MONTH = "month", _("Per month")

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="authorizations", verbose_name=_("client")
    )
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="authorizations", verbose_name=_("payer"))
    service = models.ForeignKey(
        "scheduling.Service", on_delete=models.PROTECT, related_name="authorizations", verbose_name=_("service")
    )
    authorization_number = models.CharField(_("authorization number"), max_length=50)
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    units_authorized = models.DecimalField(
        _("units authorized"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    # A cap per week or per month on top of the total (both apply).
    period = models.CharField(_("also limited"), max_length=5, choices=Period.choices, default=Period.TOTAL)
    period_units = models.DecimalField(
        _("units per period"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    notes = models.TextField(_("notes"), blank=True)
    # When each notification was sent, so the nightly job sends it once (reset when the
    # authorization's units or end date change).
    notified_80_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_100_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_ending_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["end_date", "authorization_number"]
        verbose_name = _("service authorization")
        verbose_name_plural = _("service authorizations")
        indexes = [
            models.Index(fields=["client", "service", "start_date"], name="authorization_lookup_idx"),
            models.Index(fields=["status", "end_date"], name="authorization_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="authorization_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(period="total", period_units__isnull=True) | (~Q(period="total") & Q(period_units__gt=0)),
                name="authorization_period_units",
                violation_error_message=_("Give the units per week or month only with a weekly or monthly limit."),
            ),
            models.UniqueConstraint(
                fields=["payer", "authorization_number"],
                name="authorization_number_per_payer",
                violation_error_message=_("This payer already has an authorization with this number."),
            ),
        ]

    def __str__(self) -> str:
        return self.authorization_number

    def get_absolute_url(self) -> str:
        return reverse("billing:authorization", args=[self.pk])


class BillableService(BaseModel):
    """A unit of delivered service ready to be claimed: made from a completed, verified visit
    (at most once: `visit` is unique) or entered by hand with a reason.

    `blocking_reasons` holds the codes of apps.billing.validation that keep it off a claim;
    they are recomputed whenever it is generated or re-checked, and shown in the review queue.
    """

    class Status(models.TextChoices):
        READY = "ready", _("Ready to bill")
        BLOCKED = "blocked", _("Blocked")
        CLAIMED = "claimed", _("On a claim")
        # Taken out of billing by hand (a duplicate, not billable); kept for the record. A
        # context of its own: Spanish says it as an adjective here, a noun for a claim's type.
        VOID = "void", pgettext_lazy("billable service status", "Void")

    class Source(models.TextChoices):
        VISIT = "visit", _("Verified visit")
        MANUAL = "manual", _("Entered by hand")

    # Its own index would repeat the leading column of billable_client_date_idx (and
    # authorization's that of billable_authorization_idx): two indexes fewer for every row
    # generation inserts.
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="billable_services",
        verbose_name=_("client"),
        db_index=False,
    )
    staff = models.ForeignKey(
        "staff.Staff", on_delete=models.PROTECT, related_name="billable_services", verbose_name=_("staff")
    )
    service = models.ForeignKey(
        "scheduling.Service", on_delete=models.PROTECT, related_name="billable_services", verbose_name=_("service")
    )
    payer = models.ForeignKey(
        Payer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="billable_services",
        verbose_name=_("payer"),
    )
    authorization = models.ForeignKey(
        ServiceAuthorization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="billable_services",
        verbose_name=_("authorization"),
        db_index=False,
    )
    visit = models.OneToOneField(
        "scheduling.Visit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="billable_service",
        verbose_name=_("visit"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.VISIT)
    service_date = models.DateField(_("date of service"))
    start_time = models.TimeField(_("starts"), null=True, blank=True)
    end_time = models.TimeField(_("ends"), null=True, blank=True)
    # The absolute times, for the overlap check across midnight and time zones.
    starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    units = models.DecimalField(_("units"), max_digits=8, decimal_places=2)
    rate = models.DecimalField(_("rate"), max_digits=10, decimal_places=2)
    total_amount = money(_("amount"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.READY)
    blocking_reasons = ArrayField(models.CharField(max_length=40), default=list, blank=True, editable=False)
    reason = models.TextField(_("reason for a manual entry"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-service_date", "-starts_at"]
        verbose_name = _("billable service")
        verbose_name_plural = _("billable services")
        indexes = [
            # The seed's indexes, and the review queue and overlap check.
            models.Index(fields=["client", "service_date"], name="billable_client_date_idx"),
            # With the id: the review queue's keyset order, read straight off the index even
            # among a day's thousands of services (a status filter reads it too).
            models.Index(fields=["service_date", "id"], name="billable_date_idx"),
            models.Index(fields=["status", "-service_date"], name="billable_status_idx"),
            models.Index(fields=["authorization", "status"], name="billable_authorization_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_amount=Round(F("units") * F("rate"), 2)),
                name="billable_total_is_units_times_rate",
                violation_error_message=_("The amount must be the units times the rate, rounded to the cent."),
            ),
            models.CheckConstraint(
                condition=Q(units__gte=0) & Q(rate__gte=0),
                name="billable_not_negative",
                violation_error_message=_("Units and rate cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(source="visit", visit__isnull=False) | Q(source="manual", visit__isnull=True),
                name="billable_source_matches_visit",
                violation_error_message=_("A service from a visit names its visit; one entered by hand names none."),
            ),
            models.CheckConstraint(
                condition=Q(source="visit") | ~Q(reason=""),
                name="billable_manual_has_reason",
                violation_error_message=_("Say why this service is entered by hand."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} · {self.service_date}"

    def get_absolute_url(self) -> str:
        return reverse("billing:billable", args=[self.pk])


class Interchange(BaseModel):
    """An X12 file: an 837P sent (claims out) or an 835 received (payments in).

    `control_number` is the ISA13 of an 837P we made, drawn from BillingCounter so it never
    repeats in the organization; an 835's `content_hash` and trace number refuse the same file
    twice."""

    class Kind(models.TextChoices):
        CLAIMS_837P = "837p", _("837P claims")
        REMITTANCE_835 = "835", _("835 remittance")

    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    control_number = models.PositiveIntegerField(_("control number"), null=True, blank=True)
    content = models.TextField(_("content"), editable=False)
    content_hash = models.CharField(max_length=64, editable=False)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # 835: the check or EFT trace number (TRN02), the payment date and amount (BPR).
    trace_number = models.CharField(_("trace number"), max_length=50, blank=True)
    payment_date = models.DateField(_("payment date"), null=True, blank=True)
    total_paid = money(_("total paid"), null=True, blank=True)
    claim_count = models.PositiveIntegerField(_("claims"), default=0)
    # 835 segments that matched none of our claims or lines, as read: [{"claim": …, "why": …}].
    unmatched = models.JSONField(_("not matched"), default=list, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("X12 file")
        verbose_name_plural = _("X12 files")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "control_number"],
                condition=Q(kind="837p"),
                name="interchange_control_unique",
                violation_error_message=_("This control number was already used by another claim file."),
            ),
            models.UniqueConstraint(
                fields=["kind", "content_hash"],
                condition=Q(kind="835"),
                name="interchange_835_once",
                violation_error_message=_("This payment file was already imported."),
            ),
        ]

    def __str__(self) -> str:
        return self.filename or f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class BillingCounter(models.Model):
    """Numbers that must never repeat in an organization (interchange control numbers, claim
    numbers): incremented with UPDATE … RETURNING, so two transactions never draw the same one."""

    name = models.CharField(max_length=30, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Claim(BaseModel):
    """A claim to one payer for one client's services over a period (the seed's `claims`).

    A replacement (frequency code 7) or a void (8) points at the claim it corrects and is sent
    as a claim of its own."""

    class Type(models.TextChoices):
        INITIAL = "initial", _("Initial")
        REPLACEMENT = "replacement", _("Replacement")
        VOID = "void", _("Void")

    class Status(models.TextChoices):
        # "claim status": Spanish agrees them with "reclamación" (feminine), where the same
        # English words elsewhere describe masculine things (a form, a payment).
        DRAFT = "draft", pgettext_lazy("claim status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("claim status", "Submitted")
        PROCESSED = "processed", pgettext_lazy("claim status", "Processed")
        PAID = "paid", pgettext_lazy("claim status", "Paid")
        DENIED = "denied", pgettext_lazy("claim status", "Denied")
        REJECTED = "rejected", pgettext_lazy("claim status", "Rejected")

    # CLM05-3, the claim frequency type code.
    FREQUENCY_CODES: dict[str, str] = {Type.INITIAL: "1", Type.REPLACEMENT: "7", Type.VOID: "8"}

    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="claims", verbose_name=_("payer"))
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="claims", verbose_name=_("client")
    )
    coverage = models.ForeignKey(
        Coverage, null=True, blank=True, on_delete=models.PROTECT, related_name="claims", verbose_name=_("coverage")
    )
    claim_number = models.CharField(_("claim number"), max_length=38, unique=True)
    claim_type = models.CharField(_("type"), max_length=12, choices=Type.choices, default=Type.INITIAL)
    original = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects claim"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    total_amount = money(_("total"), default=ZERO)
    amount_paid = money(_("paid"), default=ZERO)
    patient_responsibility = money(_("patient responsibility"), default=ZERO)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_date = models.DateField(_("submitted"), null=True, blank=True)
    processed_date = models.DateField(_("processed"), null=True, blank=True)
    payment_date = models.DateField(_("paid on"), null=True, blank=True)
    # CLP07 of the payer's 835: their number for the claim, which a replacement or void quotes.
    payer_claim_number = models.CharField(_("payer's claim number"), max_length=50, blank=True)
    interchange = models.ForeignKey(
        Interchange, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims", verbose_name=_("sent in")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-period_end", "claim_number"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("submit_claim", _("Can submit claims (837P)")),
            ("post_remittance", _("Can post payments (835)")),
            ("change_billing_settings", _("Can change the organization's billing identity (NPI, tax ID)")),
        ]
        indexes = [
            # The seed's index on status, and the list's order.
            models.Index(fields=["status", "-period_end"], name="claim_status_idx"),
            models.Index(fields=["-period_end", "claim_number"], name="claim_list_idx"),
            models.Index(fields=["payer", "status"], name="claim_payer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="claim_period_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(claim_type="initial", original__isnull=True)
                | (~Q(claim_type="initial") & Q(original__isnull=False)),
                name="claim_correction_has_original",
                violation_error_message=_(
                    "A replacement or void names the claim it corrects; an initial claim names none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(total_amount__gte=0) & Q(amount_paid__gte=0),
                name="claim_amounts_not_negative",
                violation_error_message=_("A claim's amounts cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.claim_number

    def get_absolute_url(self) -> str:
        return reverse("billing:claim", args=[self.pk])

    @property
    def frequency_code(self) -> str:
        return self.FREQUENCY_CODES[self.claim_type]

    @property
    def balance(self) -> Decimal:
        return self.total_amount - self.amount_paid


class ClaimLine(BaseModel):
    """One service line of a claim (loop 2400): one billable service."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("claim status", "Pending")
        PAID = "paid", pgettext_lazy("claim status", "Paid")
        PARTIAL = "partial", pgettext_lazy("claim status", "Partly paid")
        DENIED = "denied", pgettext_lazy("claim status", "Denied")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines", verbose_name=_("claim"))
    line_number = models.PositiveSmallIntegerField(_("line"))
    billable_service = models.ForeignKey(
        BillableService, on_delete=models.PROTECT, related_name="claim_lines", verbose_name=_("billable service")
    )
    service_date = models.DateField(_("date of service"))
    procedure_code = models.CharField(_("procedure code"), max_length=20)
    modifiers = ArrayField(models.CharField(max_length=2), size=4, default=list, blank=True)
    units = models.DecimalField(_("units"), max_digits=8, decimal_places=2)
    charge = money(_("charge"))
    amount_paid = money(_("paid"), default=ZERO)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta:
        ordering = ["claim", "line_number"]
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "line_number"],
                name="claim_line_number_unique",
                violation_error_message=_("This claim already has a line with this number."),
            ),
            models.UniqueConstraint(
                fields=["claim", "billable_service"],
                name="claim_line_service_once",
                violation_error_message=_("This service is already on this claim."),
            ),
            models.CheckConstraint(
                condition=Q(charge__gte=0) & Q(amount_paid__gte=0),
                name="claim_line_not_negative",
                violation_error_message=_("A line's amounts cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim} #{self.line_number}"


class ClaimAdjustment(BaseModel):
    """A CAS adjustment from an 835: why the payer paid less than charged, on the claim or on
    one of its lines (group CO/PR/OA/PI/CR, a CARC reason code, the amount)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="adjustments")
    line = models.ForeignKey(ClaimLine, null=True, blank=True, on_delete=models.CASCADE, related_name="adjustments")
    remittance = models.ForeignKey(Interchange, on_delete=models.PROTECT, related_name="adjustments")
    group_code = models.CharField(_("group"), max_length=2)
    reason_code = models.CharField(_("reason"), max_length=5)
    amount = money(_("amount"))
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("claim adjustment")
        verbose_name_plural = _("claim adjustments")

    def __str__(self) -> str:
        return f"{self.group_code}-{self.reason_code} {self.amount}"


class ClaimEvent(BaseModel):
    """A claim's history: made, sent, each status change and payment posted, with who and why."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    amount = money(_("amount"), null=True, blank=True)
    interchange = models.ForeignKey(Interchange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")

    def __str__(self) -> str:
        return f"{self.claim}: {self.from_status} → {self.to_status}"
