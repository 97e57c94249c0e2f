"""Writing custom themes. Every write drops the cached stylesheet part (apps/themes/stylesheet.py),
and the change log records it (apps/themes/audit_hooks.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from apps.themes import sanitizer, stylesheet, variables
from apps.themes.models import CustomTheme

NAME_MAX = 255


def _name_taken_message(name: str) -> str:
    return _("Another theme is already called “%(name)s” (names differ by more than capitals).") % {"name": name}


def _brand() -> dict[str, str] | None:
    """The branding colours of the organization whose schema this is (the schema is the
    organization): a theme is checked against the colours it leaves to the branding."""
    organization = getattr(connection, "tenant", None)
    if not hasattr(organization, "primary_color"):
        return None
    return variables.brand_variables(organization)


def _clean(*, theme_name: str, css_variables: Any, custom_css: str, theme: CustomTheme | None = None) -> dict[str, Any]:
    errors: dict[str, list] = {}
    name = (theme_name or "").strip()
    if not name:
        errors["theme_name"] = [_("Give the theme a name.")]
    elif len(name) > NAME_MAX:
        errors["theme_name"] = [_("Keep the name under %(limit)s characters.") % {"limit": NAME_MAX}]
    else:
        others = CustomTheme.objects.filter(theme_name__iexact=name)
        if theme is not None:
            others = others.exclude(pk=theme.pk)
        if others.exists():
            errors["theme_name"] = [_name_taken_message(name)]
    cleaned: dict[str, Any] = {"theme_name": name}
    try:
        cleaned["css_variables"] = variables.validate_variables(css_variables, _brand())
    except ValidationError as exc:
        errors["css_variables"] = exc.messages
    try:
        cleaned["custom_css"] = sanitizer.sanitize(custom_css or "")
    except ValidationError as exc:
        errors["custom_css"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _saved(theme: CustomTheme, **save: Any) -> None:
    """Save, turning the names' unique index (a name saved by someone else since the check)
    into the same message by the field."""
    try:
        with transaction.atomic():
            theme.save(**save)
    except IntegrityError as exc:
        if "customtheme_name_unique_ci" not in str(exc):
            raise
        raise ValidationError({"theme_name": [_name_taken_message(theme.theme_name)]}) from exc


@transaction.atomic
def theme_create(*, theme_name: str, css_variables: Any, custom_css: str) -> CustomTheme:
    theme = CustomTheme(**_clean(theme_name=theme_name, css_variables=css_variables, custom_css=custom_css))
    _saved(theme, force_insert=True)
    return theme


@transaction.atomic
def theme_update(*, theme: CustomTheme, theme_name: str, css_variables: Any, custom_css: str) -> CustomTheme:
    cleaned = _clean(theme_name=theme_name, css_variables=css_variables, custom_css=custom_css, theme=theme)
    for field, value in cleaned.items():
        setattr(theme, field, value)
    _saved(theme, update_fields=[*cleaned, "updated_at"])
    if theme.is_active:
        stylesheet.forget()
    return theme


@transaction.atomic
def theme_activate(*, theme: CustomTheme) -> CustomTheme:
    """Make this the organization's theme; the one active before stops being."""
    # The row lock orders two activations at once; the partial unique index is the backstop.
    for other in CustomTheme.objects.select_for_update().filter(is_active=True).exclude(pk=theme.pk):
        other.is_active = False
        other.save(update_fields=["is_active", "updated_at"])
    if not theme.is_active:
        theme.is_active = True
        try:
            with transaction.atomic():
                theme.save(update_fields=["is_active", "updated_at"])
        except IntegrityError as exc:
            theme.is_active = False
            raise ValidationError(_("Another theme was activated at the same moment; try again.")) from exc
    stylesheet.forget()
    return theme


@transaction.atomic
def theme_deactivate(*, theme: CustomTheme) -> CustomTheme:
    """Back to the branding alone."""
    if theme.is_active:
        theme.is_active = False
        theme.save(update_fields=["is_active", "updated_at"])
    stylesheet.forget()
    return theme


@transaction.atomic
def theme_delete(*, theme: CustomTheme) -> None:
    """Delete the theme; when it was the active one the organization's pages go back to the
    branding's colours and font (the stylesheet is the branding's alone again). The change log
    keeps the deleted theme's values (apps/themes/audit_hooks.py)."""
    was_active = theme.is_active
    theme.delete()
    if was_active:
        stylesheet.forget()
