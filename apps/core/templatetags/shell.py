"""`{% shell_header %}` and `{% shell_footer %}`: base.html's header and footer, kept in the
worker's memory and keyed by everything they show (see apps/core/shell.py)."""

from __future__ import annotations

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from apps.core import badges, shell
from apps.core.fragments import cached

register = template.Library()


def _value(context, name: str):
    value = context.get(name)
    return value() if callable(value) else value


def _render(context, template_name: str, values: dict) -> str:
    with context.push(**values):
        # The engine's own Template renders with this context (the backend wrapper wants a dict).
        return get_template(template_name).template.render(context)  # type: ignore[attr-defined]


def _out(context, html: str) -> str:
    if not context.get(shell.DEFERRED):
        html = shell.fill(html, context.request, context.get("csrf_token"))
    return mark_safe(html)  # noqa: S308 - the template's output, escaped as it rendered; fill() escapes # nosec B308, B703


@register.simple_tag(takes_context=True)
def shell_header(context) -> str:
    request = context.get("request")
    organization = context.get("organization")
    if request is None:  # rendered without a request (an error page): nothing to key on
        return _render(context, "partials/_header.html", {"logo_url": shell.logo_url(organization)})
    items = _value(context, "nav_items") or []
    shown = badges.shown(request)
    html = cached(
        ("header", *shell.header_key(request, organization, items, badges.key(shown))),
        tables=(),
        render=lambda: _render(
            context,
            "partials/_header.html",
            {
                "nav_items": items,
                "badges": [{"template": badge.template, "count": count} for badge, count in shown],
                "csrf_token": shell.CSRF,
                "logo_url": shell.LOGO,
            },
        ),
    )
    return _out(context, html)


@register.simple_tag(takes_context=True)
def shell_footer(context) -> str:
    request = context.get("request")
    if request is None:
        return _render(context, "partials/_footer.html", {"next_path": "/"})
    html = cached(
        ("footer", *shell.site_key(context.get("organization"))),
        tables=(),
        render=lambda: _render(context, "partials/_footer.html", {"next_path": shell.PATH}),
    )
    return _out(context, html)
