"""A small X12 writer: segments of elements (and components), with the separators our files use
declared once, and data cleaned so that it can never break the file.

Separators: `*` between elements, `~` after each segment, `^` between repetitions, `:` between
components (ISA11 and ISA16 announce the last two). A value is upper-cased, letters with
accents lose them (Peña → PENA), anything outside printable ASCII and any separator becomes a
space, runs of spaces shrink to one, and it is trimmed to the element's maximum length.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

ELEMENT = "*"
SEGMENT = "~"
REPETITION = "^"
COMPONENT = ":"

_UNSAFE = re.compile(r"[^\x20-\x7e]|[*~^:]")
_SPACES = re.compile(r" {2,}")


def text(value: object, max_length: int | None = None) -> str:
    """A value fit for an element: upper case, plain ASCII, no separators, at most `max_length`."""
    raw = "" if value is None else str(value)
    if not raw.isascii():
        raw = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    cleaned = _SPACES.sub(" ", _UNSAFE.sub(" ", raw.upper())).strip()
    return cleaned[:max_length].rstrip() if max_length else cleaned


def amount(value: Decimal) -> str:
    """A decimal as X12 writes it (type R): no trailing zeros after the point, no lone point."""
    # -0 (a zero amount negated, as in a reversal) is written 0.
    quantized = f"{value + 0:.2f}" if value else "0"
    return quantized.rstrip("0").rstrip(".") if "." in quantized else quantized


def composite(*components: str) -> str:
    """Components already cleaned with `text`, joined; trailing empty ones dropped."""
    parts = list(components)
    while parts and not parts[-1]:
        parts.pop()
    return COMPONENT.join(parts)


class Writer:
    """Collects segments; `segment()` takes values already cleaned (use `text`, `amount`,
    `composite`), drops trailing empty elements as X12 requires, and counts segments for SE01."""

    def __init__(self) -> None:
        self.segments: list[str] = []

    def segment(self, tag: str, *elements: str) -> None:
        values = list(elements)
        while values and values[-1] == "":
            values.pop()
        self.segments.append(ELEMENT.join([tag, *values]))

    def __len__(self) -> int:
        return len(self.segments)

    def render(self) -> str:
        # One segment a line: the terminator is still `~`, and people can read the file.
        return "".join(f"{segment}{SEGMENT}\n" for segment in self.segments)
