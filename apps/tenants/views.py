import mimetypes
from functools import lru_cache

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control

from apps.core import home as home_panels
from apps.core.db.replicas import reads_from_replica
from apps.core.page_cache import anonymous_page
from apps.tenants import theme
from apps.tenants.http import OrganizationRequest


@anonymous_page()
def landing(request: HttpRequest) -> HttpResponse:
    """The public host: what Starline is, and the way to the platform admin."""
    return render(request, "tenants/landing.html", {"base_domain": settings.BASE_DOMAIN})


@anonymous_page()
def home(request: OrganizationRequest) -> HttpResponse:
    """Signed out: the organization's welcome page (cached, the same for everyone). Signed
    in: today's work, as panels the apps register (apps/core/home.py) and the person may see."""
    if not request.user.is_authenticated:
        return render(request, "tenants/home.html")
    # The panels are dashboards: they may lag a few seconds (not behind the person's own writes).
    with reads_from_replica():
        panels = home_panels.panels_for(request)
    return render(request, "tenants/today.html", {"panels": panels})


_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/vnd.microsoft.icon"})


@lru_cache(maxsize=64)
def _stored_image(name: str) -> bytes:
    """A brand image's bytes, read once per process. Stored names are random and never reused
    (a new upload gets a new name), so a name's bytes never change under the cache; a failed
    read raises, and is not cached."""
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def _brand_image(field) -> HttpResponse | None:
    """The image itself rather than a redirect to its storage URL: on S3 that URL is signed
    for a minute, and a browser or a mail reader keeps the icon or the logo far longer."""
    if not field:
        return None
    # Served from the organization's own host: only as an image type, whatever a stored
    # name (an older upload's, kept as it came) might say.
    content_type = mimetypes.guess_type(field.name)[0]
    if content_type not in _IMAGE_TYPES:
        return None
    try:
        data = _stored_image(field.name)
    except OSError:
        return None
    return HttpResponse(data, content_type=content_type)


@cache_control(max_age=3600, public=True)
def favicon(request: OrganizationRequest) -> HttpResponse:
    return _brand_image(request.organization.favicon) or HttpResponseRedirect(static("img/favicon.svg"))


@cache_control(max_age=3600, public=True)
def logo(request: OrganizationRequest) -> HttpResponse:
    """The organization's logo at a URL that lasts, for emails (a mail reader fetches it
    whenever the message is opened) and the admin; Starline's mark when it has none."""
    return _brand_image(request.organization.logo) or HttpResponseRedirect(static("img/favicon.svg"))


def theme_css(request: HttpRequest) -> HttpResponse:
    """The organization's colours and font as CSS custom properties.

    A stylesheet rather than an inline <style>: the CSP needs no nonce, and the URL carries
    the theme's version, so browsers keep it for a year and fetch anew when it changes.
    """
    # Served on the public host too (both URLconfs), where there is no organization: the
    # default theme.
    current = theme.for_organization(getattr(request, "organization", None))
    response = HttpResponse(current.css, content_type="text/css; charset=utf-8")
    if request.GET.get("v") == current.version:
        patch_cache_control(response, public=True, max_age=31536000, immutable=True)
    else:
        patch_cache_control(response, no_cache=True)
    return response


def platform_view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """The admin's "view on site" on the platform's host. Django's looks the object up by its
    content type, and an organization's model has no table in the public schema: that was a
    database error (a 500); it is a 404, like any object that is not there."""
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.contenttypes.views import shortcut
    from django.db import connection

    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if model is None or model._meta.db_table not in connection.introspection.table_names():
        raise Http404
    return shortcut(request, content_type_id, object_id)
