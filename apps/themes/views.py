"""Custom themes for organization admins (/settings/themes/), and the stylesheet every page
links (/theme-<hash>.css)."""

from __future__ import annotations

from uuid import UUID

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import permission_required
from apps.core.pages import form_page
from apps.themes import forms, selectors, services
from apps.themes import stylesheet as stylesheets

MANAGE = "themes.manage_themes"
YEAR = 365 * 24 * 3600


def stylesheet(request: HttpRequest, version: str) -> HttpResponse:
    """The organization's stylesheet. Its URL names the hash of its content, so the current
    one is cached for a year.

    Any other hash (a page kept from before a change, another organization's hash, a made-up
    one) is sent on to the current URL rather than answered with this CSS: an answer at that
    URL would be this organization's CSS under a name that is not its hash, which a browser
    or a shared cache could keep as such. A redirect rather than a 404 because a page still
    linking an older hash is then styled, not bare. The redirect itself is not to be kept
    (no-cache): the current hash moves on, and deactivating a theme brings an old hash back,
    so a kept redirect could point in a circle."""
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    sheet = stylesheets.for_organization(organization)
    if version != sheet.version:
        response: HttpResponse = redirect("org_stylesheet", version=sheet.version)
        patch_cache_control(response, no_cache=True)
        return response
    response = HttpResponse(sheet.css, content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    return response


@login_required
@permission_required(MANAGE)
def index(request: OrgRequest) -> HttpResponse:
    return render(request, "themes/index.html", {"themes": selectors.themes_list()})


def _save(theme, data):
    fields = {
        "theme_name": data["theme_name"],
        "css_variables": data["css_variables"],
        "custom_css": data["custom_css"],
    }
    if theme is None:
        return services.theme_create(**fields)
    return services.theme_update(theme=theme, **fields)


@login_required
@permission_required(MANAGE)
def create(request: OrgRequest) -> HttpResponse:
    form = forms.ThemeForm.for_theme(None, data=request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: _save(None, data),
        template="themes/form.html",
        context={"custom_theme": None},
        saved_message=_("Theme saved. Preview it, then activate it when it looks right."),
    )


@login_required
@permission_required(MANAGE)
def edit(request: OrgRequest, pk: UUID) -> HttpResponse:
    theme = selectors.get_theme(pk)
    form = forms.ThemeForm.for_theme(theme, data=request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: _save(theme, data),
        template="themes/form.html",
        context={"custom_theme": theme},
        saved_message=_("Theme saved."),
    )


@login_required
@permission_required(MANAGE)
def detail(request: OrgRequest, pk: UUID) -> HttpResponse:
    return render(request, "themes/detail.html", {"custom_theme": selectors.get_theme(pk)})


# The preview is a document of its own in a sandboxed frame on the theme's page: no script
# runs there whatever the CSS, and the frame may sit only in this site's pages. Its styles are
# inline (the rebuilt CSS holds no "<", so it cannot close the element) because a sandboxed
# frame's requests carry no session to fetch a draft's stylesheet with.
PREVIEW_POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'none'"],
    "connect-src": ["'none'"],
    "font-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'none'"],
    "base-uri": ["'none'"],
    "sandbox": True,
}


@login_required
@permission_required(MANAGE)
@xframe_options_sameorigin
# django-csp types its decorators for views that take the request alone, not URL arguments.
@csp_replace(PREVIEW_POLICY)  # type: ignore[arg-type]
def preview(request: OrgRequest, pk: UUID) -> HttpResponse:
    theme = selectors.get_theme(pk)
    css = stylesheets.for_preview(request.organization, theme)
    if "<" in css:
        # The sanitiser and the variables' checks admit none; a row written some other way
        # is not inlined.
        raise Http404
    return render(request, "themes/preview.html", {"custom_theme": theme, "preview_css": css})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(MANAGE)
def delete(request: OrgRequest, pk: UUID) -> HttpResponse:
    """GET asks to confirm (and says what deleting the active theme does); only a POST deletes."""
    theme = selectors.get_theme(pk)
    if request.method != "POST":
        return render(request, "themes/delete.html", {"custom_theme": theme})
    name = theme.theme_name
    services.theme_delete(theme=theme)
    messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
    return redirect("themes:index")


def _switch(request: OrgRequest, pk: UUID, *, on: bool) -> HttpResponse:
    theme = selectors.get_theme(pk)
    try:
        if on:
            services.theme_activate(theme=theme)
            messages.success(request, _("“%(name)s” is now the organization's theme.") % {"name": theme.theme_name})
        else:
            services.theme_deactivate(theme=theme)
            messages.success(request, _("“%(name)s” is no longer active.") % {"name": theme.theme_name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(theme)
    return redirect("themes:index")


@login_required
@require_POST
@permission_required(MANAGE)
def activate(request: OrgRequest, pk: UUID) -> HttpResponse:
    return _switch(request, pk, on=True)


@login_required
@require_POST
@permission_required(MANAGE)
def deactivate(request: OrgRequest, pk: UUID) -> HttpResponse:
    return _switch(request, pk, on=False)
