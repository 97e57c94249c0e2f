from django.urls import path

from apps.billing.views import coverage, home, payers, remittances, settings

app_name = "billing"

urlpatterns = [
    path("", home.home, name="home"),
    path("payers/", payers.payer_list, name="payers"),
    path("payers/new/", payers.payer_create, name="payer_create"),
    path("payers/<uuid:pk>/", payers.payer_detail, name="payer"),
    path("payers/<uuid:pk>/edit/", payers.payer_edit, name="payer_edit"),
    path("payers/<uuid:pk>/rates/new/", payers.rate_create, name="rate_create"),
    path("payers/<uuid:pk>/rates/<uuid:rate_pk>/edit/", payers.rate_edit, name="rate_edit"),
    path("payers/<uuid:pk>/rates/<uuid:rate_pk>/delete/", payers.rate_delete, name="rate_delete"),
    path("clients/<uuid:pk>/", coverage.client_billing, name="client"),
    path("clients/<uuid:pk>/coverage/new/", coverage.coverage_create, name="coverage_create"),
    path("coverage/<uuid:pk>/edit/", coverage.coverage_edit, name="coverage_edit"),
    path("coverage/<uuid:pk>/delete/", coverage.coverage_delete, name="coverage_delete"),
    path("settings/", settings.billing_settings, name="settings"),
    path("payments/", remittances.remittance_list, name="remittances"),
    path("payments/upload/", remittances.remittance_upload, name="remittance_upload"),
    path("payments/<uuid:pk>/", remittances.remittance_detail, name="remittance"),
]
