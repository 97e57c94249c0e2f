"""What the branding page should say is overridden (apps/branding/views.py finds this module
through apps.core.discovery: branding and themes sit side by side and import neither the other).

An active theme's colour variables follow the branding's in the stylesheet
(apps/themes/stylesheet.py), so they win on every page: the branding page says so, with the
way to the theme."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.themes import variables
from apps.themes.models import CustomTheme


def overrides(user) -> list[dict[str, str]]:
    """Each a message, and a link to the theme for someone who may open it ("" otherwise)."""
    active = CustomTheme.objects.filter(is_active=True).only("theme_name", "css_variables").first()
    if active is None:
        return []
    colours = [
        name
        for name in active.css_variables or {}
        if name in variables.VARIABLES and variables.VARIABLES[name].kind == variables.COLOUR
    ]
    if not colours:
        return []
    return [
        {
            "message": _(
                "The active theme “%(name)s” sets its own colours (%(variables)s). On every page they take"
                " the place of the colours chosen here until the theme is deactivated or changed."
            )
            % {"name": active.theme_name, "variables": ", ".join(colours)},
            "url": active.get_absolute_url() if user.has_perm("themes.manage_themes") else "",
            "link": _("Open the theme"),
        }
    ]
