"""Clients (the seed's `clients`), their contacts, the locations they live or spend the day
at, and their care plans.

PHI: the SSN is encrypted (EncryptedTextField) with its last four digits kept apart for the
masked display; diagnoses, allergies and dietary restrictions (structured lists edited as
form rows) and contacts' notes are encrypted too. Who may see a client: roles that see every
client (managers, admins), or the client's care team (django-guardian object permissions,
through ClientUserObjectPermission).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import OpClass
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from apps.core.field_pairs import check_position, latitude_field, longitude_field
from apps.core.fields import EncryptedJSONField, EncryptedTextField
from apps.core.models import BaseModel


class ClientLocation(BaseModel):
    class Type(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential")
        DAY_PROGRAM = "day_program", _("Day program")
        WORKSHOP = "workshop", _("Workshop")
        COMMUNITY = "community", _("Community")

    name = models.CharField(_("name"), max_length=255)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=50, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # Derived: the active clients placed here, recounted by the services that place them.
    current_occupancy = models.PositiveIntegerField(_("current occupancy"), default=0, editable=False)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("manager"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Where visits are verified against (EVV geofence), in decimal degrees.
    latitude = latitude_field()
    longitude = longitude_field()
    # Staffing rules the schedule checks: certification types everyone on shift here holds,
    # and the most clients one staff member may support at a time (1:N).
    required_certifications = models.JSONField(_("required certifications"), default=list, blank=True)
    clients_per_staff = models.PositiveSmallIntegerField(
        _("clients per staff member (at most)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="client_location_unique_name",
                violation_error_message=_("A location with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_position(self.latitude, self.longitude)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.current_occupancy >= self.capacity


class Client(BaseModel):
    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")
        OTHER = "other", _("Other")
        PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefer not to say")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DISCHARGED = "discharged", _("Discharged")
        DECEASED = "deceased", _("Deceased")
        ON_HOLD = "on_hold", _("On hold")

    # Statuses that leave the active lists (and free their place at a location).
    CLOSED = (Status.DISCHARGED, Status.DECEASED)

    client_id = models.CharField(_("client ID"), max_length=50, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    ssn = EncryptedTextField(_("SSN"), db_column="ssn_encrypted", blank=True)
    # For the masked display (***-**-1234) without decrypting anything.
    ssn_last4 = models.CharField(max_length=4, blank=True, editable=False)
    photo = models.ForeignKey(
        "files.File",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("photo"),
    )
    # Not in the schema document: agencies need the home's postal address and a phone for
    # visits and claims. The coordinates below stay, for visit verification.
    address_line1 = models.CharField(_("address line 1"), max_length=255, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=50, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Home address coordinates, for visit verification (EVV geofence).
    latitude = latitude_field()
    longitude = longitude_field()
    photo_url = models.TextField(_("photo"), blank=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    admission_date = models.DateField(_("admission date"), null=True, blank=True)
    discharge_date = models.DateField(_("discharge date"), null=True, blank=True)
    # Clinical detail is shown, never searched or sorted in SQL: encrypted at rest like the SSN.
    # Lists and selectors that do not show it leave it out (CLINICAL_FIELDS), so a page of
    # clients decrypts nothing it does not show.
    primary_diagnosis = EncryptedTextField(_("primary diagnosis"), blank=True)
    # [{"code": "F84.0", "description": "Autistic disorder"}]
    secondary_diagnoses = EncryptedJSONField(_("secondary diagnoses"), default=list, blank=True)
    # [{"allergen": "Peanuts", "reaction": "Hives", "severity": "severe"}]
    allergies = EncryptedJSONField(_("allergies"), default=list, blank=True)
    # ["Low sodium", "Thickened liquids"]
    dietary_restrictions = EncryptedJSONField(_("dietary restrictions"), default=list, blank=True)
    location = models.ForeignKey(
        ClientLocation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("location"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        permissions = [
            ("reveal_ssn", _("Can reveal a client's SSN")),
            ("manage_care_team", _("Can manage a client's care team")),
            ("import_clients", _("Can import clients from CSV")),
        ]
        indexes = [
            models.Index(fields=["status", "last_name", "first_name"], name="client_status_name_idx"),
            models.Index(fields=["location", "status"], name="client_location_idx"),
            # "Starts with" search on the ID (apps.core.search), whatever the collation.
            models.Index(OpClass(Upper("client_id"), name="text_pattern_ops"), name="client_id_prefix_idx"),
            # The default list: current clients by name, read in order straight off the index.
            models.Index(
                fields=["last_name", "first_name"],
                # Two comparisons, not an IN list: a cloned schema re-creates this condition
                # from its text, and PostgreSQL would spell an array differently.
                condition=~Q(status="discharged") & ~Q(status="deceased"),
                name="client_current_name_idx",
            ),
            # The seed's full-text index on names is created by migration 0002 (raw SQL, so
            # its expression is exactly the one selectors.search uses).
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharge_date__isnull=True)
                | Q(admission_date__isnull=True)
                | Q(discharge_date__gte=models.F("admission_date")),
                name="client_discharge_after_admission",
                violation_error_message=_("The discharge date cannot be before the admission date."),
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        check_position(self.latitude, self.longitude)

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}"

    @property
    def ssn_masked(self) -> str:
        return f"***-**-{self.ssn_last4}" if self.ssn_last4 else ""

    def get_absolute_url(self) -> str:
        return reverse("clients:detail", args=[self.pk])

    def get_documents_url(self) -> str:
        return reverse("clients:documents", args=[self.pk])


# A client's columns, defined once: the client form and the admin edit COLUMNS, in this
# order; the CSV import reads IMPORT_COLUMNS (the SSN too, the coordinates not).
RECORD_COLUMNS = (
    "client_id",
    "first_name",
    "middle_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "gender",
    "status",
    "admission_date",
    "discharge_date",
    "location",
    "primary_diagnosis",
)
# The encrypted clinical columns: deferred by the lists and selectors that do not show them.
CLINICAL_FIELDS = ("ssn", "primary_diagnosis", "secondary_diagnoses", "allergies", "dietary_restrictions")


def clinical_of(path: str = "client") -> list[str]:
    """Names for .defer(): the encrypted columns of the client at `path`. A list that names
    its rows' clients decrypts none of them (each value costs some 20-50 µs to decrypt)."""
    return [f"{path}__{name}" for name in CLINICAL_FIELDS]


