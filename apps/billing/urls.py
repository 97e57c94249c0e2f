from django.urls import path

from apps.billing.views import authorizations, billables, home

app_name = "billing"

urlpatterns = [
    path("", home.home, name="home"),
    path("authorizations/", authorizations.authorization_list, name="authorizations"),
    path("authorizations/new/", authorizations.authorization_create, name="authorization_create"),
    path("authorizations/<uuid:pk>/", authorizations.authorization_detail, name="authorization"),
    path("authorizations/<uuid:pk>/edit/", authorizations.authorization_edit, name="authorization_edit"),
    path("review/", billables.review, name="review"),
    path("review/generate/", billables.generate, name="generate"),
    path("review/recheck/", billables.recheck_all, name="review_recheck"),
    path("billables/new/", billables.billable_create, name="billable_create"),
    path("billables/<uuid:pk>/", billables.billable_detail, name="billable"),
    path("billables/<uuid:pk>/recheck/", billables.billable_recheck, name="billable_recheck"),
    path("billables/<uuid:pk>/void/", billables.billable_void_page, name="billable_void"),
]
