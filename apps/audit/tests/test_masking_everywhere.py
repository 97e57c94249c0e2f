"""A reader of the log who may not see a record reads "a client (hidden)" wherever the log
names it: the log's page, the home's recent access, the CSV export and the access report; a
program manager reading their client's history sees its changes, not who opened it."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from apps.accounts.models import Role
from apps.audit.services import access_record
from apps.clients.tests.conftest import make_client
from conftest import person, signed_in


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def log_reader(org_a):
    """Someone whose role reads the audit log and nothing else (not clients)."""
    otto = person(org_a, "outsider")
    with org_a:
        group = Group.objects.create(name="Log reader")
        group.permissions.add(Permission.objects.get(codename="view_logentry", content_type__app_label="audit"))
        otto.role = Role.objects.create(name="Log reader", group=group, description="Reads the audit log.")
        otto.save()
        otto.groups.set([group])
    return signed_in(org_a, "outsider")


@pytest.fixture
def zelda(org_a):
    client = make_client(org_a, first_name="Zelda", last_name="Quixote")
    with org_a:
        access_record(obj=client, user=person(org_a, "dsp"))
    return client


def test_the_log_the_home_the_csv_and_the_access_report_mask_a_client_the_reader_may_not_see(org_a, log_reader, zelda):
    assert "a client (hidden)" in _text(log_reader.get("/audit/?action=3"))
    home = _text(log_reader.get("/"))
    assert "Recent access" in home and "Quixote" not in home and "a client (hidden)" in home
    csv = b"".join(log_reader.get("/audit/?format=csv").streaming_content).decode("utf-8-sig")
    assert "Quixote" not in csv and "a client (hidden)" in csv
    report = log_reader.get(f"/audit/access/clients.client/{zelda.pk}/")
    assert report.status_code == 200 and "Quixote" not in report.content.decode()


def test_an_auditor_who_sees_clients_reads_their_names_everywhere(org_a, zelda):
    auditor = signed_in(org_a, "auditor")
    csv = b"".join(auditor.get("/audit/?format=csv").streaming_content).decode("utf-8-sig")
    assert "Zelda Quixote" in csv
    assert "Quixote" in auditor.get(f"/audit/access/clients.client/{zelda.pk}/").content.decode()


def test_a_program_manager_reads_their_clients_changes_but_not_who_opened_it(org_a, zelda):
    page = _text(signed_in(org_a, "manager").get(f"/clients/{zelda.pk}/history/"))
    assert "dsp@alpha.test" not in page and "Opened" not in page and "Created" in page
    auditor_page = _text(signed_in(org_a, "auditor").get(f"/clients/{zelda.pk}/history/"))
    assert "dsp@alpha.test" in auditor_page
