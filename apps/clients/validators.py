"""Checks on client data that the forms, the CSV import and the services share."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.validators import normalize_ssn

__all__ = ["normalize_icd10", "normalize_ssn"]

# ICD-10-CM: a letter (not U), a digit, a digit or letter, then optionally a dot and up to
# four more characters (F84.0, E11.65, S72.001A).
ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$")


def normalize_icd10(value: str) -> str:
    code = (value or "").strip().upper()
    if not ICD10.match(code):
        raise ValidationError(
            _("“%(code)s” is not an ICD-10 code (for example F84.0 or E11.65).") % {"code": value}, code="icd10"
        )
    return code
