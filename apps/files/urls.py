from django.urls import path

from apps.files import views

app_name = "files"

urlpatterns = [
    path("", views.file_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("on/<str:label>/<str:pk>/", views.attached, name="attached"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/download/", views.download, name="download"),
    path("<uuid:pk>/share/", views.share, name="share"),
    path("<uuid:pk>/share/<uuid:permission_pk>/remove/", views.unshare, name="unshare"),
    path("<uuid:pk>/delete/", views.delete, name="delete"),
    path("<uuid:pk>/restore/", views.restore, name="restore"),
]
