from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import lazy

from apps.tenants import theme
from apps.themes import stylesheet as stylesheets


def url_for(request: HttpRequest) -> str:
    """The stylesheet URL for a request (kept pages fill it in on the way out)."""
    return _url(getattr(request, "organization", None))


def _url(organization) -> str:
    if organization is None:
        # The platform's host: no organization, no custom theme, the branding's default.
        return f"{reverse('theme_css')}?v={theme.for_organization(None).version}"
    sheet = stylesheets.for_organization(organization)
    return reverse("org_stylesheet", kwargs={"version": sheet.version})


def stylesheet(request: HttpRequest) -> dict[str, Any]:
    # Lazy: pages that are not HTML documents (fragments, exports) never read the cache.
    organization = getattr(request, "organization", None)
    return {"stylesheet_url": lazy(_url, str)(organization)}
