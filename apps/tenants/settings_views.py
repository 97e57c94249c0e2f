"""The organization settings page (/settings/): the org admin's one place for the
organization's own settings, and the hub that leads to branding, themes and domains."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from apps.core.pages import form_page
from apps.tenants import settings_sections, settings_services
from apps.tenants.http import OrganizationRequest
from apps.tenants.settings_forms import OrganizationSettingsForm


@login_required
def index(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    if organization is None:
        raise Http404
    # Tenants sits below accounts and cannot use its decorator; the same check, by name.
    if not request.user.has_perm(settings_sections.PERMISSION):
        raise PermissionDenied
    sections = settings_sections.sections_for(request.user)
    form = OrganizationSettingsForm(request.POST or None, organization=organization, sections=sections)
    return form_page(
        request,
        form,
        save=lambda data: settings_services.organization_settings_update(
            organization=organization, sections=sections, data=data, actor=request.user, request=request
        ),
        template="tenants/settings/index.html",
        saved_message=_("Settings saved."),
        redirect_to="orgsettings:index",
    )
