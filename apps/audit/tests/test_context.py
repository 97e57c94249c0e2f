"""Who and where: every entry says who acted, from which address and program."""

import pytest
from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from apps.accounts.models import Role
from apps.audit import context
from apps.audit.models import LogEntry
from apps.tenants.models import Organization
from conftest import TEST_PASSWORD, person, signed_in


def _latest(**filters) -> LogEntry | None:
    return LogEntry.objects.filter(**filters).order_by("-id").first()


def test_a_change_made_in_a_request_records_the_user_address_and_browser(org_a):
    admin, dsp = person(org_a, "admin"), person(org_a, "dsp")
    client = signed_in(org_a, "admin")
    response = client.post(
        f"/accounts/people/{dsp.pk}/",
        {"role": str(dsp.role_id), "status": "suspended"},
        HTTP_USER_AGENT="Firefox/140 test",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    with org_a:
        entry = _latest(object_pk=str(dsp.pk), action=LogEntry.Action.UPDATE)
        assert entry.changes["status"] == ["active", "suspended"]
        assert (entry.actor_id, entry.actor_email) == (admin.pk, admin.email)
        assert (entry.remote_addr, entry.user_agent, entry.origin) == ("203.0.113.9", "Firefox/140 test", "web")
        assert entry.cid  # the request's entries share one correlation id
        mirrored = _latest(action=LogEntry.Action.AUTHENTICATION, object_pk=str(dsp.pk))
        assert mirrored.additional_data["event"] == "status_changed" and mirrored.cid == entry.cid


@shared_task(name="apps.audit.tests.rename_role")
def rename_role(role_id: str, name: str) -> None:
    role = Role.objects.get(pk=role_id)
    role.description = name
    role.save(update_fields=["description"])


def test_a_task_records_the_user_who_queued_it(org_a):
    admin = person(org_a, "admin")
    with org_a:
        role = Role.objects.get(name="Scheduler")
        # As the web request that queues the task would: the message carries the actor.
        with context.use(context.AuditContext(origin="web", actor_id=admin.pk, actor_email=admin.email)):
            headers = context.task_headers()
        rename_role.apply(args=[str(role.pk), "Queued by an admin"], headers=headers)
        entry = _latest(object_pk=str(role.pk))
        assert entry.changes["description"][1] == "Queued by an admin"
        assert str(entry.actor_id) == str(admin.pk) and entry.actor_email == admin.email
        assert entry.origin == "task apps.audit.tests.rename_role"


def test_publishing_a_task_puts_the_actor_in_its_message_headers(org_a):
    from celery.signals import before_task_publish

    admin = person(org_a, "admin")
    headers: dict = {}
    with context.use(context.AuditContext(origin="web", actor_id=admin.pk, actor_email=admin.email)):
        before_task_publish.send(sender="apps.audit.tests.rename_role", headers=headers, body=None)
    assert headers[context.HEADER]["actor_email"] == admin.email
    assert headers[context.HEADER]["actor_id"] == str(admin.pk)


def test_a_task_nobody_queued_is_the_system(org_a):
    with org_a:
        role = Role.objects.get(name="Scheduler")
        rename_role.apply(args=[str(role.pk), "From the scheduler"])
        entry = _latest(object_pk=str(role.pk))
        assert entry.actor_id is None and entry.actor_email == "system"
        assert entry.origin == "task apps.audit.tests.rename_role"


def test_a_management_command_records_its_name_and_the_os_user(db):
    connection.set_schema_to_public()
    call_command(
        "create_organization",
        name="Gamma Care",
        subdomain="gammaaudit",
        contact_email="o@gamma.test",
        admin_email="boss@gamma.test",
    )
    connection.set_schema_to_public()
    organization = Organization.objects.get(subdomain="gammaaudit")
    entry = _latest(object_pk=str(organization.pk))
    assert entry.action == LogEntry.Action.CREATE and entry.actor_email == "system"
    assert entry.origin == "command create_organization"
    assert entry.user_agent.startswith("manage.py create_organization (os user ")


def test_the_clone_template_keeps_an_empty_log(org_a):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{settings.TENANT_BASE_SCHEMA}".audit_logentry')  # nosec B608 # the template schema's name from settings
        assert cursor.fetchone()[0] == 0
    with org_a:
        # So every organization's chain starts at its own first entry.
        assert LogEntry.objects.order_by("id").first().id == 1


@pytest.mark.parametrize(
    ("email", "password", "event", "actor", "about_dsp"),
    [
        ("dsp@alpha.test", TEST_PASSWORD, "sign_in", "dsp@alpha.test", True),
        ("dsp@alpha.test", "wrong password for sure", "sign_in_failed", "anonymous", True),
        ("nobody@alpha.test", "wrong password for sure", "sign_in_failed", "anonymous", False),
    ],
)
def test_sign_in_attempts_are_authentication_entries(org_a, client_a, email, password, event, actor, about_dsp):
    client_a.post("/accounts/sign-in/", {"email": email, "password": password}, HTTP_USER_AGENT="Curl/8")
    dsp = person(org_a, "dsp")
    with org_a:
        entry = _latest(action=LogEntry.Action.AUTHENTICATION)
        assert entry.additional_data["event"] == event
        assert entry.actor_email == actor and entry.user_agent == "Curl/8" and entry.remote_addr == "127.0.0.1"
        assert entry.object_pk == (str(dsp.pk) if about_dsp else "")
        assert entry.object_repr == (str(dsp) if about_dsp else email)


def test_content_types_have_the_same_ids_in_every_schema(org_a, org_b):
    # The log stores a content type id and Django caches them per process, not per schema.
    from django.contrib.contenttypes.models import ContentType

    def ids():
        return set(ContentType.objects.values_list("id", "app_label", "model"))

    connection.set_schema_to_public()
    public = ids()
    with org_a:
        alpha = ids()
    with org_b:
        beta = ids()
    assert public == alpha == beta
