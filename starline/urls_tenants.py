"""URLs served on an organization's host. Apps add their own `path(..., include(...))` here."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from apps.accounts.views import sign_in as sign_in_views
from apps.core import views as core_views
from apps.tenants import views as tenant_views
from apps.themes import views as theme_views

urlpatterns = [
    path("", tenant_views.home, name="home"),
    path("favicon.ico", tenant_views.favicon, name="favicon"),
    path("logo.png", tenant_views.logo, name="logo"),
    path("accounts/", include("apps.accounts.urls")),
    path("audit/", include("apps.audit.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("files/", include("apps.files.urls")),
    path("clients/", include("apps.clients.urls")),
    path("staff/", include("apps.staff.urls")),
    path("scheduling/", include("apps.scheduling.urls")),
    path("documentation/", include("apps.documentation.urls")),
    path("billing/", include("apps.billing.urls")),
    path("compliance/", include("apps.compliance.urls")),
    path("reports/", include("apps.reports.urls")),
    path("settings/themes/", include("apps.themes.urls")),
    path("settings/branding/", include("apps.branding.urls")),
    path("settings/domains/", include("apps.tenants.domain_urls")),
    # Last of the settings/ includes: its "" would otherwise be tried before their own pages.
    path("settings/", include("apps.tenants.settings_urls")),
    path("admin/login/", sign_in_views.admin_login_redirect),
    path("admin/", admin.site.urls),
    path("theme.css", tenant_views.theme_css, name="theme_css"),
    # The organization's stylesheet (branding and custom theme), named by its content's hash.
    re_path(r"^theme-(?P<version>[0-9a-f]{12})\.css$", theme_views.stylesheet, name="org_stylesheet"),
    path("language/<str:code>/", core_views.set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("hello", core_views.hello, name="hello"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"
