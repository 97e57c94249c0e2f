from django.urls import path

from apps.billing.views import home, remittances

app_name = "billing"

urlpatterns = [
    path("", home.home, name="home"),
    path("payments/", remittances.remittance_list, name="remittances"),
    path("payments/upload/", remittances.remittance_upload, name="remittance_upload"),
    path("payments/<uuid:pk>/", remittances.remittance_detail, name="remittance"),
]
