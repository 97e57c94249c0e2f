from django.urls import path

from apps.themes import views

app_name = "themes"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/edit/", views.edit, name="edit"),
    path("<uuid:pk>/preview/", views.preview, name="preview"),
    path("<uuid:pk>/activate/", views.activate, name="activate"),
    path("<uuid:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("<uuid:pk>/delete/", views.delete, name="delete"),
]
