"""The theme's CSS custom properties: the one list of the names a custom theme may set, and
the check of each value.

The names are those static/css/starline.css declares in its :root and apps/tenants/theme.py
serves from the organization's branding; a name outside this list would style nothing, so
it is refused rather than stored.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.tenants import theme
from apps.tenants.validators import FONT_STACKS

COLOUR = "colour"
LENGTH = "length"
FONT = "font"


@dataclass(frozen=True)
class Variable:
    kind: str
    # Lengths only: the bounds of the value in rem (px are converted at 16px to the rem).
    least: Decimal = Decimal(0)
    most: Decimal = Decimal(0)


VARIABLES: dict[str, Variable] = {
    "--sl-primary": Variable(COLOUR),
    "--sl-on-primary": Variable(COLOUR),
    "--sl-primary-ink": Variable(COLOUR),
    "--sl-secondary": Variable(COLOUR),
    "--sl-on-secondary": Variable(COLOUR),
    "--sl-text": Variable(COLOUR),
    "--sl-muted": Variable(COLOUR),
    "--sl-bg": Variable(COLOUR),
    "--sl-surface": Variable(COLOUR),
    "--sl-border": Variable(COLOUR),
    "--sl-focus": Variable(COLOUR),
    "--sl-danger": Variable(COLOUR),
    "--sl-success": Variable(COLOUR),
    "--sl-font": Variable(FONT),
    "--sl-radius": Variable(LENGTH, Decimal(0), Decimal(2)),
    "--sl-space": Variable(LENGTH, Decimal("0.25"), Decimal(3)),
    "--sl-max": Variable(LENGTH, Decimal(30), Decimal(120)),
}

_HEX = re.compile(r"^#(?:[0-9a-f]{3}|[0-9a-f]{6})$")
_NUMBER = r"\s*(-?\d{1,3}(?:\.\d{1,4})?)"
_RGB = re.compile(rf"^rgba?\({_NUMBER}(%?)\s*,{_NUMBER}(%?)\s*,{_NUMBER}(%?)\s*(?:,{_NUMBER}(%?)\s*)?\)$")
_HSL = re.compile(rf"^hsla?\({_NUMBER}(?:deg)?\s*,{_NUMBER}%\s*,{_NUMBER}%\s*(?:,{_NUMBER}(%?)\s*)?\)$")
_LENGTH = re.compile(r"^(\d{1,4}(?:\.\d{1,4})?)(px|rem|em|%)$")
# A percentage length is of the space it sits in: only --sl-max's share of the page is one.
_PX_PER_REM = Decimal(16)


def _in(value: str, least: Decimal, most: Decimal) -> bool:
    try:
        return least <= Decimal(value) <= most
    except InvalidOperation:
        return False


def _alpha_ok(value: str | None, percent: str | None) -> bool:
    if value is None:
        return True
    return _in(value, Decimal(0), Decimal(100) if percent else Decimal(1))


def is_colour(value: str) -> bool:
    """#rgb, #rrggbb, rgb()/rgba() or hsl()/hsla() with numbers in range."""
    value = value.strip().lower()
    if _HEX.match(value):
        return True
    if match := _RGB.match(value):
        n1, p1, n2, p2, n3, p3, alpha, alpha_percent = match.groups()
        channels = ((n1, p1), (n2, p2), (n3, p3))
        return all(_in(n, Decimal(0), Decimal(100) if p else Decimal(255)) for n, p in channels) and _alpha_ok(
            alpha, alpha_percent
        )
    if match := _HSL.match(value):
        hue, saturation, lightness, alpha, alpha_percent = match.groups()
        return (
            _in(hue, Decimal(-360), Decimal(360))
            and _in(saturation, Decimal(0), Decimal(100))
            and _in(lightness, Decimal(0), Decimal(100))
            and _alpha_ok(alpha, alpha_percent)
        )
    return False


# Colours that text is drawn in: see-through, they pass the contrast check (alpha is ignored
# there) and still fade the text into its background, as `color: transparent` would.
TEXT_COLOURS = frozenset({"--sl-text", "--sl-muted", "--sl-on-primary", "--sl-on-secondary", "--sl-primary-ink"})


