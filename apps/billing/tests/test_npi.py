"""NPIs: ten digits whose last is the Luhn check digit of 80840 followed by the first nine."""

import pytest

from apps.billing.identity import npi_is_valid


@pytest.mark.parametrize(
    "npi",
    [
        "1234567893",  # CMS's own example
        "1245319599",
        "1003000126",
        "1497758544",
        "1598765430",
    ],
)
def test_a_valid_npi_is_accepted(npi):
    assert npi_is_valid(npi)


@pytest.mark.parametrize(
    "npi",
    [
        "1234567890",  # wrong check digit
        "1234567894",
        "1234567892",
        "2234567893",  # one digit changed before it
        "1234567839",  # two digits swapped
        "123456789",  # nine digits
        "12345678930",  # eleven digits
        "12345 6789",
        "123456789X",
        "",
        None,
    ],
)
def test_an_invalid_npi_is_refused(npi):
    assert not npi_is_valid(npi)
