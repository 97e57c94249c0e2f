"""URLs of the public schema: the landing page and the platform admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from apps.accounts.views import sign_in as sign_in_views
from apps.core import views as core_views
from apps.tenants import views as tenant_views

urlpatterns = [
    path("", tenant_views.landing, name="landing"),
    path("accounts/", include("apps.accounts.urls")),
    path("admin/login/", sign_in_views.admin_login_redirect),
    # Before the admin's own: an organization's model has no table here (404, not a 500).
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(tenant_views.platform_view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("theme.css", tenant_views.theme_css, name="theme_css"),
    path("language/<str:code>/", core_views.set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("hello", core_views.hello, name="hello"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"
