"""The audit pages: who may see them, filters, keyset pages, exports, history, access report."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts import services as services_accounts
from apps.accounts.models import Role, User
from apps.audit import services
from apps.audit.models import LogEntry
from conftest import person, signed_in

PAGES = ["/audit/", "/audit/history/accounts.role/{role}/", "/audit/access/accounts.user/{user}/"]


def _urls(organization):
    with organization:
        role = Role.objects.get(name="Nurse")
    user = person(organization, "dsp")
    return [p.format(role=role.pk, user=user.pk) for p in PAGES]


def _fill(organization, count, *, actor=None):
    """`count` update entries on the Nurse role, one a minute, newest now."""
    with organization:
        role = Role.objects.get(name="Nurse")
        content_type = ContentType.objects.get_for_model(Role)
        now = datetime.now(UTC)
        for n in range(count):
            LogEntry.objects.create(
                timestamp=now - timedelta(minutes=count - n),
                action=LogEntry.Action.UPDATE,
                content_type=content_type,
                object_pk=str(role.pk),
                object_repr=str(role),
                changes={"description": [f"v{n}", f"v{n + 1}"]},
                actor_id=actor.pk if actor else None,
                actor_email=actor.email if actor else "",
            )
        return role


@pytest.mark.parametrize("local", ["admin", "auditor"])
def test_admins_and_auditors_open_every_audit_page(org_a, local):
    client = signed_in(org_a, local)
    for url in _urls(org_a):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("local", ["dsp", "nurse", "manager", "scheduler", "billing", "hr", "outsider"])
def test_other_roles_cannot_open_the_audit_pages(org_a, local):
    client = signed_in(org_a, local)
    for url in _urls(org_a):
        assert client.get(url).status_code == 403, url
        assert client.get(url + "?format=csv").status_code == 403, url


def test_signed_out_visitors_are_sent_to_sign_in(client_a, org_a):
    for url in _urls(org_a):
        response = client_a.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_nothing_from_another_organization_shows(org_a, org_b):
    _fill(org_b, 3, actor=person(org_b, "admin"))
    with org_b:
        secret = LogEntry.objects.order_by("-id").first()
        # System roles are cloned from the template with their ids; a role of beta's own is not.
        beta_role = services_accounts.role_create(name="Beta night shift", actor=None)
    beta_user = person(org_b, "dsp")
    client = signed_in(org_a, "admin")
    html = client.get("/audit/").content.decode()
    assert "admin@beta.test" not in html and "beta.test" not in html
    # Their own page does show it, so the check above could fail.
    assert "admin@beta.test" in signed_in(org_b, "admin").get("/audit/").content.decode()
    # Another organization's records are not here at all.
    assert client.get(f"/audit/history/accounts.role/{beta_role.pk}/").status_code == 404
    assert client.get(f"/audit/access/accounts.user/{beta_user.pk}/").status_code == 404
    csv = b"".join(client.get("/audit/?format=csv").streaming_content).decode("utf-8-sig")
    assert "beta.test" not in csv and secret.hash not in csv and "alpha.test" in csv
    # Platform records are reachable through the search path; their pages are not offered.
    assert client.get(f"/audit/history/tenants.organization/{org_b.pk}/").status_code == 404
    assert client.get("/audit/history/tenants.domain/1/").status_code == 404
    # And beta's admin, signed in on beta, is nobody on alpha's host.
    beta_admin = signed_in(org_b, "admin")
    beta_admin.defaults["HTTP_HOST"] = org_a.primary_host
    assert beta_admin.get("/audit/").status_code == 302


def test_unknown_record_kinds_and_ids_are_not_found(org_a):
    client = signed_in(org_a, "admin")
    assert client.get("/audit/history/accounts.usersession/1/").status_code == 404
    assert client.get("/audit/history/accounts.role/not-a-uuid/").status_code == 404
    assert client.get("/audit/history/accounts.role/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_list_pages_with_a_keyset_cursor_in_constant_queries(one_minute, org_a):
    # The entries of one actor alone: the organization's own (its people, created when the test
    # database was) would otherwise fall on one page or the other by their age, and a database
    # kept between runs (`make test-times`) puts them on the second page with other kinds to name.
    actor = person(org_a, "outsider")
    _fill(org_a, 70, actor=actor)
    client = signed_in(org_a, "auditor")
    mine = f"user={actor.email}"
    client.get(f"/audit/?{mine}")  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(f"/audit/?{mine}")
    page = first.context["page"]
    assert len(page.entries) == 50 and page.next_cursor
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(f"/audit/?{mine}&after={page.next_cursor}")
    rest = second.context["page"].entries
    assert {e.id for e in rest}.isdisjoint({e.id for e in page.entries})
    keys = [(e.timestamp, e.id) for e in page.entries + rest]
    assert keys == sorted(keys, reverse=True)
    with org_a:
        assert len(keys) == LogEntry.objects.filter(actor_id=actor.pk).count() == 70  # nothing skipped or twice
    sql = " ".join(q["sql"] for q in first_queries.captured_queries + second_queries.captured_queries)
    assert "OFFSET" not in sql
    # Records an entry names are read once per kind on a page: the same kinds, the same queries.
    assert len(second_queries) == len(first_queries)


def test_filters_by_user_action_resource_and_dates(org_a):
    admin = person(org_a, "admin")
    role = _fill(org_a, 3, actor=admin)
    dsp = person(org_a, "dsp")
    with org_a:
        services.access_record(obj=dsp, user=admin)
    client = signed_in(org_a, "auditor")

    def ids(query):
        response = client.get("/audit/?" + query)
        assert response.status_code == 200, response.content
        return {e.id for e in response.context["page"].entries}

    by_user = ids(f"user={admin.email.upper()}")
    with org_a:
        assert by_user == set(LogEntry.objects.filter(actor_id=admin.pk).values_list("id", flat=True)[:50])
        access = set(LogEntry.objects.filter(action=LogEntry.Action.ACCESS).values_list("id", flat=True))
        on_role = set(LogEntry.objects.filter(object_pk=str(role.pk)).values_list("id", flat=True))
    assert ids("action=3") == access and access
    assert ids(f"resource=accounts.role&resource_id={role.pk}") == on_role
    today = datetime.now(UTC).date()
    assert ids(f"since={today + timedelta(days=2)}") == set()
    assert ids(f"since={today - timedelta(days=1)}&until={today + timedelta(days=1)}") >= access


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=2026-13-45", "Enter a valid date"),
        ("since=2026-05-02&until=2026-05-01", "before the start date"),
        ("resource_id=abc", "Choose the resource type"),
        ("after=garbage", "not valid any more"),
        ("until=9999-12-31", "Choose an earlier date"),
        ("user=nobody@alpha.test", "Nobody here has that email"),
    ],
)
def test_bad_filters_get_a_clear_message_and_a_400(org_a, query, message):
    response = signed_in(org_a, "admin").get("/audit/?" + query)
    assert response.status_code == 400 and message in response.content.decode()


def test_opening_a_staff_record_shows_in_its_access_report(org_a):
    dsp = person(org_a, "dsp")
    assert signed_in(org_a, "hr").get(f"/accounts/people/{dsp.pk}/").status_code == 200
    report = signed_in(org_a, "auditor").get(f"/audit/access/accounts.user/{dsp.pk}/")
    assert [row["actor_email"] for row in report.context["summary"]] == ["hr@alpha.test"]


def test_a_roles_history_shows_its_permissions_and_values_by_name(org_a):
    from django.contrib.auth.models import Permission

    client = signed_in(org_a, "admin")
    with org_a:
        role = services_accounts.role_create(name="Night lead", actor=None)
        permission = Permission.objects.get(codename="view_role")
        services_accounts.role_update(
            role=role, name="Night lead", description="", permission_ids=[permission.pk], actor=None
        )
        dsp = User.objects.get(email="dsp@alpha.test")
        dsp.status = User.Status.SUSPENDED
        dsp.save(update_fields=["status"])
    rows = client.get(f"/audit/history/accounts.role/{role.pk}/").context["page"].rows
    assert any(c["field"] == "Permissions" and "Can view role" in c["after"] for r in rows for c in r["changes"])
    # The sign-in-security event about it is on the role too, not on "a user".
    assert any(r["event"] == "Role permissions changed" and "view_role" in r["detail"] for r in rows)
    person_rows = client.get(f"/audit/history/accounts.user/{dsp.pk}/").context["page"].rows
    status = next(c for r in person_rows for c in r["changes"] if c["field"] == "Status")
    assert (status["before"], status["after"]) == ("Active", "Suspended")


def test_the_csv_export_streams_every_filtered_entry(org_a):
    role = _fill(org_a, 120)
    response = signed_in(org_a, "auditor").get(f"/audit/?resource=accounts.role&resource_id={role.pk}&format=csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    with org_a:
        expected = LogEntry.objects.filter(object_pk=str(role.pk)).count()
    assert lines[0].startswith("entry,timestamp_utc,user,action") and len(lines) == expected + 1
    assert lines[0].split(",")[-2:] == ["details", "hash"]


def test_csv_cells_that_look_like_formulas_are_defused(org_a, client_a):
    client_a.post("/accounts/sign-in/", {"email": "=HYPERLINK(1)@x.test", "password": "wrong password 123"})
    client_a.post("/accounts/sign-in/", {"email": "=cmd@alpha.test", "password": "wrong password 123"})
    csv = b"".join(signed_in(org_a, "auditor").get("/audit/?action=10&format=csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "'=cmd@alpha.test" in csv and ",=cmd" not in csv


def test_a_history_tab_shows_each_field_before_and_after(org_a):
    client = signed_in(org_a, "admin")
    with org_a:
        role = Role.objects.get(name="Nurse")
        role.description = "Clinical care, medications"
        role.save(update_fields=["description"])
    html = client.get(f"/accounts/roles/{role.pk}/").content.decode()
    assert f"/audit/history/accounts.role/{role.pk}/" in html
    history = client.get(f"/audit/history/accounts.role/{role.pk}/").content.decode()
    assert "Clinical care, medications" in history and "Description" in history
    # A person's page links to theirs.
    dsp = person(org_a, "dsp")
    assert f"/audit/history/accounts.user/{dsp.pk}/" in client.get(f"/accounts/people/{dsp.pk}/").content.decode()
    # Without the audit permission, no link.
    assert "/audit/history/" not in signed_in(org_a, "hr").get(f"/accounts/people/{dsp.pk}/").content.decode()


def test_who_accessed_a_record_as_a_page_a_csv_and_a_pdf(org_a):
    nurse, admin, subject = person(org_a, "nurse"), person(org_a, "admin"), person(org_a, "dsp")
    with org_a:
        services.access_record(obj=subject, user=nurse)
        services.access_record(obj=subject, user=nurse, via="reveal_ssn")
        services.access_record(obj=subject, user=admin, via="print")
    client = signed_in(org_a, "auditor")
    url = f"/audit/access/accounts.user/{subject.pk}/"
    page = client.get(url)
    summary = {row["actor_email"]: row["times"] for row in page.context["summary"]}
    assert summary == {nurse.email: 2, admin.email: 1}
    assert "Revealed SSN" in page.content.decode()
    csv = b"".join(client.get(url + "?format=csv").streaming_content).decode("utf-8-sig")
    assert csv.count(nurse.email) == 2 and "Printed" in csv
    pdf = client.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_what_an_entry_holds_is_escaped_on_the_page(org_a):
    with org_a:
        role = Role.objects.get(name="Nurse")
        role.description = '<b onmouseover="x">bold</b>'
        role.save(update_fields=["description"])
    html = signed_in(org_a, "auditor").get("/audit/").content.decode()
    assert '<b onmouseover="x">' not in html and "&lt;b onmouseover=&quot;x&quot;&gt;" in html


def test_the_log_lists_a_few_changed_fields_and_the_history_all_of_them(org_a):
    client = signed_in(org_a, "admin")
    with org_a:
        newcomer = User.objects.create(email="many@alpha.test", first_name="Many", last_name="Fields", phone="555")
    listed = client.get(f"/audit/?resource=accounts.user&resource_id={newcomer.pk}").context["page"].rows[0]
    assert len(listed["changes"]) == 4 and listed["more_changes"] > 0
    html = client.get(f"/audit/?resource=accounts.user&resource_id={newcomer.pk}").content.decode()
    assert f"and {listed['more_changes']} more fields" in html
    history = client.get(f"/audit/history/accounts.user/{newcomer.pk}/").context["page"].rows[0]
    assert len(history["changes"]) == 4 + listed["more_changes"] and history["more_changes"] == 0


def test_an_empty_log_and_an_empty_report_say_so(org_a):
    client = signed_in(org_a, "admin")
    html = client.get("/audit/?since=2099-01-01").content.decode()
    assert "No entries match these filters" in html
    with org_a:
        newcomer = User.objects.create(email="new@alpha.test")
    assert (
        "Nobody has opened this record yet"
        in client.get(f"/audit/access/accounts.user/{newcomer.pk}/").content.decode()
    )
