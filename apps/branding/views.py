"""The organization's branding page: logo, favicon, colours and font."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import permission_required
from apps.branding import forms, services
from apps.core.discovery import app_modules
from apps.core.fragments import cached_page
from apps.core.pages import form_page
from apps.tenants import theme, validators


def _overrides(user) -> list[dict[str, str]]:
    """What another app says takes the place of this page's settings (an active custom
    theme's colours: apps/themes/branding_overrides.py), each a message and a link."""
    return [note for _label, module in app_modules("branding_overrides") for note in module.overrides(user)]


@login_required
@permission_required("branding.manage_branding")
def index(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    form = forms.BrandingForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "primary_color": organization.primary_color,
            "secondary_color": organization.secondary_color,
            "font_family": organization.font_family,
        },
    )
    overrides = _overrides(request.user)
    context = {
        "font_stacks": validators.FONT_STACKS,
        "aa_ratio": theme.AA_NORMAL_TEXT,
        "ui_ratio": theme.UI_COMPONENT,
        "white": theme.WHITE,
        "near_black": theme.NEAR_BLACK,
        "overrides": overrides,
    }
    if not form.is_bound:
        # The page as it opens is the same for every admin until the brand or what overrides
        # it changes: kept whole (apps.core.fragments.cached_page; the frame, the CSRF token
        # and the nonce are filled in per request). Drawing the form and the frame was most of
        # the page's time; the notes cost one query and are part of the key.
        notes = tuple(tuple(sorted(note.items())) for note in overrides)
        logo, favicon = organization.logo.name or "", organization.favicon.name or ""
        response, _label = cached_page(
            request,
            "branding/index.html",
            key=("branding", organization.updated_at, *form.initial.values(), logo, favicon, notes),
            tables=(),
            context=lambda: {**context, "form": form},
        )
        return response
    return form_page(
        request,
        form,
        save=lambda data: services.branding_update(
            organization=organization,
            primary_color=data["primary_color"],
            secondary_color=data["secondary_color"],
            font_family=data["font_family"],
            logo=data["logo"],
            favicon=data["favicon"],
            remove_logo=data["remove_logo"],
            remove_favicon=data["remove_favicon"],
        ),
        template="branding/index.html",
        context=context,
        saved_message=_("Branding saved."),
        redirect_to="branding:index",
    )
