"""How the audit pages name clients and who reads a client's history (see apps/audit/naming.py).

A care team sees its own clients by object permission, which a model-level check would miss;
program managers, who manage the record, read its history without reading the whole log."""

from __future__ import annotations

from apps.accounts.permissions import can
from apps.clients import selectors


def _client_names(user, pks) -> dict:
    clients = selectors.visible_clients(user).filter(pk__in=pks)
    return {c.pk: c.display_name for c in clients.only("pk", "first_name", "last_name", "preferred_name")}


def _reads_client_history(user, client) -> bool:
    return can(user, "clients.change_client", client)


NAMES = {"clients.client": _client_names}
HISTORY_READERS = {"clients.client": _reads_client_history}
HISTORY_TABS = {"clients.client": "clients:history"}
