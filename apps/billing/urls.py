from django.urls import path

from apps.billing.views import home

app_name = "billing"

urlpatterns = [
    path("", home.home, name="home"),
]
