"""The organization's look as CSS custom properties, with readable text on its colours."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.templatetags.static import static
from django.utils.translation import gettext as _

from apps.core.pdf import font_file_url
from apps.tenants.validators import FONT_STACKS

DEFAULT_PRIMARY = "#2563eb"
DEFAULT_SECONDARY = "#64748b"
WHITE = "#ffffff"
NEAR_BLACK = "#111827"
# WCAG 2.1 AA for normal text (success criterion 1.4.3).
AA_NORMAL_TEXT = 4.5
# WCAG 2.1 non-text contrast (1.4.11): a button in the primary colour against the white cards and
# pages it sits on; below this a white or very light primary makes the buttons vanish.
UI_COMPONENT = 3.0
# The darker of the pages' light backgrounds (starline.css --sl-bg; cards are white).
PAGE_BACKGROUND = "#f8fafc"

# Self-hosted web fonts (static/fonts/<directory>/, from the @fontsource npm packages, each
# with its OFL licence beside it): the latin subset at 400 and 700. Fonts not listed here
# (System, Georgia) are the device's own.
FONT_FILES = {
    "Inter": "inter",
    "Atkinson Hyperlegible": "atkinson-hyperlegible",
    "Roboto": "roboto",
    "Open Sans": "open-sans",
    "Lato": "lato",
    "Source Sans 3": "source-sans-3",
}
FONT_WEIGHTS = (400, 700)
# The fontsource latin subset's range: a page's other characters fall through to the stack's
# system fonts instead of waiting for a file that does not have them.
LATIN_RANGE = (
    "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,"
    "U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
)


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
    return WHITE if contrast_ratio(background, WHITE) >= contrast_ratio(background, NEAR_BLACK) else NEAR_BLACK


def best_text_contrast(background: str) -> float:
    """The contrast of the text colour readable_on picks: below AA_NORMAL_TEXT, no text
    colour Starline draws on this background is readable enough."""
    return contrast_ratio(background, readable_on(background))


def floored(ratio: float) -> str:
    """A ratio as shown to people: floored, not rounded, so 4.48 never reads as a passing 4.5."""
    return f"{int(ratio * 100) / 100:.2f}"


def ink_on_page(colour: str) -> str:
    """The colour as text on the page's light background (links, headings in print): itself
    when it reads there (AA), else the same hue darkened until it does. A light brand colour
    (yellow, with dark text on it) is accepted, and must not become yellow links."""
    if contrast_ratio(colour, PAGE_BACKGROUND) >= AA_NORMAL_TEXT:
        return colour
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(1, 21):
        factor = 1 - step / 20
        darker = f"#{int(r * factor):02x}{int(g * factor):02x}{int(b * factor):02x}"
        if contrast_ratio(darker, PAGE_BACKGROUND) >= AA_NORMAL_TEXT:
            return darker
    return NEAR_BLACK


def colour_problem(colour: str) -> str:
    """Why text could not be read on this colour (WCAG 2.1 AA), or "" when it can."""
    ratio = best_text_contrast(colour)
    if ratio >= AA_NORMAL_TEXT:
        return ""
    # Floored, not rounded: 4.48 must not read as a passing 4.5.
    return _(
        "Neither white nor dark text is readable enough on %(colour)s: the better of the two reaches "
        "%(ratio)s:1, and WCAG 2.1 AA asks for at least 4.5:1. Choose a darker or a lighter colour."
    ) % {"colour": colour, "ratio": floored(ratio)}


def _faint_on_page(colour: str, message: str) -> str:
    """`message` (with %(colour)s and %(ratio)s) when `colour` falls short of WCAG 2.1's 3:1
    non-text contrast against the white page, else ""."""
    ratio = contrast_ratio(colour, WHITE)
    if ratio >= UI_COMPONENT:
        return ""
    return message % {"colour": colour, "ratio": floored(ratio)}


def primary_problem(colour: str) -> str:
    """Why buttons in this primary colour would not stand out on the white page, or "" when they do."""
    return _faint_on_page(
        colour,
        _(
            "Buttons in %(colour)s would hardly show on the white page: a contrast of %(ratio)s:1, and WCAG 2.1 "
            "asks for at least 3:1. Choose a darker colour."
        ),
    )


def secondary_problem(colour: str) -> str:
    """The same 3:1 on the white page for the secondary colour: secondary buttons and the
    footer's rule are drawn in it, and a white or near-white one makes them vanish."""
    return _faint_on_page(
        colour,
        _(
            "Secondary buttons in %(colour)s would hardly show on the white page: a contrast of %(ratio)s:1, and "
            "WCAG 2.1 asks for at least 3:1. Choose a darker colour."
        ),
    )


