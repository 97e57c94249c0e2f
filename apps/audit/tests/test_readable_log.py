"""The audit log as an auditor reads it: no routine sign-ins unless asked, a resource filter of
things they recognise, and logged lists and objects written as text."""

import pytest
from django.utils import translation

from apps.accounts.models import AuthEvent
from apps.audit import naming, selectors
from apps.audit.models import LogEntry
from conftest import person, signed_in


def _sign_in_and_fail(org):
    dsp = person(org, "dsp")
    with org:
        AuthEvent.objects.create(kind=AuthEvent.Kind.SIGN_IN, user=dsp, email=dsp.email)
        AuthEvent.objects.create(kind=AuthEvent.Kind.SIGN_IN_FAILED, user=dsp, email=dsp.email)
        return {
            entry.additional_data["event"]: entry.id
            for entry in LogEntry.objects.filter(action=LogEntry.Action.AUTHENTICATION)
        }


def _ids(client, query=""):
    response = client.get("/audit/" + query)
    assert response.status_code == 200
    return {row["id"] for row in response.context["page"].rows}


def test_sign_ins_are_left_out_of_the_log_unless_the_filter_asks_for_them(org_a):
    events = _sign_in_and_fail(org_a)
    auditor = signed_in(org_a, "auditor")
    shown = _ids(auditor)
    assert events["sign_in"] not in shown
    # A failed sign-in is a security event, not routine: always listed.
    assert events["sign_in_failed"] in shown
    assert events["sign_in"] in _ids(auditor, "?sign_ins=on")
    assert events["sign_in"] in _ids(auditor, f"?action={LogEntry.Action.AUTHENTICATION}")
    html = auditor.get("/audit/").content.decode()
    assert 'name="sign_ins"' in html and "Include sign-ins and sign-outs" in html


def test_the_csv_export_follows_the_same_sign_in_filter(org_a):
    events = _sign_in_and_fail(org_a)
    auditor = signed_in(org_a, "auditor")
    plain = b"".join(auditor.get("/audit/?format=csv").streaming_content).decode("utf-8-sig")
    asked = b"".join(auditor.get("/audit/?format=csv&sign_ins=on").streaming_content).decode("utf-8-sig")
    assert f"\n{events['sign_in']}," not in plain and f"\n{events['sign_in']}," in asked


def test_the_resource_filter_lists_only_kinds_an_auditor_recognises(org_a):
    form = signed_in(org_a, "auditor").get("/audit/").context["form"]
    names = [str(label) for _value, label in form.fields["resource"].choices]
    values = [value for value, _label in form.fields["resource"].choices]
    for machinery in ["Group object permission", "User object permission", "Domain", "Organization", "Group"]:
        assert machinery not in names
    assert not [v for v in values if v.startswith(("guardian.", "tenants.", "auth."))]
    assert {"Client", "Care plan", "Shift", "Role"} <= set(names)


def test_lists_and_objects_read_as_text_not_as_python():
    allergies = [
        {"allergen": "Peanuts", "reaction": "Hives", "severity": "severe"},
        {"allergen": "Latex", "reaction": "", "severity": "mild"},
    ]
    assert selectors.readable(allergies) == (
        "Allergen: Peanuts, Reaction: Hives, Severity: severe; Allergen: Latex, Severity: mild"
    )
    assert selectors.readable('["low sodium", "no pork"]') == "low sodium, no pork"
    assert selectors.readable({"via": "pdf", "pages": 3}) == "Via: pdf, Pages: 3"
    assert selectors.readable([]) == ""


def test_an_entry_shows_its_time_in_the_readers_language_not_iso(org_a):
    from datetime import UTC, datetime

    moment = datetime(2026, 12, 5, 22, 21, 7, 123456, tzinfo=UTC)
    with translation.override("en"):
        assert selectors.when_text(moment) == "Dec 5, 2026 10:21:07 PM"
    with translation.override("es"):
        assert selectors.when_text(moment) == "5 dic 2026 22:21:07"


def test_the_keys_of_logged_lists_are_in_the_readers_language():
    with translation.override("es"):
        text = selectors.readable([{"allergen": "Cacahuete", "severity": "grave", "start_date": "2026-01-05"}])
    assert text == "Alérgeno: Cacahuete, Gravedad: grave, Fecha de inicio: 5 ene 2026"


@pytest.mark.parametrize("local", ["admin", "auditor"])
def test_admins_and_auditors_see_every_kind_of_record_the_log_follows_by_name(org_a, local):
    reader = person(org_a, local)
    with org_a:
        hidden = [
            label
            for label, _name, ct in selectors.resource_types()
            if not naming.may_see_kind(reader, ct.model_class())
        ]
    assert hidden == []
