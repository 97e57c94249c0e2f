"""Lists that name their rows' clients read none of the clients' encrypted columns (SSN,
diagnoses, allergies, diet): each value costs some 20-50 µs to decrypt, and a page of rows
shows none of them (issue 25 §8)."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.billing import claim_selectors, lists
from apps.clients import selectors as client_selectors
from apps.documentation import selectors as documentation_selectors
from apps.scheduling import selectors as scheduling_selectors
from conftest import person

ENCRYPTED = ("ssn_encrypted", "primary_diagnosis", "secondary_diagnoses", "allergies", "dietary_restrictions")


@pytest.mark.parametrize(
    "listing",
    [
        lambda org: claim_selectors.claim_list(claim_selectors.Filters()),
        lambda org: lists.billable_list(lists.BillableFilters()),
        lambda org: lists.authorization_list(lists.AuthorizationFilters(), today=dt.date(2027, 1, 1)),
        lambda org: client_selectors.client_list(person(org, "admin")),
        lambda org: client_selectors.plans_due_for_review(),
        lambda org: scheduling_selectors.open_shifts(),
        lambda org: documentation_selectors.notes_due(),
    ],
    ids=["claims", "billable services", "authorizations", "clients", "plans due", "open shifts", "notes due"],
)
def test_a_list_naming_clients_selects_none_of_their_encrypted_columns(org_a, listing):
    with org_a:
        sql = str(listing(org_a).query)
    assert "clients_client" in sql
    assert not [column for column in ENCRYPTED if column in sql]
