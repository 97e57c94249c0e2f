"""A "next" address that is not a path ("?next=x", a date, a bare word) is ignored: redirect()
took it for a view's name and answered 500 (NoReverseMatch), on a GET of the sign-in page as
much as after signing in or entering the second factor."""

import pytest

from conftest import TEST_PASSWORD, signed_in

NOT_PATHS = ["x", "0000-00-00", "home-page", "accounts:profile"]


@pytest.mark.parametrize("target", NOT_PATHS)
def test_signing_in_with_a_next_that_is_no_path_lands_home(client_a, target):
    response = client_a.post(
        "/accounts/sign-in/", {"email": "dsp@alpha.test", "password": TEST_PASSWORD, "next": target}
    )
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("target", NOT_PATHS)
def test_the_sign_in_page_sends_a_signed_in_person_home_whatever_the_next(org_a, target):
    response = signed_in(org_a, "dsp").get("/accounts/sign-in/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_next_that_is_a_path_is_still_followed(org_a):
    response = signed_in(org_a, "dsp").get("/accounts/sign-in/", {"next": "/accounts/profile/"})
    assert response["Location"] == "/accounts/profile/"
