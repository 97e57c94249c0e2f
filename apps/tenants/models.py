"""Organizations (the seed's `organizations`) and their domains, in the public schema."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_creation_fakes_migrations, schema_exists

from apps.core.models import BaseModel
from apps.tenants import cloning, domain_dns, validators


def _branding_path(instance: Organization, filename: str) -> str:
    # Random names: the uploader's file name never becomes part of a path.
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"public/branding/{instance.schema_name}/{uuid.uuid4().hex}.{suffix}"


class OrganizationQuerySet(models.QuerySet):
    def real(self):
        """Organizations people use: without the public row and the clone template."""
        return self.exclude(schema_name__in=["public", django_settings.TENANT_BASE_SCHEMA])


# django-tenants is untyped, so django-stubs cannot see Domain (a DomainMixin) as a model and
# finds no manager for its reverse relation, Organization.domains.
class Organization(TenantMixin, BaseModel):  # type: ignore[django-manager-missing]
    name = models.CharField(_("name"), max_length=255)
    subdomain = models.CharField(_("subdomain"), max_length=63, unique=True, validators=[validators.validate_subdomain])
    custom_domain = models.CharField(
        _("custom domain"), max_length=255, blank=True, validators=[validators.validate_hostname]
    )
    logo = models.ImageField(_("logo"), upload_to=_branding_path, blank=True)
    favicon = models.ImageField(_("favicon"), upload_to=_branding_path, blank=True)
    primary_color = models.CharField(
        _("primary colour"), max_length=7, default="#2563eb", validators=[validators.validate_hex_colour]
    )
    secondary_color = models.CharField(
        _("secondary colour"), max_length=7, default="#64748b", validators=[validators.validate_hex_colour]
    )
    font_family = models.CharField(_("font"), max_length=100, default="Inter", choices=validators.FONT_CHOICES)
    contact_email = models.EmailField(_("contact email"), max_length=255)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.TextField(_("address"), blank=True)
    timezone = models.CharField(_("time zone"), max_length=50, default="UTC", validators=[validators.validate_timezone])
    settings = models.JSONField(_("settings"), default=dict, blank=True, validators=[validators.validate_json_object])
    feature_flags = models.JSONField(
        _("feature flags"), default=dict, blank=True, validators=[validators.validate_json_object]
    )
    billing_settings = models.JSONField(
        _("billing settings"), default=dict, blank=True, validators=[validators.validate_json_object]
    )
    is_active = models.BooleanField(_("active"), default=True)
    # When it was last suspended (set by save(), cleared on reactivation): the clock that
    # delete_organization's waiting period runs on.
    deactivated_at = models.DateTimeField(_("suspended since"), null=True, blank=True, editable=False)

    # Dropping a schema loses an agency's records; it must be an explicit operator action.
    auto_drop_schema = False
    auto_create_schema = True

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        # custom_domain is not unique: several organizations may claim the same name while
        # none has proved it. Only one can route it: Domain's constraint says so.

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        stamp = None if self.is_active else (self.deactivated_at or timezone.now())
        if stamp != self.deactivated_at:
            self.deactivated_at = stamp
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = [*kwargs["update_fields"], "deactivated_at"]
        super().save(*args, **kwargs)

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Clone the template with Starline's fast cloner; django-tenants' path otherwise.

        The template's rows include django_migrations, so the clone needs no fake migrate.
        """
        base = django_settings.TENANT_BASE_SCHEMA
        usable = (
            sync_schema
            and get_creation_fakes_migrations()
            and self.schema_name != base
            and schema_exists(base)
            and cloning.plan(base) is not None
        )
        if not usable:
            return super().create_schema(check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity)
        if check_if_exists and schema_exists(self.schema_name):
            return False
        connection.set_schema_to_public()
        with transaction.atomic():
            cloning.clone_schema(base, self.schema_name)
        connection.set_schema_to_public()
        # Names kept exactly: provisioning need not align the constraints' names afterwards.
        self.cloned_exactly = True
        return True

    @property
    def is_system(self) -> bool:
        return self.schema_name in ("public", django_settings.TENANT_BASE_SCHEMA)

    @property
    def primary_host(self) -> str:
        return f"{self.subdomain}.{django_settings.BASE_DOMAIN}"

    @property
    def language(self) -> str:
        code = (self.settings or {}).get("language") if isinstance(self.settings, dict) else None
        return (
            code
            if isinstance(code, str) and code in dict(django_settings.LANGUAGES)
            else (django_settings.LANGUAGE_CODE)
        )

    @property
    def audit_retention_years(self) -> int:
        """How long audit entries are kept (`settings["audit_retention_years"]`): six years by
        default, the HIPAA documentation period; never less."""
        years = (self.settings or {}).get("audit_retention_years") if isinstance(self.settings, dict) else None
        return years if isinstance(years, int) and not isinstance(years, bool) and years >= 6 else 6

    def clean(self):
        super().clean()
        if isinstance(self.settings, dict) and "audit_retention_years" in self.settings:
            years = self.settings["audit_retention_years"]
            if not isinstance(years, int) or isinstance(years, bool) or not 6 <= years <= 100:
                raise ValidationError(
                    {"settings": _("“audit_retention_years” must be a whole number of years from 6 to 100.")}
                )
        if isinstance(self.settings, dict) and "language" in self.settings:
            code = self.settings["language"]
            if not isinstance(code, str) or code not in dict(django_settings.LANGUAGES):
                raise ValidationError(
                    {
                        "settings": _("“language” must be one of: %(codes)s.")
                        % {"codes": ", ".join(dict(django_settings.LANGUAGES))}
                    }
                )

    @property
    def font_stack(self) -> str:
        return validators.FONT_STACKS.get(self.font_family, validators.FONT_STACKS["System"])


