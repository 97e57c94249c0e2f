from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    name = "apps.themes"
    label = "themes"
    verbose_name = _("Themes")

    def ready(self):
        from apps.core import shell
        from apps.themes.context_processors import url_for

        shell.register_stylesheet(url_for)
