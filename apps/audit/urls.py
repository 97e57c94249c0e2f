from django.urls import path

from apps.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("history/<str:resource>/<str:pk>/", views.history, name="history"),
    path("access/<str:resource>/<str:pk>/", views.access_report, name="access_report"),
]
