from django.urls import path

from apps.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("unread-count/", views.unread, name="unread"),
    path("read-all/", views.read_all, name="read_all"),
    path("settings/", views.preferences, name="preferences"),
    path("<uuid:pk>/read/", views.read, name="read"),
    path("templates/", views.templates, name="templates"),
    path("templates/<str:kind>/<str:channel>/", views.template_edit, name="template_edit"),
    path("templates/<str:kind>/<str:channel>/preview/", views.template_preview, name="template_preview"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("sms/status/", views.sms_status, name="sms_status"),
]
