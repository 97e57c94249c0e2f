"""The administrators' home: invitations not yet accepted (and nothing of the kind for HR,
who invites from the People page, or anyone else)."""

from apps.accounts.models import User
from conftest import signed_in


def test_an_admin_sees_pending_invitations_only(org_a):
    with org_a:
        pending = User.objects.create(email="new.hire@example.org", status=User.Status.PENDING)
        User.objects.create(email="already.in@example.org", status=User.Status.ACTIVE)
    response = signed_in(org_a, "admin").get("/")
    (panel,) = [p for p in response.context["panels"] if p["key"] == "pending_invitations"]
    assert panel["context"]["rows"] == [pending]
    html = response.content.decode()
    assert "new.hire@example.org" in html and "already.in@example.org" not in html


def test_roles_without_the_administration_site_have_no_invitations_panel(org_a):
    for role in ("hr", "manager", "auditor", "dsp"):
        keys = [p["key"] for p in signed_in(org_a, role).get("/").context["panels"]]
        assert "pending_invitations" not in keys, role
