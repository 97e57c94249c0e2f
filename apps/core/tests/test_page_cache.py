from django.contrib.auth import get_user_model
from django.test.signals import template_rendered

from apps.tenants import services


class Renders:
    def __init__(self):
        self.count = 0

    def __enter__(self):
        template_rendered.connect(self._seen)
        return self

    def __exit__(self, *exc):
        template_rendered.disconnect(self._seen)

    def _seen(self, sender, template, **kwargs):
        if template.name == "tenants/home.html":
            self.count += 1


def test_anonymous_visitors_get_the_page_from_memory_after_the_first_render(client_a):
    with Renders() as renders:
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
    with Renders() as renders:
        html = client_a.get("/").content.decode()
    assert renders.count == 1
    assert "Welcome back, Sam" in html