def brand_colour_problem(field: str, colour: str) -> str:
    """The one rule for a brand colour ("primary_color" or "secondary_color", a valid #rrggbb),
    wherever it is set (the branding page, the platform admin): "" when it is accepted."""
    on_page = primary_problem if field == "primary_color" else secondary_problem
    return colour_problem(colour) or on_page(colour)


def font_faces(font_family: str) -> str:
    """@font-face rules for a self-hosted font; empty for the device's own fonts."""
    directory = FONT_FILES.get(font_family)
    if directory is None:
        return ""
    return "".join(
        "@font-face{"
        f'font-family:"{font_family}";font-style:normal;font-weight:{weight};font-display:swap;'
        f'src:url("{static(f"fonts/{directory}/{directory}-latin-{weight}-normal.woff2")}") format("woff2");'
        f"unicode-range:{LATIN_RANGE};"
        "}"
        for weight in FONT_WEIGHTS
    )


# What PDFs fall back to: fonts WeasyPrint finds on the server (Debian's fonts-dejavu), with
# every glyph the brand's latin subset lacks.
PDF_FALLBACK = '"DejaVu Sans", sans-serif'
PDF_FALLBACK_SERIF = '"DejaVu Serif", serif'


def pdf_font_faces(font_family: str) -> str:
    """@font-face rules for a PDF: the vendored files by their file:// URLs, which the PDF
    renderer may read (apps/core/pdf.py); empty for the device's own fonts."""
    directory = FONT_FILES.get(font_family)
    if directory is None:
        return ""
    return "".join(
        "@font-face{"
        f'font-family:"{font_family}";font-style:normal;font-weight:{weight};'
        f'src:url("{font_file_url(f"{directory}/{directory}-latin-{weight}-normal.woff2")}") format("woff2");'
        "}"
        for weight in FONT_WEIGHTS
    )


def pdf_font_stack(font_family: str) -> str:
    """The organization's font first when the server has its files, then DejaVu (serif for a
    serif brand: Georgia is no server's font)."""
    if font_family in FONT_FILES:
        return f'"{font_family}", {PDF_FALLBACK}'
    return PDF_FALLBACK_SERIF if font_family == "Georgia" else PDF_FALLBACK


@dataclass(frozen=True, eq=False)
class Theme:
    primary: str
    secondary: str
    on_primary: str
    on_secondary: str
    font_stack: str
    font_faces: str = ""
    primary_ink: str = DEFAULT_PRIMARY

    @cached_property
    def css(self) -> str:
        # Values are validated #RRGGBB colours and fonts from a fixed list, so nothing a user
        # typed can break out of the declaration.
        return self.font_faces + (
            ":root{"
            f"--sl-primary:{self.primary};--sl-on-primary:{self.on_primary};--sl-primary-ink:{self.primary_ink};"
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
        font_faces=font_faces(font_family),
        primary_ink=ink_on_page(primary),
    )


def for_organization(organization) -> Theme:
    if organization is None:
        return build(DEFAULT_PRIMARY, DEFAULT_SECONDARY, "System")
    return build(organization.primary_color, organization.secondary_color, organization.font_family)
