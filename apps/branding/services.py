"""Changes to the organization's brand: logo, favicon, colours and font.

Written through apps.tenants.services.organization_update, so the organization's change is
logged and the host and page caches see it, like every other change to an organization.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from apps.tenants import images, theme, validators
from apps.tenants import services as tenant_services
from apps.tenants.models import Organization


@transaction.atomic
def branding_update(
    *,
    organization: Organization,
    primary_color: str,
    secondary_color: str,
    font_family: str,
    logo=None,
    favicon=None,
    remove_logo: bool = False,
    remove_favicon: bool = False,
) -> Organization:
    """Check everything first, then save once: a refused colour leaves the new logo unsaved
    too, and a refused image leaves the colours as they were."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    for name, value in (("primary_color", primary_color), ("secondary_color", secondary_color)):
        value = (value or "").strip().lower()
        try:
            validators.validate_hex_colour(value)
        except ValidationError as exc:
            errors[name] = exc.messages
            continue
        problem = theme.brand_colour_problem(name, value)
        if problem:
            errors[name] = [problem]
        fields[name] = value
    if font_family not in validators.FONT_STACKS:
        errors["font_family"] = [_("Choose one of the fonts in the list.")]
    fields["font_family"] = font_family
    for name, upload, remove, kind in (
        ("logo", logo, remove_logo, images.LOGO),
        ("favicon", favicon, remove_favicon, images.FAVICON),
    ):
        if upload is not None:
            try:
                fields[name] = images.process(upload, kind)
            except ValidationError as exc:
                errors[name] = exc.messages
        elif remove:
            fields[name] = ""
    if errors:
        raise ValidationError(errors)
    old_files = [
        (getattr(organization, name).storage, getattr(organization, name).name)
        for name in ("logo", "favicon")
        if name in fields and getattr(organization, name)
    ]
    # The new images go to storage under their final names before the organization is saved,
    # and the field gets that name: the change log then records the stored path on both sides
    # (an ImageField would store the file only in its pre_save, after auditlog has read the
    # uploaded file's own name, "logo.png", as the new value).
    new_files = []
    for name in ("logo", "favicon"):
        content = fields.get(name)
        if content:
            field = Organization._meta.get_field(name)
            assert isinstance(field, models.FileField)  # logo and favicon are ImageFields
            stored = field.storage.save(field.generate_filename(organization, content.name), content)
            new_files.append((field.storage, stored))
            fields[name] = stored
    try:
        tenant_services.organization_update(organization=organization, **fields)
    except BaseException:
        for storage, name in new_files:
            storage.delete(name)
        raise
    # The old images go once the new ones are committed; until then a page may still show them.
    for storage, name in old_files:
        transaction.on_commit(partial(storage.delete, name))
    return organization
