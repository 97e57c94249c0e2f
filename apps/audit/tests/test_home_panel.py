"""The auditor's home: who opened which record lately."""

from apps.audit.services import access_record
from apps.tenants.tests.home_data import make_client
from conftest import person, signed_in


def test_an_auditor_sees_recent_access_to_records_with_a_link_to_the_log(org_a):
    client = make_client(org_a)
    with org_a:
        access_record(obj=client, user=person(org_a, "dsp"))
    response = signed_in(org_a, "auditor").get("/")
    (panel,) = [p for p in response.context["panels"] if p["key"] == "recent_access"]
    assert [row["actor"] for row in panel["context"]["rows"]] == ["dsp@alpha.test"]
    html = response.content.decode()
    assert client.last_name in html
    assert "/audit/?action=3" in html


def test_people_without_the_audit_log_do_not_see_who_opened_what(org_a):
    for role in ("hr", "manager", "scheduler", "dsp", "billing"):
        keys = [p["key"] for p in signed_in(org_a, role).get("/").context["panels"]]
        assert "recent_access" not in keys, role
