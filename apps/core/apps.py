from importlib import import_module

from django.apps import AppConfig, apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self):
        # Registers the rate limits' system check.
        from apps.core import throttle  # noqa: F401


class AdminConfig(SimpleAdminConfig):
    """Django's admin, discovering every installed app's admin module but those listed in
    SKIP_ADMIN_MODULES: django-auditlog's registers the log model, whose composite primary
    key (a partitioned table) the admin cannot show; the audit pages show it instead."""

    SKIP_ADMIN_MODULES = {"auditlog"}
    # Organizations' models stay off the platform's host (apps/core/admin_site.py).
    default_site = "apps.core.admin_site.StarlineAdminSite"

    def ready(self):
        super().ready()
        for config in apps.get_app_configs():
            if config.name not in self.SKIP_ADMIN_MODULES and module_has_submodule(config.module, "admin"):
                import_module(f"{config.name}.admin")
