"""Home page panel of the accounts app (registered in AccountsConfig.ready): invitations not
yet accepted, for the people who run the organization's account."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core import home


def pending_invitations(request) -> dict:
    rows = (
        User.objects.filter(status=User.Status.PENDING)
        .select_related("role")
        .only("pk", "email", "first_name", "last_name", "created_at", "role__name", "role__is_system_role")
        .order_by("created_at", "pk")
    )
    return {
        **home.rows_and_more(rows),
        "more_url": reverse("accounts:people") + "?" + urlencode({"status": User.Status.PENDING}),
    }


PANELS = [
    home.Panel(
        key="pending_invitations",
        title=_("Invitations not yet accepted"),
        template="accounts/partials/_home_pending_invitations.html",
        # Running the organization's account (the administration site) as well as inviting:
        # HR invites too, and finds its invitations on the People page.
        permissions=("accounts.invite_user", "accounts.access_admin"),
        order=20,
        context=pending_invitations,
    ),
]
