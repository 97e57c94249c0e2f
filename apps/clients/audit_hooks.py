"""How the audit pages name clients and who reads a client's history (see apps/audit/naming.py).

A care team sees its own clients by object permission, which a model-level check would miss;
program managers, who manage the record, read its history without reading the whole log."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.permissions import can
from apps.clients import selectors
from apps.clients.models import ClientUserObjectPermission
from apps.clients.templatetags.client_labels import goal_status_label


def _client_names(user, pks) -> dict:
    clients = selectors.visible_clients(user).filter(pk__in=pks)
    return {c.pk: c.display_name for c in clients.only("pk", "first_name", "last_name", "preferred_name")}


def _on_care_team(person, client) -> str:
    return _("%(person)s on %(client)s's care team") % {"person": person, "client": client}


def _care_team_names(user, pks) -> dict:
    # A care-team row is named by its person and client, for the clients the reader sees.
    rows = ClientUserObjectPermission.objects.filter(
        pk__in=pks, content_object__in=selectors.visible_clients(user).values("pk")
    ).select_related("user", "content_object")
    return {row.pk: _on_care_team(row.user, row.content_object) for row in rows}


def _care_team_stored(name: str) -> str:
    # guardian's str(): "client | person | permission codename".
    parts = name.split(" | ")
    return _on_care_team(parts[1], parts[0]) if len(parts) == 3 else name


def _in_words(key: str, words):
    """A structured list's codes under `key` (a goal's status) in the reader's words."""

    def convert(value):
        if not isinstance(value, list):
            return value
        return [{**item, key: words(item[key])} if isinstance(item, dict) and item.get(key) else item for item in value]

    return convert


def _reads_client_history(user, client) -> bool:
    return can(user, "clients.change_client", client)


NAMES = {"clients.client": _client_names, "clients.clientuserobjectpermission": _care_team_names}
STORED_NAMES = {"clients.clientuserobjectpermission": _care_team_stored}
VALUES = {
    ("clients.careplan", "goals"): _in_words("status", goal_status_label),
}
HISTORY_READERS = {"clients.client": _reads_client_history}
HISTORY_TABS = {"clients.client": "clients:history"}

# --- the change log (see apps/audit/registry.py) ---------------------------------------------

AUDITED: dict[str, dict] = {
    "clients.Client": {"exclude_fields": ["ssn_last4"]},
    "clients.ClientContact": {},
    "clients.ClientLocation": {"exclude_fields": ["current_occupancy"]},
    "clients.CarePlan": {},
    "clients.ClientUserObjectPermission": {},
}
# A client's History tab also shows the records that belong to the client: (model, the field
# that names the client). Their creation names the client, so records since deleted still show.
HISTORY_RELATED = {
    "clients.client": [
        ("clients.careplan", "client"),
        ("clients.clientcontact", "client"),
        # A care-team change is an object permission on the client.
        ("clients.clientuserobjectpermission", "content_object"),
    ],
}
NOT_IN_FILTER = {"clients.clientuserobjectpermission": "Care-team changes; shown on the client's history."}
KIND_NAMES = {"clients.clientuserobjectpermission": gettext_lazy("care team")}
VIEW_PERMISSIONS = {"clients.clientuserobjectpermission": "clients.view_client"}
FIELD_LABELS = {
    ("clients.clientuserobjectpermission", "content_object"): gettext_lazy("client"),
    ("clients.clientuserobjectpermission", "user"): gettext_lazy("user"),
    ("clients.clientuserobjectpermission", "permission"): gettext_lazy("access granted"),
}
# A care plan's responsible staff are people's pks: named like a foreign key's value.
LISTED_RELATIONS = {("clients.careplan", "responsible_staff"): "accounts.user"}
