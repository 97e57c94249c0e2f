"""A client's History tab, as an auditor or a program manager reads it: related records by name
(masked for a reader who may not see them), lists as text, and the care plans, contacts and
care-team changes that belong to the client."""

import datetime as dt
import re

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts import services as account_services
from apps.accounts.models import User
from apps.audit.registry import MASK
from apps.clients import services
from apps.clients.models import CarePlan
from apps.clients.tests.conftest import make_client, resave
from conftest import person, signed_in


def _history(client_pk) -> str:
    return f"/clients/{client_pk}/history/"


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _move(org, client, location):
    with org:
        client.location = location
        resave(client, actor=person(org, "admin"), organization=org)


def test_the_history_names_the_location_and_masks_allergies(org_a, maria, house):
    _move(org_a, maria, house)
    with org_a:
        maria.allergies = [{"allergen": "Peanuts", "reaction": "Hives", "severity": "severe"}]
        resave(maria, actor=person(org_a, "admin"), organization=org_a)
    response = signed_in(org_a, "auditor").get(_history(maria.pk))
    assert response.status_code == 200
    text = _text(response)
    assert "Maple House" in text and str(house.pk) not in text
    # Allergies are encrypted at rest: the log says they changed, never what they are.
    allergies = [c for row in response.context["page"].rows for c in row["changes"] if c["field"] == "Allergies"]
    assert allergies and all(c["after"] == MASK for c in allergies)
    assert "Peanuts" not in text and "Hives" not in text


def test_the_history_includes_care_plans_contacts_and_care_team_changes(org_a, maria):
    dsp = person(org_a, "dsp")
    with org_a:
        services.care_plan_save(
            client=maria,
            plan_type="ISP",
            title="Plan for 2027",
            start_date=dt.date(2027, 1, 1),
            actor=person(org_a, "manager"),
        )
        contact = services.contact_save(
            client=maria, contact_type="guardian", first_name="Rosa", last_name="Lopez", relationship="Mother"
        )
        services.contact_delete(contact=contact)
        services.care_team_add(client=maria, user=dsp)
        services.care_team_remove(client=maria, user=dsp)
    other = make_client(org_a, first_name="Other", last_name="Person")
    with org_a:
        services.care_plan_save(
            client=other,
            plan_type="ISP",
            title="Not hers",
            start_date=dt.date(2027, 1, 1),
            actor=person(org_a, "manager"),
        )
    rows = signed_in(org_a, "auditor").get(_history(maria.pk)).context["page"].rows
    kinds = {row["resource_type"] for row in rows}
    assert {"Care plan", "Contact", "Care team", "Client"} <= kinds
    assert any(row["resource"] == "Plan for 2027" for row in rows)
    assert not any("Not hers" in row["resource"] for row in rows)
    team = [row for row in rows if row["resource_type"] == "Care team"]
    assert len(team) == 2 and {row["action"] for row in team} == {"Create", "Delete"}
    # The care-team entries name the person and the client, not their ids.
    named = {change["after"] for row in team for change in row["changes"]} | {
        change["before"] for row in team for change in row["changes"]
    }
    assert str(dsp) in named and maria.display_name in named and str(dsp.pk) not in named


def test_a_program_manager_reads_their_clients_history_but_not_the_audit_log(org_a, org_b, maria):
    manager = signed_in(org_a, "manager")
    assert manager.get(_history(maria.pk)).status_code == 200
    assert manager.get("/audit/").status_code == 403
    assert manager.get(f"/audit/access/clients.client/{maria.pk}/").status_code == 403
    assert _history(maria.pk) in manager.get(f"/clients/{maria.pk}/").content.decode()
    # A DSP on the care team sees the client, not its history; nor does another organization.
    with org_a:
        services.care_team_add(client=maria, user=person(org_a, "dsp"))
    dsp = signed_in(org_a, "dsp")
    assert dsp.get(f"/clients/{maria.pk}/").status_code == 200
    assert dsp.get(_history(maria.pk)).status_code == 403
    assert dsp.get(f"/audit/history/clients.client/{maria.pk}/").status_code == 404
    assert _history(maria.pk) not in dsp.get(f"/clients/{maria.pk}/").content.decode()
    assert signed_in(org_b, "manager").get(_history(maria.pk)).status_code == 404
    assert signed_in(org_b, "auditor").get(f"/audit/history/clients.client/{maria.pk}/").status_code == 404
    # Other records' histories stay with the log's readers.
    role_history = f"/audit/history/accounts.role/{person(org_a, 'dsp').role_id}/"
    assert manager.get(role_history).status_code == 403


def _reader_of_the_log_only(org):
    """Someone who reads the audit log and may see no client record (a custom role)."""
    with org:
        role = account_services.role_create(name="Log reader", actor=None)
        permission = Permission.objects.get(content_type__app_label="audit", codename="view_logentry")
        account_services.role_update(
            role=role, name="Log reader", description="", permission_ids=[permission.pk], actor=None
        )
        user = User.objects.create(email="reader@alpha.test", first_name="Rita", last_name="Reader", role=role)
        user.groups.set([role.group])
    return user