ADDRESS_COLUMNS = ("address_line1", "address_line2", "city", "state", "postal_code", "phone")
COLUMNS = (*RECORD_COLUMNS, *ADDRESS_COLUMNS, "latitude", "longitude")
IMPORT_COLUMNS = (*RECORD_COLUMNS, "ssn", *ADDRESS_COLUMNS)


class ClientUserObjectPermission(UserObjectPermissionBase):
    """The care team: guardian's per-object permissions with a real foreign key, so a
    list of "my clients" is one join, not a scan of generic rows."""

    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        default_permissions = ()


class ClientContact(BaseModel):
    class Type(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency")
        PRIMARY = "primary", _("Primary")
        GUARDIAN = "guardian", _("Guardian")
        POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
        PHYSICIAN = "physician", _("Physician")
        CASE_MANAGER = "case_manager", _("Case manager")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("client"))
    contact_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    relationship = models.CharField(_("relationship"), max_length=100, blank=True)
    phone_primary = models.CharField(_("phone"), max_length=20, blank=True)
    phone_secondary = models.CharField(_("other phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), max_length=255, blank=True)
    address = models.TextField(_("address"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    can_make_decisions = models.BooleanField(_("can make decisions"), default=False)
    # Often clinical (a physician's instructions, a guardian's arrangements): encrypted.
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-is_primary", "last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(is_primary=True),
                name="client_one_primary_contact",
                violation_error_message=_("This client already has a primary contact."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CarePlan(BaseModel):
    class Type(models.TextChoices):
        ISP = "ISP", _("Individual support plan")
        BEHAVIOR = "behavior", _("Behavior")
        MEDICAL = "medical", _("Medical")
        DIETARY = "dietary", _("Dietary")
        THERAPY = "therapy", _("Therapy")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "under_review", _("Under review")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        ARCHIVED = "archived", _("Archived")

    EDITABLE = (Status.DRAFT, Status.UNDER_REVIEW)

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="care_plans", verbose_name=_("client"))
    plan_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    title = models.CharField(_("title"), max_length=255)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # [{"description", "target", "start_date", "target_date", "status"}]
    goals = models.JSONField(_("goals"), default=list, blank=True)
    # [{"description", "frequency", "responsible_role"}]
    interventions = models.JSONField(_("interventions"), default=list, blank=True)
    responsible_staff = ArrayField(models.UUIDField(), default=list, blank=True, verbose_name=_("responsible staff"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("approved by"),
    )
    approved_date = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    document = models.ForeignKey(
        "files.File",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("document"),
    )
    document_url = models.TextField(_("approved PDF"), blank=True, editable=False)
    # The plan this one revises: "Revise" starts a draft that keeps the history.
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
        editable=False,
        verbose_name=_("previous version"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-start_date", "-version"]
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        permissions = [("approve_careplan", _("Can approve care plans"))]
        indexes = [
            models.Index(fields=["client", "status"], name="careplan_client_idx"),
            models.Index(fields=["review_date"], condition=Q(status="active"), name="careplan_review_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="careplan_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("clients:care_plan", args=[self.client_id, self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE
