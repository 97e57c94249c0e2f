"""The change log names the theme's fields as people write them."""

from __future__ import annotations

import pytest
from django.utils import translation

from apps.audit.selectors import _field_label
from apps.themes.models import CustomTheme


@pytest.mark.parametrize(("language", "label"), [("en", "Custom CSS"), ("es", "CSS personalizado")])
def test_the_custom_css_field_keeps_its_capitals_in_the_change_log(language, label):
    with translation.override(language):
        assert _field_label(CustomTheme, "custom_css", {})[0] == label


def test_a_lower_case_label_gets_its_first_letter_capitalised():
    with translation.override("en"):
        assert _field_label(CustomTheme, "theme_name", {})[0] == "Name"
