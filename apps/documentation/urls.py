from django.urls import path

from apps.documentation.views import notes, signing, submissions, templates

app_name = "documentation"

urlpatterns = [
    # Submissions: the list, a client's tab, starting, filling in, reviewing, printing.
    path("", submissions.submission_list, name="submissions"),
    path("client/<uuid:pk>/", submissions.client_documentation, name="client"),
    path("new/", submissions.submission_start, name="start"),
    path("submissions/<uuid:pk>/", submissions.submission_detail, name="submission"),
    path("submissions/<uuid:pk>/edit/", submissions.submission_fill, name="fill"),
    path("submissions/<uuid:pk>/approve/", submissions.submission_approve, name="approve"),
    path("submissions/<uuid:pk>/reject/", submissions.submission_reject, name="reject"),
    path("submissions/<uuid:pk>/delete/", submissions.submission_delete, name="delete"),
    path("submissions/<uuid:pk>/pdf/", submissions.submission_pdf, name="pdf"),
    # Signatures: signing in turn, a guardian's link, verification.
    path("submissions/<uuid:pk>/sign/", signing.submission_sign, name="sign"),
    path("submissions/<uuid:pk>/signing-link/", signing.link_create, name="link_create"),
    path("submissions/<uuid:pk>/verify/", signing.submission_verify, name="verify"),
    path("sign/<str:token>/", signing.link_sign, name="link_sign"),
    # Visit notes.
    path("notes-due/", notes.notes_due, name="notes_due"),
    path("visits/<uuid:pk>/note/", notes.visit_note, name="visit_note"),
    # Templates and the builder.
    path("templates/", templates.template_list, name="templates"),
    path("templates/new/", templates.template_create, name="template_create"),
    path("templates/import/", templates.template_import, name="template_import"),
    path("templates/<uuid:pk>/", templates.template_detail, name="template"),
    path("templates/<uuid:pk>/settings/", templates.template_edit, name="template_edit"),
    path("templates/<uuid:pk>/export/", templates.template_export, name="template_export"),
    path("templates/<uuid:pk>/preview/", templates.template_preview, name="template_preview"),
    path("templates/<uuid:pk>/fields/new/", templates.field_edit, name="field_create"),
    path("templates/<uuid:pk>/fields/<str:key>/", templates.field_edit, name="field_edit"),
    path("templates/<uuid:pk>/fields/<str:key>/move/<str:direction>/", templates.field_move, name="field_move"),
    path("templates/<uuid:pk>/fields/<str:key>/delete/", templates.field_delete, name="field_delete"),
    path("templates/<uuid:pk>/sections/new/", templates.section_edit, name="section_create"),
    path("templates/<uuid:pk>/sections/<str:key>/", templates.section_edit, name="section_edit"),
    path("templates/<uuid:pk>/sections/<str:key>/delete/", templates.section_delete, name="section_delete"),
]
