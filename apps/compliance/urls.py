from django.urls import path

from apps.compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.findings, name="findings"),
    path("run/", views.run_now, name="run"),
    # The finding is named in the query string (?finding=…), as the dashboard links to it.
    path("acknowledge/", views.acknowledge, name="acknowledge"),
]
