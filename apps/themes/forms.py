from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.themes import sanitizer
from apps.themes.models import CustomTheme
from apps.themes.variables import VARIABLES


def variables_text(css_variables: dict[str, str]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in css_variables.items())


class VariablesField(forms.CharField):
    """One `name: value` a line; the values are checked by the service (apps/themes/variables.py)."""

    def to_python(self, value: Any) -> dict[str, str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        parsed: dict[str, str] = {}
        problems = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            name, colon, rest = line.partition(":")
            name, rest = name.strip(), rest.strip().rstrip(";").strip()
            if not colon or not name or not rest:
                problems.append(_("Line %(number)s: write a name, a colon and a value.") % {"number": number})
            elif name in parsed:
                problems.append(_("Line %(number)s: %(name)s is set twice.") % {"number": number, "name": name})
            else:
                parsed[name] = rest
        if problems:
            raise forms.ValidationError(problems)
        return parsed


class ThemeForm(forms.Form):
    theme_name = forms.CharField(label=gettext_lazy("Name"), max_length=255)
    css_variables = VariablesField(
        label=gettext_lazy("Theme variables"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    custom_css = forms.CharField(
        label=gettext_lazy("Custom CSS"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["css_variables"].help_text = _(
            "One a line, for example “--sl-primary: #0f766e”. Known variables: %(names)s."
        ) % {"names": ", ".join(VARIABLES)}
        self.fields["custom_css"].help_text = _(
            "Rules of colours, borders, spacing and fonts, and @media; at most %(limit)s KB. Nothing is loaded"
            " from elsewhere: url(), @import and @font-face are refused."
        ) % {"limit": sanitizer.MAX_BYTES // 1024}

    @classmethod
    def for_theme(cls, theme: CustomTheme | None, data=None) -> ThemeForm:
        initial = {}
        if theme is not None:
            initial = {
                "theme_name": theme.theme_name,
                "css_variables": variables_text(theme.css_variables),
                "custom_css": theme.custom_css,
            }
        return cls(data=data, initial=initial)
