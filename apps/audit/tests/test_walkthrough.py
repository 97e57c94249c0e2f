"""What a walkthrough of the log and a record's History found unreadable: subjects named in the
actor's language, raw values, untranslated access kinds, an anonymous invitation."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from apps.audit import selectors
from apps.audit.models import ACCESS_KINDS, LogEntry
from apps.clients.models import Client
from apps.clients.tests.conftest import make_client
from conftest import person


def _rows(org, reader, **filters):
    with org:
        entries = list(LogEntry.objects.filter(**filters).order_by("id"))
        return selectors.describe_all(entries, reader=reader)


def test_an_entrys_record_is_named_as_it_is_now_not_as_the_actor_wrote_it(org_a):
    client = make_client(org_a, first_name="Noor", last_name="Kowalski")
    with org_a:
        Client.objects.filter(pk=client.pk).update(first_name="Nora")
    rows = _rows(org_a, person(org_a, "auditor"), object_pk=str(client.pk), action=LogEntry.Action.CREATE)
    assert rows and rows[0]["resource"] == "Nora Kowalski"


def test_a_deleted_record_keeps_the_name_its_entry_stored(org_a):
    client = make_client(org_a, first_name="Noor", last_name="Kowalski")
    pk = str(client.pk)
    with org_a:
        client.delete()
    rows = _rows(org_a, person(org_a, "auditor"), object_pk=pk, action=LogEntry.Action.CREATE)
    assert rows and rows[0]["resource"] == "Noor Kowalski"


def test_every_kind_of_access_the_apps_record_is_shown_in_the_readers_language():
    written = set()
    for path in Path(settings.BASE_DIR, "apps").rglob("*.py"):
        if "tests" not in path.parts:
            written |= set(re.findall(r'\bvia="([^"]+)"', path.read_text()))
    assert written and written <= set(ACCESS_KINDS)
    with translation.override("es"):
        assert str(ACCESS_KINDS["print care plan"]) == "Imprimió el plan de atención"


def test_a_printed_care_plan_reads_in_spanish_on_a_spanish_page(org_a):
    from apps.audit.services import access_record

    client = make_client(org_a)
    admin = person(org_a, "admin")
    with org_a:
        access_record(obj=client, via="print care plan", user=admin)
    with translation.override("es"):
        rows = _rows(org_a, admin, object_pk=str(client.pk), action=LogEntry.Action.ACCESS)
    assert rows[0]["event"] == "Imprimió el plan de atención"


def test_accepting_an_invitation_is_logged_as_the_invitees_act_not_an_anonymous_one(org_a):
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from apps.accounts.models import User
    from apps.accounts.tokens import invitation_tokens
    from conftest import host_client

    with org_a:
        invitee = User.objects.create_user(email="nia@alpha.test", first_name="Nia", last_name="Newton")
        invitee.status = User.Status.PENDING
        invitee.set_unusable_password()
        invitee.save()
        uid = urlsafe_base64_encode(force_bytes(invitee.pk))
        link = reverse(
            "accounts:invitation_accept", kwargs={"uidb64": uid, "token": invitation_tokens.make_token(invitee)}
        )
    password = "a brand new passphrase 7"
    response = host_client(org_a.primary_host).post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    with org_a:
        entry = LogEntry.objects.filter(object_pk=str(invitee.pk), action=LogEntry.Action.UPDATE).latest("id")
    assert "status" in entry.changes
    assert entry.actor_email == "nia@alpha.test" and str(entry.actor_id) == str(invitee.pk)
