from django import forms
from django.utils.translation import gettext_lazy as _


class CustomDomainForm(forms.Form):
    # Named as the organization's field, so the services' refusals land beside it.
    custom_domain = forms.CharField(
        label=_("Domain"),
        max_length=253,
        help_text=_("A domain you own, such as care.example.org. It serves your site once you prove it is yours."),
    )
