from django.urls import path

from apps.tenants import settings_views

app_name = "orgsettings"

urlpatterns = [
    path("", settings_views.index, name="index"),
]
