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


def _entry(org, model, changes, *, object_pk=None, object_repr="", action=LogEntry.Action.UPDATE):
    import uuid

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    # Entries are written at commit (apps.audit.models): built here as the page reads them.
    with org:
        return LogEntry(
            id=1,
            timestamp=timezone.now(),
            action=action,
            content_type_id=ContentType.objects.get_for_model(model).pk,
            object_pk=str(object_pk or uuid.uuid4()),
            object_repr=object_repr,
            changes=changes,
            additional_data={},
        )


def _row(org, reader, entry):
    with org:
        (row,) = selectors.describe_all([entry], reader=reader)
    return row


def _fields(org, reader, entry, language="en"):
    with translation.override(language):
        row = _row(org, reader, entry)
    return {change["field"]: (change["before"], change["after"]) for change in row["changes"]}


def test_a_visits_exceptions_read_as_their_labels_and_distances_are_rounded(org_a):
    from apps.scheduling.models import Visit

    entry = _entry(
        org_a,
        Visit,
        {
            "exception_codes": [[], ["early_or_late", "short_visit"]],
            "clock_in_distance_m": [None, 13.576716785334309],
        },
    )
    auditor = person(org_a, "auditor")
    fields = _fields(org_a, auditor, entry)
    assert fields["Exceptions"][1] == "Clocked in far from the scheduled time, Shorter than the minimum visit"
    assert fields["Distance at clock-in (m)"][1] == "13.6"
    spanish = _fields(org_a, auditor, entry, "es")
    assert any(after == "13,6" for _b, after in spanish.values())
    assert not any("early_or_late" in after for _b, after in spanish.values())


def test_a_care_plans_goal_statuses_and_responsible_staff_read_as_words_and_names(org_a):
    from apps.clients.models import CarePlan

    dsp = person(org_a, "dsp")
    goals = [{"description": "Cook a meal", "status": "in_progress"}]
    entry = _entry(org_a, CarePlan, {"goals": [None, goals], "responsible_staff": [[], [str(dsp.pk)]]})
    fields = _fields(org_a, person(org_a, "admin"), entry)
    assert fields["Goals"][1] == "Description: Cook a meal, Status: In progress"
    assert fields["Responsible staff"][1] == str(dsp)
    assert str(dsp.pk) not in str(fields)


def test_a_care_team_row_is_named_by_its_person_and_client(org_a):
    from apps.clients import services
    from apps.clients.models import ClientUserObjectPermission

    client = make_client(org_a, first_name="Lena", last_name="Cohen")
    dsp = person(org_a, "dsp")
    with org_a:
        services.care_team_add(client=client, user=dsp)
    admin = person(org_a, "admin")
    rows = _rows(org_a, admin, content_type__model="clientuserobjectpermission", action=LogEntry.Action.CREATE)
    assert rows and {row["resource"] for row in rows} == {f"{dsp} on Lena Cohen's care team"}
    # Removed since: named from the row's stored "client | person | permission".
    gone = _entry(
        org_a,
        ClientUserObjectPermission,
        {},
        object_pk=987654,
        object_repr="Lena Cohen | Dana Okafor | view_client",
        action=LogEntry.Action.DELETE,
    )
    assert _row(org_a, admin, gone)["resource"] == "Dana Okafor on Lena Cohen's care team"
