"""The brand in templates that have no theme in their context (emails rendered by a job)."""

from __future__ import annotations

from django import template

from apps.core import shell
from apps.tenants import theme

register = template.Library()


@register.filter
def text_on(background: str) -> str:
    """The readable text colour on a brand colour: white or near-black (WCAG contrast)."""
    return theme.readable_on(background or theme.DEFAULT_PRIMARY)


@register.filter
def logo_url(organization) -> str:
    """The organization's logo at its host's lasting URL, versioned (apps.core.shell)."""
    return shell.logo_url(organization)


@register.filter
def favicon_url(organization) -> str:
    """The organization's favicon at its host's URL, versioned (apps.core.shell)."""
    return shell.favicon_url(organization)
