"""The organization settings page (/settings/): the org admin's one place for the
organization's own settings, and the hub that leads to branding, themes and domains."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.pages import form_page
from apps.tenants import settings_sections, settings_services
from apps.tenants.http import OrganizationRequest
from apps.tenants.settings_forms import OrganizationSettingsForm

# The organization's other settings pages, each shown to those who may open it: (label, URL
# name, permission). Named, not imported: they belong to apps above tenants.
HUB = [
    (gettext_lazy("Branding: logo, colours and font"), "branding:index", "branding.manage_branding"),
    (gettext_lazy("Themes: custom colours and styles"), "themes:index", "themes.manage_themes"),
    (gettext_lazy("Custom domain"), "domains:index", "accounts.manage_security"),
]


def _hub(user) -> list[tuple[str, str]]:
    links = []
    for label, url_name, permission in HUB:
        if not user.has_perm(permission):
            continue
        try:
            links.append((str(label), reverse(url_name)))
        except NoReverseMatch:  # a page not installed in this deployment
            continue
    return links


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
        context={"hub": _hub(request.user)},
        saved_message=_("Settings saved."),
        redirect_to="orgsettings:index",
    )
