"""The SSN on the client form is one decision for client_save: keep, clear or set."""

import pytest

from apps.clients.forms import ClientForm
from apps.clients.tests.conftest import resave
from conftest import person

REQUIRED = {"first_name": "Maria", "last_name": "Lopez", "date_of_birth": "1990-05-17", "status": "active"}


@pytest.mark.parametrize(
    ("typed", "cleared", "decision"),
    [("", False, None), ("", True, ""), ("123456789", False, "123-45-6789"), ("123-45-6789", True, "")],
)
def test_the_form_says_keep_clear_or_set(org_a, typed, cleared, decision):
    data = REQUIRED | {"ssn": typed} | ({"clear_ssn": "on"} if cleared else {})
    with org_a:
        form = ClientForm(data=data)
        assert form.is_valid(), form.errors
    assert form.cleaned_data["ssn"] == decision
    assert "clear_ssn" not in form.cleaned_data


def test_keeping_leaves_the_ssn_on_file_and_clearing_removes_it(org_a, maria):
    with org_a:
        admin = person(org_a, "admin")
        resave(maria, actor=admin, organization=org_a, ssn=None)
        maria.refresh_from_db()
        assert (maria.ssn, maria.ssn_last4) == ("123-45-6789", "6789")
        resave(maria, actor=admin, organization=org_a, ssn="")
        maria.refresh_from_db()
        assert (maria.ssn, maria.ssn_last4) == ("", "")
