"""The organization's billing identity (NPI, tax ID, taxonomy, address, X12 submitter and
receiver): shown to whoever reads claims, changed by those allowed to, and naming what is
still missing before claims can be sent."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can, permission_required
from apps.billing import identity
from apps.core.pages import form_page

CHANGE = "billing.change_billing_settings"


class IdentityForm(forms.Form):
    """The fields as typed; identity.clean_identity normalises and checks them, so its
    messages are the ones shown by each field."""

    name = forms.CharField(label=gettext_lazy("Billing name"), max_length=60, required=False)
    npi = forms.CharField(
        label=gettext_lazy("NPI"), max_length=20, required=False, help_text=gettext_lazy("Ten digits.")
    )
    tax_id = forms.CharField(
        label=gettext_lazy("Tax ID (EIN)"), max_length=20, required=False, help_text=gettext_lazy("Nine digits.")
    )
    taxonomy_code = forms.CharField(
        label=gettext_lazy("Taxonomy code"), max_length=20, required=False, help_text=gettext_lazy("As 251C00000X.")
    )
    address_line1 = forms.CharField(label=gettext_lazy("Address line 1"), max_length=55, required=False)
    address_line2 = forms.CharField(label=gettext_lazy("Address line 2"), max_length=55, required=False)
    city = forms.CharField(label=gettext_lazy("City"), max_length=30, required=False)
    state = forms.CharField(label=gettext_lazy("State"), max_length=20, required=False)
    postal_code = forms.CharField(
        label=gettext_lazy("ZIP+4"), max_length=15, required=False, help_text=gettext_lazy("Nine digits.")
    )
    contact_name = forms.CharField(label=gettext_lazy("Billing contact"), max_length=60, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("Contact phone"), max_length=20, required=False)
    contact_email = forms.CharField(label=gettext_lazy("Contact email"), max_length=254, required=False)
    submitter_id = forms.CharField(
        label=gettext_lazy("Submitter ID"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("Your ID at the clearinghouse (ISA06, loop 1000A)."),
    )
    receiver_id = forms.CharField(
        label=gettext_lazy("Receiver ID"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("The clearinghouse's ID (ISA08, loop 1000B)."),
    )
    receiver_name = forms.CharField(label=gettext_lazy("Receiver name"), max_length=60, required=False)
    usage_indicator = forms.ChoiceField(
        label=gettext_lazy("Claim files are"),
        choices=[("T", gettext_lazy("Test files")), ("P", gettext_lazy("Production files"))],
    )

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if read_only:
            for field in self.fields.values():
                field.disabled = True


def _missing_labels(form: IdentityForm, current: identity.BillingIdentity) -> list[str]:
    return [str(form.fields[name].label) for name in identity.missing(current)]


@login_required
@permission_required("billing.view_claim")
def billing_settings(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    may_change = can(request.user, CHANGE)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    current = identity.billing_identity(organization)
    form = IdentityForm(request.POST or None, initial=identity.as_settings(current), read_only=not may_change)
    return form_page(
        request,
        form,
        save=lambda values: identity.billing_identity_save(
            organization=organization, actor=request.user, values=values
        ),
        template="billing/settings.html",
        context={"current": "settings", "may_change": may_change, "missing": _missing_labels(form, current)},
        saved_message=_("Billing identity saved."),
        redirect_to=reverse("billing:settings"),
    )
