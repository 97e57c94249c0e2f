from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.tenants import validators

_IMAGE_TYPES = "image/png,image/jpeg,image/webp,image/gif"


class ColourInput(forms.TextInput):
    input_type = "color"


class BrandingForm(forms.Form):
    """The fields as typed; the rules (real images, readable colours) are the service's."""

    # Plain file fields: the service decodes, checks and re-encodes the image itself, with
    # its own messages (Django's ImageField would decode it a first time for nothing).
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, WebP or GIF, up to 2 MB. Shown at most 512 pixels wide or high."),
        widget=forms.FileInput(attrs={"accept": _IMAGE_TYPES}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    favicon = forms.FileField(
        label=_("Favicon"),
        required=False,
        help_text=_("The small icon of the browser tab: a square image works best. Saved as 64 × 64 pixels."),
        widget=forms.FileInput(attrs={"accept": _IMAGE_TYPES}),
    )
    remove_favicon = forms.BooleanField(label=_("Remove the favicon"), required=False)
    primary_color = forms.CharField(
        label=_("Primary colour"),
        max_length=7,
        help_text=_(
            "Buttons and the page header. Text on it must stay readable (at least 4.5:1), and it must stand out "
            "on the white page (at least 3:1)."
        ),
        widget=ColourInput(attrs={"data-preview": "primary"}),
    )
    secondary_color = forms.CharField(
        label=_("Secondary colour"),
        max_length=7,
        help_text=_(
            "Secondary buttons, accents and links on hover. Text on it must stay readable (at least 4.5:1), and it "
            "must stand out on the white page (at least 3:1)."
        ),
        widget=ColourInput(attrs={"data-preview": "secondary"}),
    )
    font_family = forms.ChoiceField(
        label=_("Font"),
        choices=validators.FONT_CHOICES,
        widget=forms.Select(attrs={"data-preview": "font"}),
    )