class DomainQuerySet(models.QuerySet):
    def routable(self, *, now=None):
        """Hosts that may serve their organization: every subdomain, and a custom domain once
        its owner proved it (a TXT record) and while its record is found, or has been missing
        for less than the grace period. Written as a query on the clock, not only as the
        status the daily job sets, so a late job cannot stretch the grace period."""
        now = now or timezone.now()
        cutoff = now - timedelta(days=django_settings.CUSTOM_DOMAIN_GRACE_DAYS)
        verified = models.Q(status=Domain.Status.VERIFIED) & (
            models.Q(failing_since__isnull=True) | models.Q(failing_since__gt=cutoff)
        )
        return self.filter(models.Q(kind=Domain.Kind.SUBDOMAIN) | verified)


class Domain(DomainMixin):
    """A host name that resolves to an organization: its subdomain, or its custom domain.

    Rows are written only by the provisioning and domain services, which keep them in step
    with Organization.subdomain and Organization.custom_domain. A custom domain routes only
    once verified (apps/tenants/domain_services.py); a subdomain always does.
    """

    class Kind(models.TextChoices):
        SUBDOMAIN = "subdomain", _("Subdomain")
        CUSTOM = "custom", _("Custom domain")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        LAPSED = "lapsed", _("Lapsed")

    # Not unique, as DomainMixin has it: claims wait pending, each organization with a token
    # of its own, until one proves the name. Routing hosts are unique (Meta.constraints).
    domain: models.CharField[str, str] = models.CharField(_("domain"), max_length=253, db_index=True)
    # Annotated: DomainMixin comes untyped from django-tenants, so the checker cannot infer it.
    kind: models.CharField[str, str] = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.SUBDOMAIN
    )
    # Pending by default: a row written by any other path than the services must not route.
    status: models.CharField[str, str] = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # What the TXT record must hold; published in DNS, so not a secret, but only its owner's.
    token: models.CharField[str, str] = models.CharField(_("verification token"), max_length=64, blank=True)
    verified_at: models.DateTimeField = models.DateTimeField(_("verified at"), null=True, blank=True)
    # The platform's operator vouched for it: the daily check leaves it alone, since there may
    # be no record to find (a domain the operator runs for the agency).
    verified_by_hand: models.BooleanField = models.BooleanField(_("verified by hand"), default=False)
    last_checked_at: models.DateTimeField = models.DateTimeField(_("last checked at"), null=True, blank=True)
    # A code (domain_dns: found, nxdomain, timeout, taken, by_hand...), put in words in the
    # reader's language by last_check_message.
    last_check_code: models.CharField[str, str] = models.CharField(_("last check result"), max_length=20, blank=True)
    # Set when a verified domain's record is first found missing; cleared when it is back.
    failing_since: models.DateTimeField = models.DateTimeField(_("failing since"), null=True, blank=True)

    objects = DomainQuerySet.as_manager()

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        constraints = [
            # No two organizations ever route the same host: a subdomain routes always, a custom
            # domain while verified (routable() narrows that by the grace period, which the
            # database cannot see, so a verified row holds the name until it is lapsed).
            models.UniqueConstraint(
                fields=["domain"],
                condition=models.Q(kind="subdomain") | models.Q(status="verified"),
                name="domain_routing_host_unique",
                violation_error_message=_("This domain cannot be added. If you own it, contact support."),
            ),
            models.UniqueConstraint(
                fields=["tenant", "domain"],
                name="domain_once_per_organization",
                violation_error_message=_("This organization already has this domain."),
            ),
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def last_check_message(self) -> str:
        return domain_dns.check_message(self.last_check_code, self.domain)

    @property
    def display_name(self) -> str:
        """The name as people write it (bücher.example), where the stored one is ASCII."""
        return validators.hostname_for_display(self.domain)

    @property
    def is_apex(self) -> bool:
        return validators.hostname_is_apex(self.domain)

    @property
    def grace_ends_at(self):
        if self.failing_since is None:
            return None
        return self.failing_since + timedelta(days=django_settings.CUSTOM_DOMAIN_GRACE_DAYS)


class DeletedOrganization(BaseModel):
    """The record that an organization's schema and files were removed: who asked, when,
    and how much went. Kept in the public schema after everything else of the agency is gone."""

    name = models.CharField(_("name"), max_length=255)
    subdomain = models.CharField(_("subdomain"), max_length=63)
    schema_name = models.CharField(_("schema"), max_length=63)
    organization_id = models.UUIDField(_("organization ID"))
    suspended_at = models.DateTimeField(_("suspended since"), null=True)
    deleted_at = models.DateTimeField(_("deleted"), default=timezone.now)
    # The platform operator who confirmed, and the server account the command ran under.
    deleted_by = models.CharField(_("deleted by"), max_length=255)
    system_user = models.CharField(_("server account"), max_length=255, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    tables = models.PositiveIntegerField(_("tables"), default=0)
    rows = models.BigIntegerField(_("rows"), default=0)
    rows_by_table = models.JSONField(_("rows by table"), default=dict)
    files = models.PositiveIntegerField(_("files"), default=0)
    file_bytes = models.BigIntegerField(_("file bytes"), default=0)

    class Meta:
        ordering = ["-deleted_at"]
        verbose_name = _("deleted organization")
        verbose_name_plural = _("deleted organizations")

    def __str__(self) -> str:
        return f"{self.name} ({self.subdomain})"
