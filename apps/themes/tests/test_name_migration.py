"""The migration that makes names unique keeps every theme saved before: repeated names (in
any capitals) get a number, the oldest keeps its name."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection

from apps.themes.models import CustomTheme

pytestmark = pytest.mark.django_db

migration = importlib.import_module("apps.themes.migrations.0002_customtheme_name_unique_ci")


def test_repeated_names_are_numbered_and_no_theme_is_lost(org_a):
    constraint = next(c for c in CustomTheme._meta.constraints if c.name == "customtheme_name_unique_ci")
    with org_a:
        # As before the migration: the index not there yet (the test's transaction restores it).
        with connection.schema_editor() as editor:
            editor.remove_constraint(CustomTheme, constraint)
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        for minutes, name in enumerate(["Dusk", "dusk", "DUSK", "Dusk (2)", "Other"]):
            theme = CustomTheme.objects.create(theme_name=name)
            CustomTheme.objects.filter(pk=theme.pk).update(created_at=start + dt.timedelta(minutes=minutes))
        migration.rename_repeated_names(apps, None)
        names = list(CustomTheme.objects.order_by("created_at").values_list("theme_name", flat=True))
        with connection.schema_editor() as editor:
            editor.add_constraint(CustomTheme, constraint)
    assert names == ["Dusk", "dusk (2)", "DUSK (3)", "Dusk (2) (2)", "Other"]
