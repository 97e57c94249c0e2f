"""The page shell (header, footer, whole cached pages) kept in memory: whatever it shows
changes at once, and what is personal to a request is never shared."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role, User
from apps.audit.models import LogEntry
from apps.clients import services as client_services
from apps.clients.tests.conftest import make_client
from apps.core import fragments, shell
from apps.notifications.services import notify
from conftest import person, signed_in


@pytest.fixture(autouse=True)
def _empty_cache():
    fragments.clear()
    yield
    fragments.clear()


def _header(page: str) -> str:
    found = re.search(r'<header class="site-header".*?</header>', page, re.S)
    assert found is not None
    return found.group(0)


def test_the_header_shows_a_new_notification_a_rename_and_a_language_change_at_once(org_a):
    admin = signed_in(org_a, "admin")
    first = _header(admin.get("/").content.decode())
    assert "0 unread" in first
    with org_a:
        notify(recipients=[person(org_a, "admin")], type="test", title="Hello", message="Hi")
    assert 'class="bell-count" aria-hidden="true">1<' in _header(admin.get("/").content.decode())
    with org_a:
        User.objects.filter(email="admin@alpha.test").update(first_name="Renamed")
    # The cached user row is dropped by save(); update() bypasses it, so sign in afresh.
    admin = signed_in(org_a, "admin")
    assert "<summary>Renamed</summary>" in _header(admin.get("/").content.decode())
    admin.get("/language/es/?next=/")
    assert "Cerrar sesión" in _header(admin.get("/").content.decode())


def test_the_menu_follows_the_roles_permissions_and_the_current_section(org_a):
    dsp = signed_in(org_a, "dsp")
    header = _header(dsp.get("/clients/").content.decode())
    assert 'href="/clients/" aria-current="page"' in header and 'href="/audit/"' not in header
    assert 'href="/clients/" aria-current' not in _header(dsp.get("/").content.decode())
    with org_a:
        role = person(org_a, "dsp").role
        role.group.permissions.add(*Permission.objects.filter(codename="view_logentry"))
        Role.objects.filter(pk=role.pk).update(updated_at=role.updated_at + dt.timedelta(days=366))
    dsp = signed_in(org_a, "dsp")
    assert 'href="/audit/"' in _header(dsp.get("/").content.decode())


def test_each_request_gets_its_own_working_csrf_token_from_the_cached_header(org_a):
    tokens = []
    for _ in range(2):
        client = HttpClient(HTTP_HOST=org_a.primary_host, enforce_csrf_checks=True)
        with org_a:
            client.force_login(person(org_a, "admin"))
        page = client.get("/clients/").content.decode()
        token = re.search(
            r'action="/accounts/sign-out/">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page
        ).group(1)
        assert shell.CSRF not in page
        tokens.append(token)
        assert client.post("/accounts/sign-out/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert tokens[0] != tokens[1]


def test_the_footers_language_links_return_to_each_pages_own_path(org_a):
    admin = signed_in(org_a, "admin")
    maria = make_client(org_a)
    assert "?next=/clients/" in admin.get("/clients/").content.decode()
    detail = admin.get(f"/clients/{maria.pk}/").content.decode()
    assert f"?next=/clients/{maria.pk}/" in detail and shell.PATH not in detail


def test_the_logo_url_is_worked_out_per_request(org_a, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = str(tmp_path)
    org_a.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    admin = signed_in(org_a, "admin")
    page = admin.get("/").content.decode()
    # The host's own lasting URL for it (a storage URL may be signed for a minute), versioned.
    assert f'src="{shell.logo_url(org_a)}"' in page and shell.LOGO not in page
    assert shell.logo_url(org_a).startswith("/logo.png?v=")


def test_a_repeat_visit_to_a_clients_page_reads_only_the_table_versions(one_minute, org_a):
    maria = make_client(org_a, first_name="Maria", last_name="Lopez")
    admin = signed_in(org_a, "admin")
    assert admin.get(f"/clients/{maria.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        page = admin.get(f"/clients/{maria.pk}/").content.decode()
    assert "<title>Maria Lopez" in page
    assert not [
        q for q in queries.captured_queries if "clients_client" in q["sql"] and "core_tableversion" not in q["sql"]
    ]


def test_a_cached_client_page_is_still_a_404_for_someone_outside_the_care_team(org_a, org_b):
    maria = make_client(org_a)
    admin, dsp = signed_in(org_a, "admin"), signed_in(org_a, "dsp")
    assert admin.get(f"/clients/{maria.pk}/").status_code == 200
    assert dsp.get(f"/clients/{maria.pk}/").status_code == 404
    assert signed_in(org_b, "admin").get(f"/clients/{maria.pk}/").status_code == 404
    with org_a:
        client_services.care_team_add(client=maria, user=person(org_a, "dsp"))
    assert dsp.get(f"/clients/{maria.pk}/").status_code == 200
    with org_a:
        client_services.care_team_remove(client=maria, user=person(org_a, "dsp"))
    assert dsp.get(f"/clients/{maria.pk}/").status_code == 404


def test_a_page_cached_for_one_care_team_member_is_a_404_for_a_colleague_outside_it(org_a):
    maria = make_client(org_a)
    with org_a:
        client_services.care_team_add(client=maria, user=person(org_a, "dsp"))
    assert signed_in(org_a, "dsp").get(f"/clients/{maria.pk}/").status_code == 200
    assert signed_in(org_a, "nurse").get(f"/clients/{maria.pk}/").status_code == 404


def test_a_message_is_shown_once_over_a_cached_page(org_a):
    maria = make_client(org_a)
    admin = signed_in(org_a, "admin")
    admin.get(f"/clients/{maria.pk}/")
    # Refused without changing any table, so the page itself is still the cached one.
    admin.post(f"/clients/{maria.pk}/care-team/", {"user": "nobody"})
    message = "Choose a person from the search results."
    assert message in admin.get(f"/clients/{maria.pk}/").content.decode()
    assert message not in admin.get(f"/clients/{maria.pk}/").content.decode()


def test_the_access_log_names_a_client_whose_page_came_from_the_cache(org_a):
    from django.core.cache import cache

    maria = make_client(org_a, first_name="Maria", last_name="Lopez")
    admin = signed_in(org_a, "admin")
    admin.get(f"/clients/{maria.pk}/")
    cache.clear()  # forget the per-minute de-duplication: the next view is logged again
    admin.get(f"/clients/{maria.pk}/")
    with org_a:
        entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(maria.pk))
        assert [e.object_repr for e in entries] == ["Maria Lopez", "Maria Lopez"]
