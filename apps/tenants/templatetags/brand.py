"""The brand in templates that have no theme in their context (emails rendered by a job)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

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


@register.filter
def pdf_font_faces(organization) -> SafeString:
    """The organization's font for a PDF's <style>: raw CSS (a style element decodes no
    entities), built from the fixed font list alone, never from the stored text."""
    return mark_safe(theme.pdf_font_faces(getattr(organization, "font_family", "") or ""))  # noqa: S308 # nosec B308, B703


@register.filter
def pdf_font_stack(organization) -> SafeString:
    """The font-family value for a PDF, the organization's font first (see pdf_font_faces)."""
    return mark_safe(theme.pdf_font_stack(getattr(organization, "font_family", "") or ""))  # noqa: S308 # nosec B308, B703
