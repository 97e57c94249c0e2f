"""Stored bytes that belong to an organization, by whoever stores them.

Tenants sits below the apps that store files and may not import them; each provides
`apps/<app>/moving.py` (found through apps.core.discovery) with:

    KIND: str                          names its members in the archive (blobs/<KIND>/...)
    export_blobs() -> Iterable[(name, opener)]
        in the organization's schema: each stored object, `opener()` giving its plaintext
        chunks (raising Missing when it cannot be read or is not what was stored)
    import_blobs(*, entries, open_member, schema, undo) -> None
        in the new organization's schema, after its rows are loaded: store each entry's
        bytes (`open_member(entry)` gives them, checked against the manifest) under the new
        schema, point the rows at them, and append to `undo` what removes each stored object
    stored_blobs() -> list[(remove, size)]
        in the schema: every stored object, with what removes it and its size (deletion)

The generic one here covers the models' own FileFields (profile pictures), whose names start
with the schema, in Django's default storage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection, models

from apps.core.discovery import app_modules
from apps.core.tenancy import schema_name

KIND = "fields"


class Missing(Exception):
    """A stored object that cannot be read back as it was stored."""


def providers() -> list[ModuleType]:
    import sys

    # apps.tenants.moving (this package) is found too; its part is this module.
    return [sys.modules[__name__], *(module for label, module in app_modules("moving") if label != "tenants")]


def _file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind = 'r'",
            [schema_name()],
        )
        present = {name for (name,) in cursor.fetchall()}
    for model in apps.get_models():
        if model._meta.db_table not in present or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field


def _stored(model, field) -> Iterator[tuple[Any, str]]:
    for pk, name in model._default_manager.exclude(**{field.name: ""}).values_list("pk", field.name).order_by("pk"):
        if name:
            yield pk, name


def _read(storage, name: str) -> Iterator[bytes]:
    try:
        handle = storage.open(name, "rb")
    except OSError as exc:
        raise Missing(str(exc)) from exc
    with handle:
        yield from iter(partial(handle.read, 64 * 1024), b"")


def export_blobs() -> Iterable[tuple[str, Callable[[], Iterator[bytes]]]]:
    for model, field in _file_fields():
        for pk, name in _stored(model, field):
            yield f"{model._meta.db_table}/{field.column}/{pk}", partial(_read, field.storage, name)


def import_blobs(*, entries: list[dict], open_member, schema: str, undo: list) -> None:
    by_name = {entry["name"]: entry for entry in entries}
    for model, field in _file_fields():
        for pk, name in list(_stored(model, field)):
            entry = by_name.get(f"{model._meta.db_table}/{field.column}/{pk}")
            if entry is None or entry.get("missing"):
                model._default_manager.filter(pk=pk).update(**{field.name: ""})
                continue
            # Keep the random part of the name, under the new schema.
            rest = name.split("/", 1)[1] if "/" in name else name
            saved = field.storage.save(f"{schema}/{rest}", ContentFile(b"".join(open_member(entry))))
            undo.append(partial(field.storage.delete, saved))
            model._default_manager.filter(pk=pk).update(**{field.name: saved})


def stored_blobs() -> list[tuple[Callable[[], None], int]]:
    found: list[tuple[Callable[[], None], int]] = []
    for model, field in _file_fields():
        for _pk, name in _stored(model, field):
            try:
                size = field.storage.size(name)
            except OSError:
                size = 0
            found.append((partial(field.storage.delete, name), size))
    return found
