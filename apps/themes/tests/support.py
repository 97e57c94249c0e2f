from __future__ import annotations

from apps.themes import services


def make_theme(organization, name="Evergreen", *, active=False, css=".card{padding:2rem}", variables=None):
    with organization:
        theme = services.theme_create(
            theme_name=name,
            css_variables=variables if variables is not None else {"--sl-primary": "#0f766e"},
            custom_css=css,
        )
        if active:
            services.theme_activate(theme=theme)
        return theme
