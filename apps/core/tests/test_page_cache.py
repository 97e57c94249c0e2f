from django.contrib.auth import get_user_model

from apps.tenants import services
from conftest import Renders


def test_anonymous_visitors_get_the_page_from_memory_after_the_first_render(client_a):
    with Renders("tenants/home.html") as renders:
        first = client_a.get("/").content
        second = client_a.get("/").content
    assert renders.count == 1
    assert first == second


def test_each_language_and_organization_has_its_own_copy(client_a, client_b):
    english = client_a.get("/").content.decode()
    client_a.cookies["django_language"] = "es"
    spanish = client_a.get("/").content.decode()
    assert "Welcome to" in english and "Bienvenido" in spanish
    assert "Alpha" in english and "Beta" in client_b.get("/").content.decode()


def test_a_change_to_the_organization_shows_at_once(org_a, client_a):
    client_a.get("/")
    services.organization_update(organization=org_a, name="Alpha Renamed")
    assert "Alpha Renamed" in client_a.get("/").content.decode()


def test_a_signed_in_user_always_gets_a_fresh_render(org_a, client_a):
    with org_a:
        user = get_user_model().objects.create_user(email="someone@alpha.test", first_name="Sam")
    client_a.get("/")
    client_a.force_login(user)
    # Signed in, the home is the person's day (tenants/today.html), never the cached welcome.
    with Renders("tenants/today.html") as renders:
        html = client_a.get("/").content.decode()
    assert renders.count == 1
    assert "Welcome back, Sam" in html


def test_a_visitor_with_messages_or_a_session_never_gets_or_leaves_a_cached_copy(client_a, org_a):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    from conftest import host_client

    # Visitor A carries a flash message in the messages cookie.
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.INFO, "Only for visitor A")
    response = host_client(org_a.primary_host).get("/")
    storage._store([m for m in storage._queued_messages], response)
    visitor_a = host_client(org_a.primary_host)
    visitor_a.cookies["messages"] = response.cookies["messages"].value
    assert "Only for visitor A" in visitor_a.get("/").content.decode()

    # Visitor B, anonymous and cookieless, must not see it.
    assert "Only for visitor A" not in host_client(org_a.primary_host).get("/").content.decode()
