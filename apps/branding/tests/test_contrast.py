"""The WCAG 2.1 contrast arithmetic the branding page decides with, against known pairs
(the WCAG definition and WebAIM's contrast checker)."""

import pytest

from apps.tenants import theme
from apps.tenants.theme import colour_problem, primary_problem


@pytest.mark.parametrize(
    ("foreground", "background", "expected"),
    [
        ("#ffffff", "#000000", 21.0),
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#777777", "#ffffff", 4.48),  # the classic "almost AA" grey
        ("#767676", "#ffffff", 4.54),  # WebAIM: the lightest grey that passes on white
        ("#595959", "#ffffff", 7.0),  # WebAIM: AAA on white
        ("#0000ff", "#ffffff", 8.59),  # WebAIM's default example
        ("#ff0000", "#ffffff", 4.0),
        ("#2563eb", "#ffffff", 5.17),
    ],
)
def test_the_contrast_ratio_matches_known_pairs(foreground, background, expected):
    assert theme.contrast_ratio(foreground, background) == pytest.approx(expected, abs=0.01)


def test_the_readable_text_colour_is_white_on_dark_and_near_black_on_light():
    assert theme.readable_on("#1d4ed8") == theme.WHITE
    assert theme.readable_on("#fde047") == theme.NEAR_BLACK
    assert theme.best_text_contrast("#fde047") == pytest.approx(theme.contrast_ratio("#fde047", theme.NEAR_BLACK))


@pytest.mark.parametrize("colour", ["#1d4ed8", "#7c3aed", "#b45309", "#fde047", "#000000", "#ffffff", "#64748b"])
def test_a_colour_some_text_reads_on_is_accepted(colour):
    assert colour_problem(colour) == ""


@pytest.mark.parametrize(
    ("colour", "shown"),
    # The better of white and near-black on each, floored: 4.478 is not a passing 4.48 → 4.5.
    [("#777777", "4.47:1"), ("#808080", "4.49:1"), ("#ff0000", "4.43:1")],
)
def test_a_colour_no_text_reads_on_is_refused_with_its_ratio(colour, shown):
    problem = colour_problem(colour)
    assert shown in problem and "4.5:1" in problem and colour in problem


@pytest.mark.parametrize("colour", ["#fde047", "#ffffff", "#93c5fd", "#64748b", "#2563eb", "#000000", "#f97316"])
def test_the_brand_colour_as_text_on_the_page_always_reads(colour):
    ink = theme.ink_on_page(colour)
    assert theme.contrast_ratio(ink, theme.PAGE_BACKGROUND) >= 4.5
    if theme.contrast_ratio(colour, theme.PAGE_BACKGROUND) >= 4.5:
        assert ink == colour  # readable already: the brand colour itself


def test_a_light_brand_colour_is_darkened_in_its_own_hue():
    ink = theme.ink_on_page("#fde047")
    r, g, b = (int(ink[i : i + 2], 16) for i in (1, 3, 5))
    assert ink != "#fde047" and r > g > b  # still a yellow, only darker


@pytest.mark.parametrize("colour", ["#1d4ed8", "#15803d", "#0f766e", "#2563eb", "#d97706", "#000000"])
def test_the_demo_and_bench_primary_colours_stand_out_on_the_page(colour):
    assert primary_problem(colour) == "" and colour_problem(colour) == ""


@pytest.mark.parametrize(("colour", "shown"), [("#ffffff", "1.00:1"), ("#fde047", "1.31:1"), ("#ca8a04", "2.93:1")])
def test_a_primary_colour_below_3_to_1_on_white_is_refused_with_its_ratio(colour, shown):
    problem = primary_problem(colour)
    assert shown in problem and "3:1" in problem and colour in problem


@pytest.mark.parametrize(("colour", "shown"), [("#ffffff", "1.00:1"), ("#fde047", "1.31:1")])
def test_a_secondary_colour_below_3_to_1_on_white_is_refused_with_its_ratio(colour, shown):
    problem = theme.brand_colour_problem("secondary_color", colour)
    assert shown in problem and "3:1" in problem and colour in problem


@pytest.mark.parametrize("colour", ["#0f766e", "#334155", "#64748b", "#475569"])
def test_the_demo_and_bench_secondary_colours_pass(colour):
    assert theme.brand_colour_problem("secondary_color", colour) == ""
