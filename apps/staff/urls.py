from django.urls import path

from apps.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.create, name="create"),
    path("import/", views.staff_import, name="import"),
    path("compliance/", views.matrix, name="matrix"),
    path("training-programs/", views.programs, name="programs"),
    path("training-programs/new/", views.program_edit, name="program_create"),
    path("training-programs/<uuid:program_pk>/", views.program_edit, name="program_edit"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/edit/", views.edit, name="edit"),
    path("<uuid:pk>/ssn/", views.reveal_ssn, name="reveal_ssn"),
    path("<uuid:pk>/photo/", views.photo, name="photo"),
    path("<uuid:pk>/account/", views.create_account, name="create_account"),
    path("<uuid:pk>/certifications/", views.certifications, name="certifications"),
    path("<uuid:pk>/certifications/new/", views.certification_edit, name="certification_create"),
    path("<uuid:pk>/certifications/<uuid:cert_pk>/", views.certification_edit, name="certification_edit"),
    path("<uuid:pk>/certifications/<uuid:cert_pk>/renew/", views.certification_renew, name="certification_renew"),
    path("<uuid:pk>/training/", views.training, name="training"),
    path("<uuid:pk>/training/add/", views.training_record_add, name="training_record_add"),
    path("<uuid:pk>/documents/", views.documents, name="documents"),
    path("<uuid:pk>/history/", views.history, name="history"),
]
