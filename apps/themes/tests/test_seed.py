"""The demo data gives each organization named themes, inactive (the demo brand stays), that
pass the same checks as a typed theme; seeding again adds nothing."""

from __future__ import annotations

import io

import pytest

from apps.themes import sanitizer, seed, variables
from apps.themes.models import CustomTheme

pytestmark = pytest.mark.django_db


def test_the_demo_themes_are_there_inactive_and_kept_whole_by_the_checks(org_a):
    with org_a:
        seed.seed(org_a, stdout=io.StringIO())
        themes = {theme.theme_name: theme for theme in CustomTheme.objects.all()}
    assert set(themes) == {spec["theme_name"] for spec in seed.DEMO_THEMES}
    assert not any(theme.is_active for theme in themes.values())
    for spec in seed.DEMO_THEMES:
        stored = themes[spec["theme_name"]]
        # The checks took nothing away: what the demo wrote is what is served.
        assert stored.css_variables == variables.validate_variables(spec["css_variables"]) == spec["css_variables"]
        assert stored.custom_css == sanitizer.sanitize(spec["custom_css"]) == spec["custom_css"]


def test_seeding_again_changes_nothing(org_a):
    with org_a:
        seed.seed(org_a, stdout=io.StringIO())
        before = set(CustomTheme.objects.values_list("pk", "theme_name", "updated_at"))
        out = io.StringIO()
        seed.seed(org_a, stdout=out)
        assert set(CustomTheme.objects.values_list("pk", "theme_name", "updated_at")) == before
    assert "already there" in out.getvalue()


def test_an_organization_that_has_themes_gets_no_demo_ones(org_a):
    from apps.themes.tests.support import make_theme

    make_theme(org_a, "Our own")
    with org_a:
        seed.seed(org_a, stdout=io.StringIO())
        assert list(CustomTheme.objects.values_list("theme_name", flat=True)) == ["Our own"]
