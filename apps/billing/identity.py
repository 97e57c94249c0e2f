"""The organization's billing identity: who it is on a claim (loop 2010AA's billing provider)
and in an X12 envelope (submitter, receiver). Kept in the seed's `organizations.billing_settings`
(the public schema's organization row), read and validated here.

The NPI's tenth digit is a Luhn check digit computed over the nine others prefixed with 80840
(the ISO issuer prefix for US health identifiers), as CMS specifies.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from apps.tenants import services as tenant_services


def npi_is_valid(value: str) -> bool:
    """True for ten digits whose last is the Luhn check digit of "80840" + the first nine."""
    if not re.fullmatch(r"\d{10}", value or ""):
        return False
    digits = [int(d) for d in "80840" + value[:9]]
    total = 0
    # Luhn: from the rightmost digit of the payload (the check digit will sit to its right),
    # every other digit doubled, starting with that one.
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10 == int(value[9])


@dataclass(frozen=True)
class BillingIdentity:
    name: str = ""
    npi: str = ""
    tax_id: str = ""
    taxonomy_code: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    submitter_id: str = ""
    receiver_id: str = ""
    receiver_name: str = ""
    # ISA15: T while testing with a clearinghouse, P in production.
    usage_indicator: str = "T"

    @property
    def complete(self) -> bool:
        """Everything an 837P needs is filled in (a claim file cannot be made otherwise)."""
        return not missing(self)


REQUIRED = (
    "name",
    "npi",
    "tax_id",
    "taxonomy_code",
    "address_line1",
    "city",
    "state",
    "postal_code",
    "contact_name",
    "contact_phone",
    "submitter_id",
    "receiver_id",
    "receiver_name",
)


def missing(identity: BillingIdentity) -> list[str]:
    return [name for name in REQUIRED if not getattr(identity, name)]


def billing_identity(organization) -> BillingIdentity:
    """The organization's identity as stored (unknown keys ignored, missing ones blank); the
    billing name defaults to the organization's name."""
    stored = organization.billing_settings or {}
    known = {f.name for f in fields(BillingIdentity)}
    values = {k: str(v) for k, v in stored.items() if k in known and v is not None}
    values.setdefault("name", organization.name)
    return BillingIdentity(**values)


def _digits(value: str) -> str:
    # People type phone numbers as (555) 123-4567 and EINs as 12-3456789.
    return re.sub(r"[\s().-]", "", value or "")


def clean_identity(values: dict) -> BillingIdentity:
    """A BillingIdentity from submitted values, normalised (spaces and dashes out of numbers,
    codes upper-cased), or a ValidationError naming each field that is wrong."""
    data = {f.name: str(values.get(f.name) or "").strip() for f in fields(BillingIdentity)}
    for name in ("npi", "tax_id", "postal_code", "contact_phone"):
        data[name] = _digits(data[name])
    for name in ("taxonomy_code", "state", "usage_indicator", "submitter_id", "receiver_id"):
        data[name] = data[name].upper()
    errors: dict[str, list[str]] = {}
    if data["npi"] and not npi_is_valid(data["npi"]):
        errors["npi"] = [_("This is not a valid NPI: ten digits whose last is the check digit.")]
    if data["tax_id"] and not re.fullmatch(r"\d{9}", data["tax_id"]):
        errors["tax_id"] = [_("The tax ID (EIN) has nine digits.")]
    if data["taxonomy_code"] and not re.fullmatch(r"[0-9A-Z]{9}X", data["taxonomy_code"]):
        errors["taxonomy_code"] = [_("A taxonomy code has ten characters and ends in X (251C00000X).")]
    if data["state"] and not re.fullmatch(r"[A-Z]{2}", data["state"]):
        errors["state"] = [_("Use the two-letter state code.")]
    # 5010 asks the billing provider for the full nine-digit ZIP code.
    if data["postal_code"] and not re.fullmatch(r"\d{9}", data["postal_code"]):
        errors["postal_code"] = [_("Give the nine-digit ZIP code (ZIP+4), as claims require.")]
    if data["contact_phone"] and not re.fullmatch(r"\d{10}", data["contact_phone"]):
        errors["contact_phone"] = [_("Give a ten-digit phone number.")]
    for name in ("submitter_id", "receiver_id"):
        if data[name] and not re.fullmatch(r"[0-9A-Z]{2,15}", data[name]):
            errors[name] = [_("Two to fifteen letters or digits, as the clearinghouse gave it.")]
    if data["contact_email"]:
        try:
            validate_email(data["contact_email"])
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid email address.")]
    if data["usage_indicator"] not in ("T", "P"):
        errors["usage_indicator"] = [_("Choose test or production.")]
    if errors:
        raise ValidationError(errors)
    return BillingIdentity(**data)


def as_settings(identity: BillingIdentity) -> dict:
    return asdict(identity)


@transaction.atomic
def billing_identity_save(*, organization, actor, values: dict) -> BillingIdentity:
    """The organization's billing identity replaced by `values`, validated as a whole (nothing
    saved when one value is wrong). The organization row's change is in the organization's own
    change log (auditlog's entry for the organization, with who and from where)."""
    identity = clean_identity(values)
    tenant_services.organization_update(organization=organization, billing_settings=as_settings(identity))
    return identity
