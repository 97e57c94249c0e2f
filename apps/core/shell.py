"""The page shell (base.html: header, footer, the rest of the frame) drawn once and reused.

Every signed-in page draws the same frame: the organization's name and logo, the menu the
person's permissions allow with the current section marked, the bell's count, the account
menu and the footer. Rendering it cost about a third of a cached list page.

Two levels use the in-process fragment store (`apps.core.fragments`):

- `{% shell_header %}` and `{% shell_footer %}` (templatetags/shell.py) keep those two
  partials for every page, keyed by everything they show;
- `fragments.cached_page` keeps a whole page, keyed by `page_key(request)` (everything the
  frame shows) and the page's own key and table versions.

Any change to what is shown (a new permission, a rename, a new notification, another
language, other colours) is a new key, never a stale page. What differs per request without
changing the layout (the CSRF token, the logo's possibly signed URL, the path in the
footer's language links) is a placeholder, filled in on the way out by `fill()`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.translation import get_language

from apps.core.tenancy import schema_name

CSRF = "shell-csrf-7d2a9e"
LOGO = "shell-logo-7d2a9e"
PATH = "shell-path-7d2a9e"
# The organization's stylesheet URL names its content's hash, which a custom theme changes
# without touching any table a kept page names: filled in per request, never kept.
STYLESHEET = "shell-stylesheet-7d2a9e"
# Set in a template context while a whole page is rendered for keeping: the partials then
# leave their placeholders for the page to fill.
DEFERRED = "shell_fill_deferred"


def site_key(organization) -> tuple:
    """What the header and footer show of the site: its URLs, language and organization (the
    fields themselves rather than updated_at, which a queryset update() leaves behind)."""
    return (
        schema_name(),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
        organization
        and (
            organization.pk,
            organization.name,
            organization.contact_phone,
            organization.contact_email,
            organization.logo.name,
            # base.html's <head> links the favicon by a URL versioned like the logo's.
            organization.favicon.name,
        ),
    )


def header_key(request, organization, items: list[dict], badge_counts: tuple) -> tuple:
    user = request.user
    return (
        *site_key(organization),
        user.is_authenticated and (user.pk, user.get_short_name(), user.is_staff),
        tuple((item["key"], item["active"]) for item in items),
        badge_counts,
    )


def page_key(request) -> tuple:
    """Everything base.html shows besides the page's own blocks."""
    from apps.core import badges
    from apps.core.navigation import items_for

    organization = getattr(request, "organization", None)
    policy = getattr(request, "session_policy", None)
    return (
        *header_key(request, organization, items_for(request), badges.key(badges.shown(request))),
        organization and (organization.primary_color, organization.secondary_color, organization.font_family),
        policy.idle_minutes if policy else None,
    )


def logo_url(organization) -> str:
    """The organization's logo as its own host serves it (the `logo` URL), or "" without one.

    Not the storage's URL: on S3 that is signed for a minute, and a local disk's media are not
    served at all in production. The version changes with each upload (a new stored name),
    so browsers may keep the image."""
    if organization is None or not organization.logo:
        return ""
    version = hashlib.sha256(organization.logo.name.encode()).hexdigest()[:12]
    return f"{reverse('logo')}?v={version}"


def favicon_url(organization) -> str:
    """The organization's favicon as its host serves it, versioned by the stored name like
    the logo: browsers keep an icon long after its cache time, and only a new URL makes
    them fetch a new upload. Without one, the URL unversioned (Starline's mark)."""
    url = reverse("favicon")
    if organization is None or not organization.favicon:
        return url
    return f"{url}?v={hashlib.sha256(organization.favicon.name.encode()).hexdigest()[:12]}"


_stylesheet_url: Callable[..., str] | None = None


def register_stylesheet(url: Callable[..., str]) -> None:
    """`url(request)`: the stylesheet a page links (apps/themes registers it)."""
    global _stylesheet_url
    _stylesheet_url = url


def fill(html: str, request, csrf_token=None) -> str:
    """The placeholders in `html` replaced with this request's values (escaped)."""
    if CSRF in html:
        html = html.replace(CSRF, str(csrf_token or get_token(request)))
    if LOGO in html:
        html = html.replace(LOGO, escape(logo_url(getattr(request, "organization", None))))
    if PATH in html:
        html = html.replace(PATH, escape(quote(request.path)))
    if STYLESHEET in html:
        html = html.replace(STYLESHEET, escape(_stylesheet_url(request)) if _stylesheet_url else "")
    return html
