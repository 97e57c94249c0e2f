from django.urls import path

from apps.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("unread-count/", views.unread, name="unread"),
    path("read-all/", views.read_all, name="read_all"),
    path("settings/", views.preferences, name="preferences"),
    path("<uuid:pk>/read/", views.read, name="read"),
]
