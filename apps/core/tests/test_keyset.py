"""Keyset pages walk a list in its order, ascending or descending, ties broken by the second
column, and read an edited cursor as the first page."""

import pytest

from apps.billing.models import Payer
from apps.core import keyset


@pytest.fixture
def payers(org_a):
    with org_a:
        # Two names twice: the second column must break the ties.
        for name in ["Alder", "Birch", "Birch", "Cedar", "Cedar", "Dogwood", "Elm"]:
            Payer.objects.create(name=name)
        yield Payer.objects.all()


@pytest.mark.parametrize("order", [("name", "id"), ("-name", "-id"), ("-name", "id")])
def test_pages_walk_every_row_once_in_order(payers, order):
    seen, cursor = [], ""
    while True:
        rows, cursor = keyset.page(payers, cursor, order=order, size=3)
        seen += rows
        if not cursor:
            break
    assert seen == list(payers.order_by(*order))


@pytest.mark.parametrize("cursor", ["not-a-cursor", "WyJ4Il0", "WyJhIiwgIm5vdC1hLXV1aWQiXQ"])
def test_a_cursor_that_is_not_ours_reads_as_the_first_page(payers, cursor):
    assert keyset.page(payers, cursor, order=("name", "id"), size=3)[0] == list(payers.order_by("name", "id")[:3])
