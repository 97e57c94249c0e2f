"""The fonts a PDF embeds, by name, for tests that check which font a document uses."""

from __future__ import annotations

import io

from pypdf import PdfReader


def font_names(pdf: bytes) -> set[str]:
    """Each embedded font's name without its subset tag: "Lato-Regular", not "/ABCDEF+Lato-Regular"."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            base = str(ref.get_object()["/BaseFont"]).lstrip("/")
            names.add(base.split("+", 1)[-1])
    return names


def embeds(pdf: bytes, family: str) -> bool:
    """Whether a font of this family is embedded. WeasyPrint names a font after its family with
    hyphens for spaces ("Source-Sans-3-Bold"): letters and digits are compared, nothing else."""
    wanted = "".join(ch for ch in family if ch.isalnum()).lower()
    return any("".join(ch for ch in name if ch.isalnum()).lower().startswith(wanted) for name in font_names(pdf))
