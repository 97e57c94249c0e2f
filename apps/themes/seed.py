"""Demo themes: two named themes per organization, both inactive, so the demo brand (the
organization's own colours from seed_demo) stays what people see until someone previews and
activates one. Written through the service, so they pass the same checks (known variables,
contrast, the CSS sanitiser) as a theme an admin types. Skipped when the organization already
has themes: seeding again changes nothing, and a theme deleted on purpose is not brought back."""

from __future__ import annotations

from typing import Any

from apps.themes import services
from apps.themes.models import CustomTheme

DEMO_THEMES: list[dict[str, Any]] = [
    {
        "theme_name": "Evergreen",
        "css_variables": {
            "--sl-primary": "#115e59",
            "--sl-secondary": "#475569",
            "--sl-bg": "#f4f7f5",
            "--sl-border": "#c7d2cc",
            "--sl-radius": "12px",
        },
        "custom_css": ".card{border-color:#c7d2cc}\nh1{letter-spacing:-0.01em}",
    },
    {
        "theme_name": "High contrast",
        "css_variables": {
            "--sl-primary": "#000000",
            "--sl-primary-ink": "#1d4ed8",
            "--sl-text": "#000000",
            "--sl-muted": "#1f2937",
            "--sl-bg": "#ffffff",
            "--sl-surface": "#ffffff",
            "--sl-border": "#000000",
            "--sl-focus": "#c2410c",
        },
        "custom_css": "a{text-decoration-thickness:2px}\n.card{border-width:2px}",
    },
]


def seed(organization, *, stdout) -> None:
    if CustomTheme.objects.exists():
        stdout.write("  themes: already there\n")
        return
    for spec in DEMO_THEMES:
        services.theme_create(**spec)
    stdout.write(f"  themes: {len(DEMO_THEMES)} inactive demo themes\n")
