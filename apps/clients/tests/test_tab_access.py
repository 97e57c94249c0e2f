"""Each tab of a client's page (and each care plan and its PDF) checks its own permission:
holding clients.view_client (the scheduler, billing) opens the record, not its care plans or
its contacts. Expected statuses are derived from each system role's permissions."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from apps.clients import services
from apps.clients.models import ClientContact
from conftest import person, signed_in

ROLES = ["admin", "manager", "dsp", "nurse", "scheduler", "billing", "hr", "auditor", "outsider"]

# Tab -> the permission it needs beyond seeing the client (None: seeing the client is enough).
TABS = {
    "overview": ("", None),
    "contacts": ("contacts/", "clients.view_clientcontact"),
    "care plans": ("care-plans/", "clients.view_careplan"),
    "a care plan": ("care-plans/{plan}/", "clients.view_careplan"),
    "a care plan's PDF": ("care-plans/{plan}/pdf/", "clients.view_careplan"),
    "documents": ("documents/", None),
}


@pytest.fixture
def record(org_a, maria):
    with org_a:
        ClientContact.objects.create(
            client=maria, contact_type="guardian", first_name="Gloria", last_name="Lopez", phone_primary="+13125550188"
        )
        plan = services.care_plan_save(
            client=maria,
            plan_type="ISP",
            title="Support plan",
            start_date=dt.date(2026, 1, 1),
            goals=[{"description": "Cook a meal on Sundays", "target": "weekly", "status": "in_progress"}],
            actor=person(org_a, "manager"),
        )
    return maria, plan


def _expected(org, local: str, needed: str | None) -> int:
    user = person(org, local)
    with org:
        if not user.has_perm("clients.view_client"):
            return 404
        return 200 if needed is None or user.has_perm(needed) else 403


@pytest.mark.parametrize("tab", TABS)
@pytest.mark.parametrize("local", ROLES)
def test_each_client_tab_answers_each_role_as_its_permissions_say(org_a, record, tab, local):
    client, plan = record
    path, needed = TABS[tab]
    response = signed_in(org_a, local).get(f"/clients/{client.pk}/{path.format(plan=plan.pk)}")
    assert response.status_code == _expected(org_a, local, needed)


@pytest.mark.parametrize("local", ["scheduler", "billing"])
def test_the_scheduler_and_billing_read_neither_goals_nor_guardians_phone_numbers(org_a, record, local):
    client, plan = record
    reader = signed_in(org_a, local)
    overview = reader.get(f"/clients/{client.pk}/").content.decode()
    assert f"/clients/{client.pk}/contacts/" not in overview and f"/clients/{client.pk}/care-plans/" not in overview
    for path in ("contacts/", "care-plans/", f"care-plans/{plan.pk}/", f"care-plans/{plan.pk}/pdf/"):
        response = reader.get(f"/clients/{client.pk}/{path}")
        assert response.status_code == 403
        assert b"+13125550188" not in response.content and b"Cook a meal" not in response.content


def test_the_care_team_sees_every_tab_of_its_clients(org_a, record):
    client, plan = record
    with org_a:
        services.care_team_add(client=client, user=person(org_a, "dsp"))
    dsp = signed_in(org_a, "dsp")
    for path in ("", "contacts/", "care-plans/", f"care-plans/{plan.pk}/", "documents/"):
        assert dsp.get(f"/clients/{client.pk}/{path}").status_code == 200
    assert "+13125550188" in dsp.get(f"/clients/{client.pk}/contacts/").content.decode()


def test_another_organizations_people_get_404_on_every_tab(org_a, org_b, record):
    client, plan = record
    other = signed_in(org_b, "admin")
    for path, _needed in TABS.values():
        assert other.get(f"/clients/{client.pk}/{path.format(plan=plan.pk)}").status_code == 404


def test_contacts_are_changed_only_with_the_contact_permissions(org_a, record):
    client, _plan = record
    with org_a:
        contact = ClientContact.objects.get(client=client)
        permission = Permission.objects.get(codename="change_client", content_type__app_label="clients")
        scheduler = person(org_a, "scheduler")
        scheduler.role.group.permissions.add(permission)
    # Changing the client's record is not changing its contacts.
    scheduler_client = signed_in(org_a, "scheduler")
    assert scheduler_client.get(f"/clients/{client.pk}/contacts/new/").status_code == 403
    assert scheduler_client.get(f"/clients/{client.pk}/contacts/{contact.pk}/").status_code == 403
    assert signed_in(org_a, "manager").get(f"/clients/{client.pk}/contacts/{contact.pk}/").status_code == 200


def test_the_stored_pdf_of_an_approved_plan_follows_the_care_plan_permission(org_a, record, settings, tmp_path):
    from apps.files import storage

    settings.PRIVATE_FILES_ROOT = tmp_path
    storage._store.cache_clear()
    _client, plan = record
    with org_a:
        services.care_plan_submit(plan=plan)
        plan = services.care_plan_approve(plan=plan, actor=person(org_a, "admin"), organization=org_a)
    assert plan.document_url
    for local in ("billing", "scheduler"):
        assert signed_in(org_a, local).get(plan.document_url).status_code == 404
    assert signed_in(org_a, "manager").get(plan.document_url).status_code == 200
    storage._store.cache_clear()


@pytest.mark.parametrize("local", ["manager", "dsp"])
def test_the_contacts_and_care_plans_tabs_read_a_fixed_number_of_queries(one_minute, org_a, record, local):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, _plan = record
    with org_a:
        services.care_team_add(client=client, user=person(org_a, "dsp"))
    reader = signed_in(org_a, local)
    counts = {}
    for rows in ("few", "many"):
        for path in ("contacts/", "care-plans/"):
            reader.get(f"/clients/{client.pk}/{path}")
            with CaptureQueriesContext(connection) as queries:
                assert reader.get(f"/clients/{client.pk}/{path}").status_code == 200
            counts[rows, path] = len(queries)
        with org_a:
            for index in range(5):
                ClientContact.objects.create(
                    client=client, contact_type="physician", first_name=f"D{index}", last_name="X"
                )
                services.care_plan_save(
                    client=client,
                    plan_type="ISP",
                    title=f"P{index}",
                    start_date=dt.date(2026, 2, 1),
                    actor=person(org_a, "manager"),
                )
    assert counts["few", "contacts/"] == counts["many", "contacts/"]
    assert counts["few", "care-plans/"] == counts["many", "care-plans/"]
