from django.urls import path

from apps.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("import/", views.client_import, name="import"),
    path("locations/", views.locations, name="locations"),
    path("locations/new/", views.location_edit, name="location_create"),
    path("locations/<uuid:location_pk>/", views.location_edit, name="location_edit"),
    path("<uuid:pk>/", views.client_detail, name="detail"),
    path("<uuid:pk>/edit/", views.client_edit, name="edit"),
    path("<uuid:pk>/ssn/", views.reveal_ssn, name="reveal_ssn"),
    path("<uuid:pk>/photo/", views.client_photo, name="photo"),
    path("<uuid:pk>/care-team/", views.care_team, name="care_team"),
    path("<uuid:pk>/care-team/search/", views.care_team_search, name="care_team_search"),
    path("<uuid:pk>/contacts/", views.client_contacts, name="contacts"),
    path("<uuid:pk>/contacts/new/", views.contact_edit, name="contact_create"),
    path("<uuid:pk>/contacts/<uuid:contact_pk>/", views.contact_edit, name="contact_edit"),
    path("<uuid:pk>/care-plans/", views.client_care_plans, name="care_plans"),
    path("<uuid:pk>/documents/", views.client_documents, name="documents"),
    path("<uuid:pk>/history/", views.client_history, name="history"),
    path("<uuid:pk>/care-plans/new/", views.care_plan_create, name="care_plan_create"),
    path("<uuid:pk>/care-plans/<uuid:plan_pk>/", views.care_plan, name="care_plan"),
    path("<uuid:pk>/care-plans/<uuid:plan_pk>/edit/", views.care_plan_edit, name="care_plan_edit"),
    path("<uuid:pk>/care-plans/<uuid:plan_pk>/pdf/", views.care_plan_pdf, name="care_plan_pdf"),
    path("<uuid:pk>/care-plans/<uuid:plan_pk>/<str:action>/", views.care_plan_action, name="care_plan_action"),
]
