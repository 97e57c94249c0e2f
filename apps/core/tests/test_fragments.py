"""Table versions (a trigger per watched table) and the fragment cache built on them."""

import pytest
from django.db import connection, transaction
from django.test import RequestFactory

from apps.clients import services
from apps.clients.models import Client, ClientLocation
from apps.clients.tests.conftest import make_client, resave
from apps.core import fragments, shell
from apps.core.versions import table_versions
from conftest import person, signed_in


@pytest.fixture(autouse=True)
def _empty_cache():
    fragments.clear()
    yield
    fragments.clear()


def test_every_kind_of_write_changes_a_watched_tables_version(org_a):
    with org_a:
        (start,) = table_versions("clients_clientlocation")
        location = ClientLocation.objects.create(name="Oak House")
        (inserted,) = table_versions("clients_clientlocation")
        ClientLocation.objects.filter(pk=location.pk).update(name="Oak Cottage")
        (updated,) = table_versions("clients_clientlocation")
        with connection.cursor() as cursor:  # written behind the application's back
            cursor.execute("DELETE FROM clients_clientlocation WHERE id = %s", [location.pk])
        (deleted,) = table_versions("clients_clientlocation")
    assert start < inserted < updated < deleted


def test_a_version_taken_by_a_rolled_back_change_is_never_handed_out_again(org_a):
    with org_a:
        with pytest.raises(RuntimeError), transaction.atomic():
            ClientLocation.objects.create(name="Never saved")
            (abandoned,) = table_versions("clients_clientlocation")
            raise RuntimeError
        (after_rollback,) = table_versions("clients_clientlocation")
        ClientLocation.objects.create(name="Saved")
        (next_change,) = table_versions("clients_clientlocation")
    assert after_rollback < abandoned < next_change


def test_a_fragment_is_reused_until_one_of_its_tables_changes(org_a):
    renders = []

    def render():
        renders.append(1)
        return f"<p>{Client.objects.count()}</p>"

    with org_a:
        first = fragments.cached(("test",), tables=("clients_client",), render=render)
        again = fragments.cached(("test",), tables=("clients_client",), render=render)
        assert (first, again, len(renders)) == ("<p>0</p>", "<p>0</p>", 1)
        make_client(org_a)
        assert fragments.cached(("test",), tables=("clients_client",), render=render) == "<p>1</p>"
        assert fragments.cached(("other key",), tables=("clients_client",), render=render) == "<p>1</p>"
    assert len(renders) == 3


def test_with_the_cache_off_every_request_renders(org_a, settings):
    """FRAGMENT_CACHE=off: the bench's cold figures measure the pages as if nothing were kept."""
    settings.FRAGMENT_CACHE = False
    renders = []

    def render():
        renders.append(1)
        return "<p>fresh</p>"

    with org_a:
        for _ in range(3):
            assert fragments.cached(("test",), tables=("clients_client",), render=render) == "<p>fresh</p>"
    assert len(renders) == 3


def test_fragments_of_two_organizations_never_mix(org_a, org_b):
    make_client(org_a, last_name="Alpha")
    with org_a:
        a = fragments.cached(("names",), tables=("clients_client",), render=lambda: str(Client.objects.count()))
    with org_b:
        b = fragments.cached(("names",), tables=("clients_client",), render=lambda: str(Client.objects.count()))
    assert (a, b) == ("1", "0")


def test_the_cache_gives_up_its_oldest_entries_past_its_size(org_a, monkeypatch):
    monkeypatch.setattr(fragments, "MAX_CHARS", 25)
    with org_a:
        for key in ("a", "b", "c"):
            fragments.cached((key,), tables=("clients_client",), render=lambda: "x" * 10)
        kept = [key[1][0] for key in fragments._entries]
    assert kept == ["b", "c"]


def _overview(client, renders: list, *, may_change: bool = False):
    """A client's overview context that counts how often it is asked for (once per render)."""

    def context():
        renders.append(1)
        flags = {"may_change": may_change, "may_reveal": False, "may_manage_team": False, "may_see_history": False}
        return {"client": client, "tab": "overview", "team": [], **flags}

    return context


def test_a_cached_form_gets_each_requests_own_csrf_token(org_a):
    renders = []
    context = _overview(make_client(org_a), renders, may_change=True)
    factory = RequestFactory()
    first, second = factory.get("/"), factory.get("/")
    with org_a:
        one, two = (
            fragments.cached_template(
                request, "clients/partials/_overview.html", key=(), tables=("clients_client",), context=context
            )
            for request in (first, second)
        )
    assert len(renders) == 1
    assert first.META["CSRF_COOKIE"] != second.META["CSRF_COOKIE"]
    assert 'name="csrfmiddlewaretoken"' in one and shell.CSRF not in one + two and one != two


def test_the_client_list_shows_a_change_at_once_and_each_person_their_own_clients(org_a):
    maria = make_client(org_a, first_name="Maria", last_name="Lopez")
    make_client(org_a, first_name="Ana", last_name="Silva")
    admin, dsp = signed_in(org_a, "admin"), signed_in(org_a, "dsp")
    assert "Silva" in admin.get("/clients/").content.decode()
    with org_a:
        services.care_team_add(client=maria, user=person(org_a, "dsp"))
    mine = dsp.get("/clients/").content.decode()
    assert "Lopez" in mine and "Silva" not in mine
    with org_a:
        maria.last_name = "Lopez-Garcia"
        resave(maria, actor=person(org_a, "admin"), organization=org_a)
    assert "Lopez-Garcia" in admin.get("/clients/").content.decode()
    assert "Lopez-Garcia" in dsp.get("/clients/").content.decode()


def test_a_fragment_is_kept_per_time_zone(org_a):
    import zoneinfo

    from django.utils import timezone

    renders = []
    context = _overview(make_client(org_a), renders)
    request = RequestFactory().get("/")
    with org_a:
        for zone in ("UTC", "America/Chicago", "UTC"):
            with timezone.override(zoneinfo.ZoneInfo(zone)):
                fragments.cached_template(
                    request, "clients/partials/_overview.html", key=(), tables=("clients_client",), context=context
                )
    assert len(renders) == 2
