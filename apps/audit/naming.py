"""Names of the records an entry points at (a location, a person, a client), for a whole page
at once, and masked for a reader who may not see them.

Audit sits below the apps whose records it names, so it imports none of them: an app that
knows better than a model-level permission who may see its records (the clients app: a care
team sees its own clients) provides `apps/<app>/audit_hooks.py` with

    NAMES = {"app.model": names(user, pks) -> {pk: name}}      # only the pks the reader may see
    HISTORY_READERS = {"app.model": may_read(user, obj) -> bool}  # beyond audit.view_logentry
    HISTORY_TABS = {"app.model": "app:url_name"}  # the record's own page shows its history
    VALUES = {("app.model", "field"): words(value) -> value}  # codes in a logged value, in words
    STORED_NAMES = {"app.model": name(object_repr) -> str}  # a deleted record's stored name, read
    EXPANDED = {("app.model", "field"): rows(before, after, cache) -> [(label, before, after)] | None}
        # a field that holds many settings (a JSON object), one line per setting that changed;
        # `cache` is the page's (one dict per page or export); None shows the value as logged

Other records are named for readers holding the model's view permission.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.accounts.permissions import can
from apps.audit import registry
from apps.core.discovery import app_modules

_hooks: dict[str, dict[Any, Any]] = {}


def hooks() -> dict[str, dict[Any, Any]]:
    if not _hooks:
        found: dict[str, dict] = {"names": {}, "readers": {}, "tabs": {}, "values": {}, "stored": {}, "expanded": {}}
        for _label, module in app_modules("audit_hooks"):
            found["names"].update(getattr(module, "NAMES", {}))
            found["values"].update(getattr(module, "VALUES", {}))
            found["stored"].update(getattr(module, "STORED_NAMES", {}))
            found["expanded"].update(getattr(module, "EXPANDED", {}))
            found["readers"].update(getattr(module, "HISTORY_READERS", {}))
            found["tabs"].update(getattr(module, "HISTORY_TABS", {}))
        _hooks.update(found)
    return _hooks


def label_of(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def kind_name(model) -> str:
    return str(registry.KIND_NAMES.get(label_of(model), model._meta.verbose_name))


def may_see_kind(user, model) -> bool:
    """May the reader see every record of this kind (named by a model-level view permission)?"""
    label = label_of(model)
    if label in registry.PUBLIC_NAMES:
        return True
    return can(user, registry.VIEW_PERMISSIONS.get(label, f"{model._meta.app_label}.view_{model._meta.model_name}"))


def may_read_history(user, label: str, obj) -> bool:
    """The log's readers see every record's history; an app may let others read its records'
    (a program manager, their clients')."""
    if can(user, "audit.view_logentry"):
        return True
    reader = hooks()["readers"].get(label)
    return obj is not None and reader is not None and bool(reader(user, obj))


def history_tab(label: str) -> str | None:
    """The URL name of the record's own History tab, where its app has one (it takes the pk)."""
    return hooks()["tabs"].get(label)


def value_hook(model, name: str) -> Callable | None:
    """How an app words the codes in a field's logged values (a goal's status), if it does."""
    return hooks()["values"].get((label_of(model), name))


def expanded(model, name: str) -> Callable | None:
    """How an app splits a field's logged values into lines of their own, if it does."""
    return hooks()["expanded"].get((label_of(model), name))


def has_expanded(model) -> bool:
    """Does an app split any of this kind's fields into lines?"""
    label = label_of(model)
    return any(kind == label for kind, _name in hooks()["expanded"])


def stored_name(model, object_repr: str) -> str:
    """A record's name as its entry stored it, reworded by its app where the stored form is
    machinery (a care-team row's "client | person | permission")."""
    hook = hooks()["stored"].get(label_of(model))
    return hook(object_repr) if hook is not None and object_repr else object_repr


def has_reader_hook(label: str) -> bool:
    return label in hooks()["readers"]


def hidden(model) -> str:
    kind = kind_name(model)
    # English picks its article by sound; other languages translate both the same way.
    if kind[:1].lower() in "aeiou":
        return _("an %(kind)s (hidden)") % {"kind": kind}
    return _("a %(kind)s (hidden)") % {"kind": kind}


def _valid(model, pks: Iterable[str]) -> list:
    found = []
    for pk in pks:
        try:
            found.append(model._meta.pk.to_python(pk))
        except (ValidationError, ValueError, TypeError):
            continue
    return found


def names(user, wanted: dict[Any, set[str]]) -> dict[tuple[Any, str], str]:
    """{(model, pk): name} for the records in `wanted` the reader may see; one query per kind."""
    resolved: dict[tuple[Any, str], str] = {}
    for model, pks in wanted.items():
        pks = {str(pk) for pk in pks if pk not in (None, "", "None")}
        if not pks:
            continue
        hook = hooks()["names"].get(label_of(model))
        if hook is not None:
            found = hook(user, _valid(model, pks))
        elif may_see_kind(user, model):
            # select_related(): names such as a visit's ("Dana Okafor · Dec 5, 2026 4:21 PM") read
            # the records they point at, in this one query rather than one per name.
            objects = model._default_manager.filter(pk__in=_valid(model, pks)).select_related()
            found = {obj.pk: _name(obj) for obj in objects}
        else:
            found = {}
        resolved.update({(model, str(pk)): name for pk, name in found.items()})
    return resolved


def _name(obj) -> str:
    # A permission's str() is "app | model | name"; its name alone reads.
    return obj.name if label_of(type(obj)) == "auth.permission" else str(obj)


def subjects_visible(user, wanted: dict[type, set[str]], *, named: dict | None = None) -> dict[type, set[str] | None]:
    """For each kind, which of the entries' records the reader may see: None for all of them
    (no query; records since deleted included), else the set of pks (one query for a kind an
    app decides record by record, such as a care team's clients; none when `named`, the
    result of names() for these records, already holds it)."""
    visible: dict[type, set[str] | None] = {}
    for model, pks in wanted.items():
        hook = hooks()["names"].get(label_of(model))
        if may_see_kind(user, model):
            visible[model] = None
        elif hook is not None and named is not None:
            visible[model] = {pk for kind, pk in named if kind is model and pk in {str(p) for p in pks}}
        elif hook is not None:
            visible[model] = {str(pk) for pk in hook(user, _valid(model, pks))}
        else:
            visible[model] = set()
    return visible


def hidden_kinds(user, kinds: Iterable[tuple[int, Any]]) -> dict[int, str]:
    """{content type id: "a client (hidden)"} for the kinds whose records the reader may not all
    see, for exports that stream more entries than a page can name one by one: a kind the
    reader sees only record by record (a care team's clients) is masked whole there."""
    return {type_id: hidden(model) for type_id, model in kinds if not may_see_kind(user, model)}
