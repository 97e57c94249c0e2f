"""Theme names are unique in an organization whatever their capitals: the form says so by the
name, in English and Spanish; the database refuses it too; another organization may reuse it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.themes import services
from apps.themes.models import CustomTheme
from apps.themes.tests.support import make_theme
from conftest import signed_in

pytestmark = pytest.mark.django_db


def _data(name: str) -> dict[str, str]:
    return {"theme_name": name, "css_variables": "", "custom_css": ""}


def test_a_second_theme_of_the_same_name_in_other_capitals_is_refused_by_the_name(org_a):
    make_theme(org_a, "Evergreen")
    response = signed_in(org_a, "admin").post(reverse("themes:create"), _data("  EVERGREEN "))
    assert response.status_code == 400
    assert response.context["form"].errors["theme_name"] == [
        "Another theme is already called “EVERGREEN” (names differ by more than capitals)."
    ]
    with org_a:
        assert CustomTheme.objects.count() == 1


def test_the_refusal_is_in_spanish_too(org_a):
    make_theme(org_a, "Evergreen")
    client = signed_in(org_a, "admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.post(reverse("themes:create"), _data("evergreen"))
    assert response.status_code == 400
    assert response.context["form"].errors["theme_name"] == [
        "Ya hay otro tema llamado «evergreen» (los nombres deben diferir en algo más que las mayúsculas)."
    ]


def test_renaming_onto_another_themes_name_is_refused_and_nothing_changes(org_a):
    make_theme(org_a, "Evergreen")
    dusk = make_theme(org_a, "Dusk", css=".card{margin:0}")
    response = signed_in(org_a, "admin").post(
        reverse("themes:edit", args=[dusk.pk]), {**_data("evergreen"), "custom_css": ".card{margin:1rem}"}
    )
    assert response.status_code == 400
    assert "theme_name" in response.context["form"].errors
    with org_a:
        dusk.refresh_from_db()
    assert (dusk.theme_name, dusk.custom_css) == ("Dusk", ".card{margin:0}")


def test_a_theme_keeps_its_own_name_in_other_capitals(org_a):
    theme = make_theme(org_a, "Evergreen")
    response = signed_in(org_a, "admin").post(reverse("themes:edit", args=[theme.pk]), _data("EverGreen"))
    assert response.status_code == 302
    with org_a:
        theme.refresh_from_db()
    assert theme.theme_name == "EverGreen"


def test_another_organization_may_use_the_same_name(org_a, org_b):
    make_theme(org_a, "Evergreen")
    response = signed_in(org_b, "admin").post(reverse("themes:create"), _data("Evergreen"))
    assert response.status_code == 302
    with org_b:
        assert CustomTheme.objects.filter(theme_name="Evergreen").count() == 1


def test_the_database_refuses_a_repeated_name_in_other_capitals(org_a):
    make_theme(org_a, "Evergreen")
    with org_a, pytest.raises(IntegrityError), transaction.atomic():
        CustomTheme.objects.create(theme_name="eVERGREEN")


def test_a_name_saved_by_someone_else_after_the_check_is_still_refused_by_the_name(org_a, monkeypatch):
    # Two admins saving the same new name at once: both pass the check, the index stops the
    # second, and the service turns that into the same message by the field.
    make_theme(org_a, "Evergreen")
    manager = CustomTheme.objects
    original = manager.filter
    monkeypatch.setattr(
        manager,
        "filter",
        lambda *args, **kwargs: manager.none() if "theme_name__iexact" in kwargs else original(*args, **kwargs),
    )
    with org_a, pytest.raises(ValidationError) as refused:
        services.theme_create(theme_name="evergreen", css_variables={}, custom_css="")
    assert "theme_name" in refused.value.message_dict
