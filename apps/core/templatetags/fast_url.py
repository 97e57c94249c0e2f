"""`{% url %}` with memory: a URL without arguments is reversed once per process.

Every page's shell (navigation, account menu, footer) reverses the same dozen names on every
request; reversing is pure given the URLconf, the script prefix and the namespace hint, so
those three are the key. URLs with arguments, or stored in a variable (`as`), fall back to
Django's own tag unchanged. Installed as a template builtin, so it replaces `url` everywhere.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf

register = template.Library()
_cache: dict[tuple, str] = {}


class CachedURLNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs or self.asvar:
            return super().render(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        key = (get_urlconf(), get_script_prefix(), self.view_name.resolve(context), current_app, context.autoescape)
        cached = _cache.get(key)
        if cached is None:
            cached = super().render(context)
            if len(_cache) < 4096:
                _cache[key] = cached
        return cached


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
