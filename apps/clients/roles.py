"""Default client permissions for the system roles (see apps/accounts/roles.py).

Managers and admins see every client; schedulers and billing read every client (they plan
and bill for all of them). Direct support staff and nurses hold no client permission here:
they see the clients whose care team they are on (object permissions given on the client
page), which is the point of the care team.
"""

from apps.accounts import roles

DEFAULT_PERMISSIONS = {
    roles.PROGRAM_MANAGER: [
        "clients.view_client",
        "clients.add_client",
        "clients.change_client",
        "clients.manage_care_team",
        "clients.import_clients",
        "clients.*_clientcontact",
        "clients.view_clientlocation",
        "clients.*_careplan",
        "clients.approve_careplan",
    ],
    roles.SCHEDULER: ["clients.view_client", "clients.view_clientlocation"],
    roles.BILLING: ["clients.view_client"],
}
