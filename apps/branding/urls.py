from django.urls import path

from apps.branding import views

app_name = "branding"

urlpatterns = [
    path("", views.index, name="index"),
]
