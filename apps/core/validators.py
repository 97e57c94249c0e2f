"""Checks on personal data that more than one app needs (the SSN of clients and staff)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SSN = re.compile(r"^(\d{3})-?(\d{2})-?(\d{4})$")


def normalize_ssn(value: str) -> str:
    """ "123-45-6789" for any accepted spelling; ValidationError for anything the SSA never
    issues (area 000, 666 or 900-999; group 00; serial 0000)."""
    match = SSN.match((value or "").strip())
    if not match:
        raise ValidationError(_("Enter the SSN as 123-45-6789."), code="ssn_format")
    area, group, serial = match.groups()
    if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
        raise ValidationError(_("That is not a valid SSN: no SSN starts or is numbered like that."), code="ssn")
    return f"{area}-{group}-{serial}"


def set_ssn(record, ssn: str | None) -> None:
    """The SSN of a client or staff record from a form: None keeps it, "" clears it,
    anything else is checked and stored (encrypted by the field), last four kept apart."""
    if ssn is None:
        return
    if not ssn.strip():
        record.ssn, record.ssn_last4 = "", ""
        return
    try:
        record.ssn = normalize_ssn(ssn)
    except ValidationError as exc:
        raise ValidationError({"ssn": exc.messages}) from exc
    record.ssn_last4 = record.ssn[-4:]
