"""Phone numbers in E.164, for texts and for every phone field (clients, contacts, staff)."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _


class InvalidNumber(ValueError):
    pass


def to_e164(number: str, region: str | None = None) -> str:
    """ "+14155552671" for "(415) 555-2671" in the US; InvalidNumber when it is no number."""
    try:
        parsed = phonenumbers.parse(number or "", region or settings.SMS_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumber(str(exc)) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidNumber(f"{number!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def clean_phone(value: str) -> str:
    """A phone number typed in a form, stored in E.164, or the field's error."""
    if not value:
        return value
    try:
        return to_e164(value)
    except InvalidNumber as exc:
        raise forms.ValidationError(_("Enter a phone number, for example (415) 555-2671.")) from exc


def display(number: str) -> str:
    """A stored number as people read it: "(503) 555-0142" for the organization's own country,
    "+44 20 7946 0958" for another's; what was stored when it is no number (typed before
    numbers were checked)."""
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, settings.SMS_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_valid_number(parsed):
        return number
    home = phonenumbers.region_code_for_number(parsed) == settings.SMS_DEFAULT_REGION
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)
