"""The branding page's permission. The brand itself lives on Organization (public schema);
Django hangs permissions only on a model, so this one has no table of its own."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Branding(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("manage_branding", _("Change the organization's logo, colours and font"))]
        verbose_name = _("branding")
        verbose_name_plural = _("branding")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
