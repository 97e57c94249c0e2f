"""Reading custom themes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from apps.themes.models import CustomTheme

# Themes are a handful per organization; the list shows at most this many, the active one first.
LIST_LIMIT = 100


def themes_list() -> QuerySet[CustomTheme]:
    return CustomTheme.objects.order_by("-is_active", "theme_name", "id")[:LIST_LIMIT]


def get_theme(pk) -> CustomTheme:
    """The theme of this organization (the schema is the organization): 404 otherwise."""
    theme = CustomTheme.objects.filter(pk=pk).first()
    if theme is None:
        raise Http404
    return theme
