"""The admin site of both hosts. One registry serves the platform's host (the public schema)
and every organization's; an organization's models have no table in the public schema, so on
the platform's host they are left out of the index and their pages answer 404 (they were
database errors: 500s, found by apps/core/tests/test_every_url_every_role.py)."""

from __future__ import annotations

from functools import update_wrapper

from django.conf import settings
from django.contrib.admin import AdminSite
from django.http import Http404

from apps.core.tenancy import current_organization


def on_this_host(model) -> bool:
    """Whether the model's table is in the schema the request is served from."""
    return current_organization() is not None or model._meta.app_config.name in settings.SHARED_APPS


class StarlineAdminSite(AdminSite):
    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)
        model = getattr(getattr(view, "__self__", None), "model", None)
        if model is None:
            return wrapped

        def view_here(request, *args, **kwargs):
            if not on_this_host(model):
                raise Http404
            return wrapped(request, *args, **kwargs)

        return update_wrapper(view_here, wrapped)

    def get_app_list(self, request, app_label=None):
        app_list = []
        for app in super().get_app_list(request, app_label):
            app["models"] = [entry for entry in app["models"] if on_this_host(entry["model"])]
            if app["models"]:
                app_list.append(app)
        return app_list
