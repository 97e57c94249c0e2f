"""Theme variables: known names only, colours and bounded lengths, a message per bad entry."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.tenants import theme
from apps.themes.variables import VARIABLES, brand_variables, declarations, validate_variables


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("--sl-primary", "#0f766e"),
        ("--sl-secondary", "#FFF"),
        ("--sl-text", "rgb(17, 24, 39)"),
        ("--sl-bg", "rgba(255,255,255,0.9)"),
        ("--sl-border", "hsl(210, 20%, 80%)"),
        ("--sl-radius", "12px"),
        ("--sl-radius", "0.5rem"),
        ("--sl-space", "1.25em"),
        ("--sl-max", "80rem"),
        ("--sl-max", "90%"),
        ("--sl-font", "Atkinson Hyperlegible"),
    ],
)
def test_good_values_are_kept(name, value):
    assert name in validate_variables({name: value})


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("--sl-primary", "red;}body{background:url(x)", "not a colour"),
        ("--sl-primary", "#12345", "not a colour"),
        ("--sl-primary", "rgb(300,0,0)", "not a colour"),
        ("--sl-primary", "hsl(10,150%,50%)", "not a colour"),
        ("--sl-primary", "12px", "not a colour"),
        ("--sl-radius", "#fff", "not a length"),
        ("--sl-radius", "500px", "not a length"),
        ("--sl-space", "-1rem", "not a length"),
        ("--sl-max", "1px", "not a length"),
        ("--sl-max", "calc(1px)", "not a length"),
        ("--sl-font", "Comic Sans", "not one of the fonts"),
        ("--sl-font", '"Inter"</style>', "not one of the fonts"),
        ("--evil", "#fff", "not a theme variable"),
        ("color", "#fff", "not a theme variable"),
    ],
)
def test_bad_entries_are_refused_by_name(name, value, said):
    with pytest.raises(ValidationError) as refused:
        validate_variables({name: value})
    (message,) = refused.value.messages
    assert name in message and said in message


def test_every_bad_entry_gets_its_own_message():
    with pytest.raises(ValidationError) as refused:
        validate_variables({"--sl-primary": "nope", "--sl-radius": "9000px", "--sl-secondary": "#abc", "--x": "1"})
    assert len(refused.value.messages) == 3


def test_values_must_be_text():
    with pytest.raises(ValidationError):
        validate_variables({"--sl-primary": ["#fff"]})
    with pytest.raises(ValidationError):
        validate_variables(["--sl-primary", "#fff"])


def test_fonts_are_served_as_their_stacks():
    assert declarations({"--sl-font": "Georgia", "--sl-primary": "#abc"}).startswith('--sl-font:Georgia, "Times')


def test_the_list_names_the_variables_the_stylesheets_use():
    assert {"--sl-primary", "--sl-secondary", "--sl-on-primary", "--sl-font", "--sl-radius"} <= set(VARIABLES)


def test_every_variable_the_stylesheet_declares_is_known():
    import re
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static/css/starline.css").read_text()
    root = css[css.index(":root") : css.index("}", css.index(":root"))]
    assert set(re.findall(r"(--sl-[a-z-]+)\s*:", root)) == set(VARIABLES)


# --- contrast: a theme's text must read on its backgrounds, as the brand's must -----------------


def test_a_light_primary_alone_gets_dark_text_and_darkened_links():
    cleaned = validate_variables({"--sl-primary": "#d97706"})
    declared = declarations(cleaned)
    assert "--sl-on-primary:#111827;" in declared
    ink = declared.split("--sl-primary-ink:")[1].split(";")[0]
    from apps.tenants.theme import PAGE_BACKGROUND, contrast_ratio

    assert contrast_ratio(ink, PAGE_BACKGROUND) >= 4.5


@pytest.mark.parametrize(
    ("variables", "named", "ratio"),
    [
        ({"--sl-primary": "#ffff00", "--sl-on-primary": "#ffffff"}, "--sl-on-primary on --sl-primary", "1.07"),
        ({"--sl-text": "#f8f8f8"}, "--sl-text on --sl-bg", "1.01"),
        ({"--sl-bg": "rgb(17, 24, 39)"}, "--sl-text on --sl-bg", "1.00"),
        ({"--sl-secondary": "hsl(0, 0%, 50%)", "--sl-on-secondary": "#808080"}, "--sl-on-secondary on", "1.00"),
    ],
)
def test_text_that_does_not_read_on_its_background_is_refused_with_the_ratio(variables, named, ratio):
    with pytest.raises(ValidationError) as refused:
        validate_variables(variables)
    text = " ".join(refused.value.messages)
    assert named in text and f"{ratio}:1" in text, text


def test_readable_pairs_in_every_notation_are_kept():
    kept = validate_variables(
        {"--sl-primary": "#1d4ed8", "--sl-on-primary": "rgb(255, 255, 255)", "--sl-text": "hsl(220, 40%, 10%)"}
    )
    assert kept["--sl-on-primary"] == "rgb(255, 255, 255)"


@pytest.mark.parametrize(("primary", "shown"), [("#ffffff", "1.00"), ("#ffff00", "1.07"), ("rgb(202, 138, 4)", "2.93")])
def test_a_primary_colour_that_vanishes_on_the_cards_is_refused_with_the_ratio(primary, shown):
    with pytest.raises(ValidationError) as refused:
        validate_variables({"--sl-primary": primary})
    text = " ".join(refused.value.messages)
    assert "--sl-primary on --sl-surface" in text and f"{shown}:1" in text and "3:1" in text, text


def test_a_light_primary_on_a_dark_surface_is_accepted():
    validate_variables(
        {"--sl-primary": "#fde047", "--sl-surface": "#111827", "--sl-bg": "#111827", "--sl-text": "#f8fafc"}
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("--sl-text", "rgba(17, 24, 39, 0)"),
        ("--sl-muted", "hsla(0, 0%, 30%, 50%)"),
        ("--sl-on-primary", "rgb(255,255,255,0.2)"),
    ],
)
def test_text_in_a_see_through_colour_is_refused(name, value):
    with pytest.raises(ValidationError) as refused:
        validate_variables({name: value})
    assert name in refused.value.messages[0] and "see-through" in refused.value.messages[0]


def test_an_opaque_alpha_and_a_see_through_background_are_kept():
    assert validate_variables({"--sl-text": "rgba(17, 24, 39, 1)", "--sl-bg": "rgba(255,255,255,0.9)"})


# --- the colours in effect: what a theme leaves unset is the branding's ----------------------------

BRAND = {
    "--sl-primary": "#1d4ed8",
    "--sl-on-primary": "#ffffff",
    "--sl-primary-ink": "#1d4ed8",
    "--sl-secondary": "#334155",
    "--sl-on-secondary": "#ffffff",
}


@pytest.mark.parametrize(
    ("variables", "named", "ratio"),
    [
        ({"--sl-on-primary": "#1d4ed8"}, "--sl-on-primary on --sl-primary", "1.00"),
        ({"--sl-on-secondary": "#334155"}, "--sl-on-secondary on --sl-secondary", "1.00"),
        ({"--sl-primary-ink": "#fafafa"}, "--sl-primary-ink on --sl-surface", "1.04"),
    ],
)
def test_text_set_alone_is_read_against_the_brands_colour_in_effect(variables, named, ratio):
    with pytest.raises(ValidationError) as refused:
        validate_variables(variables, BRAND)
    text = " ".join(refused.value.messages)
    assert named in text and f"{ratio}:1" in text, text


def test_a_primary_set_alone_is_read_against_the_text_it_gets():
    # Its text is derived (white or near-black, whichever reads better): a mid grey gets neither.
    with pytest.raises(ValidationError) as refused:
        validate_variables({"--sl-primary": "#777777"}, BRAND)
    text = " ".join(refused.value.messages)
    assert "--sl-on-primary on --sl-primary" in text and "4.47:1" in text, text
    assert validate_variables({"--sl-primary": "#0f766e"}, BRAND) == {"--sl-primary": "#0f766e"}


def test_a_theme_primary_is_read_against_its_own_text_not_the_brands():
    # The brand's text is white; the theme's light primary with its own dark text reads.
    assert validate_variables({"--sl-primary": "#d97706", "--sl-on-primary": "#000000"}, BRAND)


def test_the_brand_variables_are_those_the_branding_serves(org_a):
    served = theme.for_organization(org_a).css
    brand = brand_variables(org_a)
    assert brand["--sl-primary"] == org_a.primary_color and brand["--sl-secondary"] == org_a.secondary_color
    assert all(f"{name}:{value};" in served for name, value in brand.items()), (brand, served)


@pytest.mark.parametrize(
    ("variables", "named", "ratio"),
    [
        ({"--sl-muted": "#fafafa"}, "--sl-muted on --sl-surface", "1.04"),
        ({"--sl-muted": "#9ca3af"}, "--sl-muted on --sl-surface", "2.53"),
        (
            {"--sl-muted": "#6b7280", "--sl-bg": "#111827", "--sl-surface": "#111827", "--sl-text": "#f8fafc"},
            "--sl-muted on --sl-bg",
            "3.66",
        ),
    ],
)
def test_muted_text_that_does_not_read_on_the_background_in_effect_is_refused(variables, named, ratio):
    with pytest.raises(ValidationError) as refused:
        validate_variables(variables)
    text = " ".join(refused.value.messages)
    assert named in text and f"{ratio}:1" in text, text


def test_readable_muted_text_is_kept():
    assert validate_variables({"--sl-muted": "#4b5563"}) == {"--sl-muted": "#4b5563"}
    dark = {"--sl-muted": "#9ca3af", "--sl-bg": "#111827", "--sl-surface": "#111827", "--sl-text": "#f8fafc"}
    assert validate_variables(dark) == dark
