from django.urls import path

from apps.tenants import domain_views

app_name = "domains"

urlpatterns = [
    path("", domain_views.index, name="index"),
    path("check/", domain_views.check, name="check"),
    path("remove/", domain_views.remove, name="remove"),
]
