"""`{% home_panel panel %}`: one of the home page's panels (apps/core/home.py), its partial
rendered inside the page's own context (request, CSRF token, nonce) plus the panel's rows."""

from __future__ import annotations

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def home_panel(context, panel: dict) -> str:
    if "html" in panel:
        # A kept panel, drawn already (apps.core.home): its CSRF tokens are this request's.
        return mark_safe(panel["html"])  # noqa: S308 - the panel's own template output, escaped as it rendered
    with context.push(panel=panel, **panel["context"]):
        return get_template(panel["template"]).template.render(context)
