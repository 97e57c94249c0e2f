"""Sandboxed rendering for templates organization admins write (emails, SMS, in-app text).

The language is deliberately tiny: `{{ name }}` and nothing else. Names are plain words
declared by the template's type; there are no dots, filters or tags, so a template cannot
reach an attribute, a method or a private value of anything (`{{ user.password }}` is not a
name, it is an error). Values are turned into text by the caller's code before rendering and
HTML-escaped in HTML templates.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

PLACEHOLDER = re.compile(r"{{\s*([a-z_][a-z0-9_]*)\s*}}")
# Anything that looks like template syntax but is not a plain placeholder.
SUSPICIOUS = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


def readable_date(value: str) -> str:
    """Jobs pass dates as ISO text (the context is stored as JSON); a person reads them in the
    language's format ("Dec 5, 2026", "5 dic 2026 16:21"). Other text is left as it is."""
    try:
        if ISO_DATE.fullmatch(value):
            return date_format(dt.date.fromisoformat(value))
        if ISO_MOMENT.fullmatch(value):
            return date_format(dt.datetime.fromisoformat(value), "DATETIME_FORMAT")
    except ValueError:
        pass
    return value


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text or "")


TAG = re.compile(r"<[^>]*>")
QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")


def validate(text: str, declared, *, html: bool = False) -> None:
    """Refuse anything but `{{ name }}` with declared names, saying what is wrong. In HTML,
    a variable inside a tag must sit in a quoted attribute value: escaped quotes then keep
    it there, where unquoted it could add attributes of its own."""
    if html:
        for tag in TAG.finditer(text or ""):
            loose = PLACEHOLDER.search(QUOTED.sub("", tag.group(0)))
            if loose:
                raise ValidationError(
                    _('Put quotes around “%(token)s” inside an HTML tag, as in href="{{ link }}".')
                    % {"token": loose.group(0)}
                )
    declared = set(declared)
    for match in SUSPICIOUS.finditer(text or ""):
        token = match.group(0)
        name = PLACEHOLDER.fullmatch(token)
        if name is None:
            raise ValidationError(
                _("“%(token)s” is not allowed: write variables as {{ name }}, with nothing else inside the braces.")
                % {"token": token[:60]}
            )
        if name.group(1) not in declared:
            raise ValidationError(
                _("“%(name)s” is not a variable of this message. Available: %(names)s.")
                % {"name": name.group(1), "names": ", ".join(sorted(declared)) or "—"}
            )


def render(text: str, values: dict, *, html: bool) -> str:
    """Fill the placeholders; unknown names become empty (templates are validated on save)."""

    def fill(match):
        value = values.get(match.group(1), "")
        value = readable_date("" if value is None else str(value))
        return escape(value, quote=True) if html else value

    return PLACEHOLDER.sub(fill, text or "")