def see_through(value: str) -> bool:
    """A valid colour value with an alpha below full."""
    value = value.strip().lower()
    match = _RGB.match(value)
    if match:
        alpha, percent = match.group(7), match.group(8)
    elif match := _HSL.match(value):
        alpha, percent = match.group(4), match.group(5)
    else:
        return False
    return alpha is not None and Decimal(alpha) < (Decimal(100) if percent else Decimal(1))


def length_in_bounds(value: str, variable: Variable) -> bool:
    match = _LENGTH.match(value.strip().lower())
    if not match:
        return False
    number, unit = Decimal(match.group(1)), match.group(2)
    if unit == "%":
        return Decimal(0) <= number <= Decimal(100)
    rem = number / _PX_PER_REM if unit == "px" else number
    return variable.least <= rem <= variable.most


def _problem(name: str, value: object) -> str | None:
    variable = VARIABLES.get(name)
    if variable is None:
        return _("“%(name)s” is not a theme variable. Known: %(known)s.") % {
            "name": name,
            "known": ", ".join(VARIABLES),
        }
    if not isinstance(value, str):
        return _("%(name)s: enter the value as text.") % {"name": name}
    if variable.kind == COLOUR and not is_colour(value):
        return _("%(name)s: “%(value)s” is not a colour (use #rgb, #rrggbb, rgb() or hsl()).") % {
            "name": name,
            "value": value,
        }
    if name in TEXT_COLOURS and see_through(value):
        return _("%(name)s: text may not be drawn in a see-through colour (“%(value)s”).") % {
            "name": name,
            "value": value,
        }
    if variable.kind == LENGTH and not length_in_bounds(value, variable):
        return _("%(name)s: “%(value)s” is not a length between %(least)srem and %(most)srem (px, rem, em or %%).") % {
            "name": name,
            "value": value,
            "least": variable.least,
            "most": variable.most,
        }
    if variable.kind == FONT and value not in FONT_STACKS:
        return _("%(name)s: “%(value)s” is not one of the fonts: %(fonts)s.") % {
            "name": name,
            "value": value,
            "fonts": ", ".join(FONT_STACKS),
        }
    return None


def validate_variables(variables: object, brand: dict[str, str] | None = None) -> dict[str, str]:
    """The variables, cleaned (values trimmed, colours in lower case), or a ValidationError
    with one message per bad entry. `brand` is the organization's branding colours
    (`brand_variables`): what the theme's colours are read against where it leaves their
    partner unset."""
    if not isinstance(variables, dict):
        raise ValidationError(_("The theme variables must be pairs of a name and a value."), code="invalid")
    problems = [problem for name, value in variables.items() if (problem := _problem(str(name), value))]
    if problems:
        raise ValidationError([ValidationError(p, code="invalid") for p in problems])
    cleaned = {
        name: value.strip().lower() if VARIABLES[name].kind != FONT else value for name, value in variables.items()
    }
    if problems := contrast_problems(cleaned, brand):
        raise ValidationError([ValidationError(p, code="contrast") for p in problems])
    return cleaned


# The colours starline.css starts from (its :root): what a theme's colours are read against when
# it leaves their partner unset.
PAGE_DEFAULTS = {"--sl-text": "#111827", "--sl-bg": "#f8fafc", "--sl-surface": "#ffffff"}
# Text the theme may set that nothing derives when it sets the background: checked against the
# backgrounds in effect only when the theme sets the text itself (the branding's own ink is made
# readable on the default page by apps/tenants/theme.py).
TEXT_SET_PAIRS = (
    ("--sl-bg", "--sl-muted"),
    ("--sl-surface", "--sl-muted"),
    ("--sl-bg", "--sl-primary-ink"),
    ("--sl-surface", "--sl-primary-ink"),
)
# Each background and the text drawn on it. A theme naming the background and not the text gets
# the readable text (`derived`); one naming both must make them readable together.
PAIRS = (
    ("--sl-primary", "--sl-on-primary"),
    ("--sl-secondary", "--sl-on-secondary"),
    ("--sl-bg", "--sl-text"),
    ("--sl-surface", "--sl-text"),
)


