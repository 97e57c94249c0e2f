"""Custom themes (the seed's `custom_themes`): named sets of theme variables and CSS an
organization's admins write, at most one of them active. No organization column: the schema
is the organization."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.models import BaseModel


class CustomTheme(BaseModel):
    theme_name = models.CharField(_("name"), max_length=255)
    # {"--sl-primary": "#0f766e", ...}: names from apps/themes/variables.py, values checked there.
    css_variables = models.JSONField(_("theme variables"), default=dict, blank=True)
    # Stored as rebuilt by apps/themes/sanitizer.py, never as typed.
    custom_css = models.TextField(_("custom CSS"), blank=True, default="")
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        ordering = ["theme_name", "id"]
        verbose_name = _("custom theme")
        verbose_name_plural = _("custom themes")
        permissions = [("manage_themes", _("Can write and activate the organization's custom themes"))]
        constraints = [
            # The served stylesheet has one custom theme at most: the database says so too,
            # so two admins activating at once cannot both win.
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="customtheme_one_active",
                violation_error_message=_("Another theme is already active."),
            ),
            # Names pick a theme out of the list: "Evergreen" and "evergreen" would be two
            # lines nobody can tell apart. The service says so by the field first; this is
            # the backstop for two saves at once.
            models.UniqueConstraint(
                Lower("theme_name"),
                name="customtheme_name_unique_ci",
                violation_error_message=_("Another theme already has this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.theme_name

    def get_absolute_url(self) -> str:
        return reverse("themes:detail", kwargs={"pk": self.pk})
