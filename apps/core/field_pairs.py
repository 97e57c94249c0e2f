"""Field pairs that more than one app's records share, defined once.

The SSN on a form: typed in one field (checked and normalized), with a box to remove the one
on file where a form offers it; the form's cleaned `ssn` is the decision for the service's
`set_ssn`: None keeps the SSN on file, "" clears it, anything else is the new one.

A position (latitude, longitude) on a model, in decimal degrees to the micrometre, each
within its range, both given or neither (`check_position`, from the models' clean()): the
clients' homes and the locations that visits are verified against.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.validators import normalize_ssn


class SsnField(forms.Form):
    """The SSN, typed to set it, left empty to keep the one on file."""

    ssn = forms.CharField(
        label=_("SSN"),
        required=False,
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "placeholder": "###-##-####"}),
        help_text=_("Stored encrypted. Leave empty to keep the one on file."),
    )

    def clean_ssn(self) -> str | None:
        value = self.cleaned_data["ssn"].strip()
        return normalize_ssn(value) if value else None


class ClearableSsnField(SsnField):
    """The SSN as above, and a box that removes the one on file (it wins over a typed one)."""

    clear_ssn = forms.BooleanField(label=_("Remove the SSN on file"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.pop("clear_ssn", False) and "ssn" in data:
            data["ssn"] = ""
        return data


def latitude_field() -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def longitude_field() -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


def check_position(latitude: Decimal | None, longitude: Decimal | None) -> None:
    """Half a position verifies no visit: both or neither, the message by the empty one."""
    if (latitude is None) != (longitude is None):
        empty = "latitude" if latitude is None else "longitude"
        raise ValidationError({empty: _("Give both the latitude and the longitude, or neither.")})