def hex_of(value: str) -> str:
    """A valid colour value as #rrggbb (alpha ignored: the contrast of the opaque colour)."""
    value = value.strip().lower()
    if _HEX.match(value):
        if len(value) == 4:
            value = "#" + "".join(c * 2 for c in value[1:])
        return value
    if match := _RGB.match(value):
        n1, p1, n2, p2, n3, p3, _alpha, _alpha_percent = match.groups()
        channels = [Decimal(n) * Decimal("2.55") if p else Decimal(n) for n, p in ((n1, p1), (n2, p2), (n3, p3))]
        return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in channels)
    match = _HSL.match(value)
    assert match is not None, value  # validated before
    hue, saturation, lightness = (float(match.group(i)) for i in (1, 2, 3))
    red, green, blue = colorsys.hls_to_rgb((hue % 360) / 360, lightness / 100, saturation / 100)
    return "#" + "".join(f"{round(c * 255):02x}" for c in (red, green, blue))


def derived(variables: dict[str, str]) -> dict[str, str]:
    """What the theme leaves unset but its colours decide: the readable text on a background it
    sets (white or near-black, as the branding page picks), and the primary colour as ink on
    the page (links), so a light primary never becomes light links."""
    made = {}
    for background, text in PAIRS[:2]:
        if background in variables and text not in variables:
            made[text] = theme.readable_on(hex_of(variables[background]))
    if "--sl-primary" in variables and "--sl-primary-ink" not in variables:
        made["--sl-primary-ink"] = theme.ink_on_page(hex_of(variables["--sl-primary"]))
    return made


def brand_variables(organization) -> dict[str, str]:
    """The organization's branding colours as the variables apps/tenants/theme.py serves: a
    theme is layered over them, so a colour it leaves unset is the branding's."""
    brand = theme.for_organization(organization)
    return {
        "--sl-primary": brand.primary,
        "--sl-on-primary": brand.on_primary,
        "--sl-primary-ink": brand.primary_ink,
        "--sl-secondary": brand.secondary,
        "--sl-on-secondary": brand.on_secondary,
    }


def contrast_problems(variables: dict[str, str], brand: dict[str, str] | None = None) -> list[str]:
    """WCAG 2.1 AA for the theme's text on its backgrounds (4.5:1), as the branding page asks of
    the brand's colours: each pair the theme touches, with the ratio it reaches. A colour the
    theme leaves unset is the one in effect: what its own colours decide (`derived`), else the
    branding's (`brand`), else starline.css's."""
    chosen = {**PAGE_DEFAULTS, **(brand or {}), **variables, **derived(variables)}
    problems = []
    checked = [pair for pair in PAIRS if pair[0] in variables or pair[1] in variables]
    checked += [pair for pair in TEXT_SET_PAIRS if pair[1] in variables]
    for background, text in checked:
        if background not in chosen or text not in chosen:
            continue  # the branding's own, checked on its page
        ratio = theme.contrast_ratio(hex_of(chosen[background]), hex_of(chosen[text]))
        if ratio < theme.AA_NORMAL_TEXT:
            problems.append(
                _("%(text)s on %(background)s: a contrast of %(ratio)s:1, below the 4.5:1 that text needs (WCAG AA).")
                % {"text": text, "background": background, "ratio": f"{int(ratio * 100) / 100:.2f}"}
            )
    if "--sl-primary" in variables:
        # Buttons in the primary colour on the cards (--sl-surface, white unless the theme sets it):
        # WCAG 2.1 non-text contrast, as the branding page asks of the brand's primary colour.
        ratio = theme.contrast_ratio(hex_of(chosen["--sl-primary"]), hex_of(chosen["--sl-surface"]))
        if ratio < theme.UI_COMPONENT:
            problems.append(
                _(
                    "--sl-primary on --sl-surface: a contrast of %(ratio)s:1, below the 3:1 that buttons need to "
                    "stand out (WCAG 2.1)."
                )
                % {"ratio": theme.floored(ratio)}
            )
    return problems


def declarations(variables: dict[str, str]) -> str:
    """The validated variables as declarations, fonts as their stacks, and what they decide
    (`derived`: the readable text on the theme's own primary and secondary)."""
    parts = []
    for name, value in {**variables, **derived(variables)}.items():
        shown = FONT_STACKS[value] if VARIABLES[name].kind == FONT else value
        parts.append(f"{name}:{shown};")
    return "".join(parts)
