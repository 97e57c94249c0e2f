"""The organization's look as CSS custom properties, with readable text on its colours."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache

from apps.tenants.validators import FONT_STACKS

DEFAULT_PRIMARY = "#2563eb"
DEFAULT_SECONDARY = "#64748b"


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on(background: str) -> str:
    """White or near-black, whichever reads better on the background (WCAG contrast)."""
    return "#ffffff" if contrast_ratio(background, "#ffffff") >= contrast_ratio(background, "#111827") else "#111827"


@dataclass(frozen=True, eq=False)
class Theme:
    primary: str
    secondary: str
    on_primary: str
    on_secondary: str
    font_stack: str

    @cached_property
    def css(self) -> str:
        # Values are validated #RRGGBB colours and fonts from a fixed list, so nothing a user
        # typed can break out of the declaration.
        return (
            ":root{"
            f"--sl-primary:{self.primary};--sl-on-primary:{self.on_primary};"
            f"--sl-secondary:{self.secondary};--sl-on-secondary:{self.on_secondary};"
            f"--sl-font:{self.font_stack};"
            "}"
        )

    @cached_property
    def version(self) -> str:
        """Changes whenever the CSS does, so the stylesheet can be cached for a year."""
        return hashlib.sha256(self.css.encode()).hexdigest()[:12]


@lru_cache(maxsize=512)
def build(primary: str, secondary: str, font_family: str) -> Theme:
    return Theme(
        primary=primary,
        secondary=secondary,
        on_primary=readable_on(primary),
        on_secondary=readable_on(secondary),
        font_stack=FONT_STACKS.get(font_family, FONT_STACKS["System"]),
    )


def for_organization(organization) -> Theme:
    if organization is None:
        return build(DEFAULT_PRIMARY, DEFAULT_SECONDARY, "System")
    return build(organization.primary_color, organization.secondary_color, organization.font_family)
