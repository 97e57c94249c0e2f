"""The error pages: a database or another service that is down is a plain 503 "try again"
page; anything else a plain 500. Both rendered without touching the database."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation

from apps.core import views
from apps.core.errors import ServiceUnavailable
from starline import urls_public, urls_tenants

pytestmark = pytest.mark.django_db


def _answer(error: Exception):
    request = RequestFactory().get("/")
    try:
        raise error
    except Exception:
        return views.server_error(request)


@pytest.mark.parametrize(
    "error", [OperationalError("the connection is lost"), ServiceUnavailable("file storage is full")]
)
def test_a_service_that_is_down_is_a_503_saying_to_try_again(error, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = _answer(error)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"Temporarily unavailable" in response.content and b"the connection" not in response.content


def test_any_other_error_is_a_plain_500(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = _answer(ValueError("secret detail"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content and b"secret detail" not in response.content


def test_both_urlconfs_use_these_pages():
    assert urls_tenants.handler500 == urls_public.handler500 == "apps.core.views.server_error"


def test_the_503_of_a_page_being_read_offers_to_load_it_again_and_a_forms_does_not():
    """On a phone there is no reload button in sight: the page offers one, to the same
    address (escaped), in the reader's language; a POST's address may answer only POST."""
    request = RequestFactory().get("/clients/?q=<b>")
    try:
        raise OperationalError("the connection is lost")
    except OperationalError:
        with translation.override("es"):
            body = views.server_error(request).content.decode()
    assert '<a class="button" href="/clients/?q=%3Cb%3E">Volver a intentarlo</a>' in body
    assert "No disponible por el momento" in body
    request = RequestFactory().post("/clients/new/")
    try:
        raise OperationalError("the connection is lost")
    except OperationalError:
        body = views.server_error(request).content.decode()
    assert "Try again" not in body and "Temporarily unavailable" in body
    request = RequestFactory().get("/")
    request.path = "//elsewhere.example/"  # as a server passes on a path that starts "//"
    try:
        raise OperationalError("the connection is lost")
    except OperationalError:
        body = views.server_error(request).content.decode()
    assert 'href="/elsewhere.example/"' in body