def test_a_reader_who_may_not_see_a_client_reads_a_client_hidden(org_a, maria):
    with org_a:
        services.care_plan_save(
            client=maria,
            plan_type="ISP",
            title="Secret plan",
            start_date=dt.date(2027, 1, 1),
            actor=person(org_a, "manager"),
        )
    reader = _reader_of_the_log_only(org_a)
    browser = signed_in(org_a, "admin")
    with org_a:
        browser.force_login(reader)
    text = _text(browser.get("/audit/"))
    assert "Maria Lopez" not in text and "Secret plan" not in text
    assert "a client (hidden)" in text and "a care plan (hidden)" in text
    assert f"/audit/history/clients.client/{maria.pk}/" not in browser.get("/audit/").content.decode()
    # On the care team, the reader sees that client by name.
    with org_a:
        services.care_team_add(client=maria, user=reader)
    assert "Maria Lopez" in _text(browser.get("/audit/"))


def test_the_history_reads_names_in_the_same_number_of_queries_however_many_entries(one_minute, org_a, maria):
    with org_a:
        houses = [services.location_save(name=f"House {n}") for n in range(12)]
    auditor = signed_in(org_a, "auditor")
    for house in houses[:2]:
        _move(org_a, maria, house)
    auditor.get(_history(maria.pk))
    with CaptureQueriesContext(connection) as few:
        auditor.get(_history(maria.pk))
    for house in houses[2:]:
        _move(org_a, maria, house)
    with CaptureQueriesContext(connection) as many:
        rows = auditor.get(_history(maria.pk)).context["page"].rows
    assert sum(1 for row in rows for c in row["changes"] if c["field"] == "Location") >= 10
    assert len(many) == len(few)


def test_the_audit_log_names_clients_and_locations_in_the_same_number_of_queries_however_many(one_minute, org_a):
    with org_a:
        houses = [services.location_save(name=f"Home {n}") for n in range(10)]
    people = [make_client(org_a, first_name=f"Client{n}") for n in range(10)]
    auditor = signed_in(org_a, "auditor")
    _move(org_a, people[0], houses[0])
    auditor.get("/audit/")
    with CaptureQueriesContext(connection) as few:
        auditor.get("/audit/")
    for person_, house in zip(people[1:], houses[1:], strict=True):
        _move(org_a, person_, house)
    with CaptureQueriesContext(connection) as many:
        text = _text(auditor.get("/audit/"))
    assert all(house.name in text for house in houses)
    assert len(many) == len(few)


def test_a_care_plan_made_before_the_log_still_shows_its_later_changes(org_a, maria):
    from auditlog.context import disable_auditlog

    with org_a:
        with disable_auditlog():
            plan = CarePlan.objects.create(
                client=maria, plan_type="ISP", title="Imported plan", start_date=dt.date(2027, 1, 1)
            )
        plan.title = "Imported plan, revised"
        plan.save(update_fields=["title", "updated_at"])
    rows = signed_in(org_a, "auditor").get(_history(maria.pk)).context["page"].rows
    assert any(row["resource"] == "Imported plan, revised" and row["action"] == "Update" for row in rows)


def test_the_history_opens_inside_the_clients_page_with_its_header_and_tabs(org_a, maria):
    auditor = signed_in(org_a, "auditor")
    # The audit app's address for the record (the access report links to it) leads to the tab.
    response = auditor.get(f"/audit/history/clients.client/{maria.pk}/")
    assert response.status_code == 302 and response["Location"] == _history(maria.pk)
    page = auditor.get(_history(maria.pk)).content.decode()
    assert f'href="/clients/{maria.pk}/"' in page and f'href="/clients/{maria.pk}/documents/"' in page
    assert f'href="{_history(maria.pk)}" aria-current="page"' in page and maria.client_id in page
    assert "Who accessed this record" in page


def test_the_history_names_every_field_in_spanish_too(org_a, maria):
    """A Spanish reader sees no English field names: the relations had no verbose name of
    their own, so the log showed Django's English default ("client", "created by")."""
    with org_a:
        services.care_plan_save(
            client=maria,
            plan_type="ISP",
            title="Plan 2027",
            start_date=dt.date(2027, 1, 1),
            actor=person(org_a, "manager"),
        )
        services.contact_save(client=maria, contact_type="guardian", first_name="Rosa", last_name="Lopez")
    auditor = signed_in(org_a, "auditor")
    auditor.cookies["django_language"] = "es"
    response = auditor.get(_history(maria.pk))
    fields = {c["field"].lower() for row in response.context["page"].rows for c in row["changes"]}
    assert {"cliente", "creado por"} <= fields
    assert not fields & {"client", "created by", "approved by", "document", "previous", "photo"}
    assert "Campos modificados" in response.content.decode()
