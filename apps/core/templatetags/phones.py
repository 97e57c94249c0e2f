"""`{{ number|phone }}`: a stored E.164 number as people read it (apps.core.phones.display)."""

from django import template

from apps.core import phones

register = template.Library()


@register.filter
def phone(number: str) -> str:
    return phones.display(number or "")
