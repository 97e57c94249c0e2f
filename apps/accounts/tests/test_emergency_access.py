"""Break-glass access: a platform operator makes someone an organization's administrator when
none can act, and the audit trail says who, when, how and why."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from apps.accounts.models import AuthEvent, User
from apps.audit.models import LogEntry
from conftest import TEST_PASSWORD, host_client


def _lock(organization, email):
    client = host_client(organization.primary_host)
    for _attempt in range(5):
        client.post("/accounts/sign-in/", {"email": email, "password": "wrong password, again"})
    return client


def test_a_suspended_locked_out_colleague_becomes_an_active_unlocked_administrator(org_a):
    with org_a:
        User.objects.filter(email="hr@alpha.test").update(status=User.Status.SUSPENDED)
    client = _lock(org_a, "hr@alpha.test")
    assert client.post("/accounts/sign-in/", {"email": "hr@alpha.test", "password": TEST_PASSWORD}).status_code == 429

    call_command(
        "emergency_access", organization="alpha", email="HR@alpha.test", reason="Both admins on leave; payroll due"
    )

    with org_a:
        hr = User.objects.select_related("role").get(email="hr@alpha.test")
        assert (hr.role.name, hr.status) == ("Organization Admin", User.Status.ACTIVE)
        assert hr.has_perm("accounts.change_user")
        event = AuthEvent.objects.filter(user=hr, detail__emergency_access=True).get()
        assert event.detail["reason"] == "Both admins on leave; payroll due"
        # The change itself is in the audit log as the command's doing, not anyone's session.
        entry = LogEntry.objects.filter(object_pk=str(hr.pk), origin="command emergency_access").first()
        assert entry is not None and "manage.py emergency_access" in entry.user_agent
    response = client.post("/accounts/sign-in/", {"email": "hr@alpha.test", "password": TEST_PASSWORD})
    assert response.status_code == 302, "unlocked and active: the sign-in goes through"


def test_someone_without_an_account_is_invited_as_administrator(org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "emergency_access", organization="alpha", email="relief@alpha.test", reason="No administrator reachable"
        )
    with org_a:
        relief = User.objects.select_related("role").get(email="relief@alpha.test")
        assert (relief.role.name, relief.status) == ("Organization Admin", User.Status.PENDING)
    assert [m.to for m in mail.outbox] == [["relief@alpha.test"]]


def test_a_missing_reason_or_organization_is_refused_and_nothing_changes(org_a, org_b):
    with pytest.raises(CommandError, match="at least 10 characters"):
        call_command("emergency_access", organization="alpha", email="dsp@alpha.test", reason="because")
    with pytest.raises(CommandError, match="No organization"):
        call_command("emergency_access", organization="gamma", email="dsp@alpha.test", reason="long enough reason")
    with org_a:
        assert User.objects.get(email="dsp@alpha.test").role.name == "Direct Support Professional"
    # Another organization's person of the same name is untouched.
    call_command("emergency_access", organization="alpha", email="dsp@alpha.test", reason="A long enough reason")
    with org_b:
        assert User.objects.get(email="dsp@beta.test").role.name == "Direct Support Professional"
