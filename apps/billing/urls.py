from django.urls import path

from apps.billing.views import claims, home, receivables

app_name = "billing"

urlpatterns = [
    path("", home.home, name="home"),
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
