from django.urls import path

from apps.reports import catalog, views

app_name = "reports"

# One URL name per report (not a slug parameter): each is declared with its own permission in
# apps/core/tests/url_permissions.py, and the crawler checks every one.
urlpatterns = [
    path("", views.index, name="index"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<uuid:pk>/", views.export_detail, name="export"),
    path("exports/<uuid:pk>/status/", views.export_status, name="export_status"),
    path("exports/<uuid:pk>/download/", views.export_download, name="export_download"),
    *(path(f"{r.slug}/", views.report_page, {"slug": r.slug}, name=r.slug) for r in catalog.ALL),
    *(path(f"{r.slug}/export/", views.report_export, {"slug": r.slug}, name=f"{r.slug}_export") for r in catalog.ALL),
]
