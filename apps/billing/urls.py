from django.urls import path

from apps.billing.views import claims, coverage, home, payers, receivables, remittances, settings

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
    path("claims/", claims.claim_list, name="claims"),
    path("claims/build/", claims.claims_build, name="claims_build"),
    path("claims/export/", claims.claims_export, name="export"),
    path("claims/<uuid:pk>/", claims.claim_detail, name="claim"),
    path("claims/<uuid:pk>/status/", claims.claim_status, name="claim_status"),
    path("claims/<uuid:pk>/replace/", claims.claim_replace, name="claim_replace"),
    path("claims/<uuid:pk>/void/", claims.claim_void, name="claim_void"),
    path("claims/<uuid:pk>/delete/", claims.claim_delete, name="claim_delete"),
    path("claims/<uuid:pk>/lines/<uuid:line>/remove/", claims.claim_line_remove, name="claim_line_remove"),
    path("receivables/", receivables.receivables, name="receivables"),
    path("summary.pdf", receivables.summary_pdf, name="summary_pdf"),
]
