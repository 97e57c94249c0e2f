"""The billing identity page: each wrong value refused by its field with its message and
nothing saved; a good identity saved normalised, in the organization's change log; what is
still missing named; read-only for those who read claims, closed to the rest."""

import pytest
from django.contrib.contenttypes.models import ContentType

from apps.audit.models import LogEntry
from apps.billing import identity
from apps.tenants.models import Organization
from conftest import signed_in

URL = "/billing/settings/"
GOOD = {
    "name": "Alpha Community Living",
    "npi": "1234567893",
    "tax_id": "12-3456789",
    "taxonomy_code": "251c00000x",
    "address_line1": "100 Main St",
    "address_line2": "",
    "city": "Wichita",
    "state": "ks",
    "postal_code": "67202-1234",
    "contact_name": "Bea Biller",
    "contact_phone": "(316) 555-0100",
    "contact_email": "billing@alpha.test",
    "submitter_id": "alpha01",
    "receiver_id": "clearhouse",
    "receiver_name": "Clearing House",
    "usage_indicator": "T",
}


def stored(organization) -> dict:
    return Organization.objects.get(pk=organization.pk).billing_settings


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("npi", "1234567890", "not a valid NPI"),
        ("npi", "12345", "not a valid NPI"),
        ("tax_id", "12345678", "nine digits"),
        ("taxonomy_code", "251C00000", "ends in X"),
        ("state", "Kansas", "two-letter state"),
        ("postal_code", "67202", "nine-digit ZIP"),
        ("contact_phone", "555-0100", "ten-digit phone"),
        ("contact_email", "billing@", "valid email"),
        ("submitter_id", "A", "Two to fifteen"),
        ("receiver_id", "CLEARING-HOUSE!", "Two to fifteen"),
        ("usage_indicator", "X", "Select a valid choice"),
    ],
)
def test_each_wrong_value_is_refused_by_its_field_and_nothing_is_saved(org_a, field, value, message):
    response = signed_in(org_a, "billing").post(URL, GOOD | {field: value})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert stored(org_a) == {}


def test_a_good_identity_is_saved_normalised(org_a):
    response = signed_in(org_a, "billing").post(URL, GOOD)
    assert response.status_code == 302
    saved = stored(org_a)
    assert saved["npi"] == "1234567893"
    assert saved["tax_id"] == "123456789"
    assert saved["taxonomy_code"] == "251C00000X"
    assert saved["state"] == "KS"
    assert saved["postal_code"] == "672021234"
    assert saved["contact_phone"] == "3165550100"
    assert identity.billing_identity(Organization.objects.get(pk=org_a.pk)).complete


def test_the_change_is_in_the_organizations_change_log_with_who_made_it(org_a):
    signed_in(org_a, "billing").post(URL, GOOD)
    with org_a:
        entry = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Organization), object_pk=str(org_a.pk)
        ).latest("timestamp")
        assert "billing_settings" in entry.changes
        assert entry.actor_email == "billing@alpha.test"


def test_the_page_names_what_claims_still_need(org_a):
    page = signed_in(org_a, "billing").get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Claims cannot be sent until" in text and "NPI" in text and "Receiver ID" in text
    assert 'class="button">Save<' in text
    signed_in(org_a, "billing").post(URL, GOOD)
    assert "Claims cannot be sent until" not in signed_in(org_a, "billing").get(URL).content.decode()


def test_an_auditor_reads_the_identity_but_cannot_change_it(org_a):
    auditor = signed_in(org_a, "auditor")
    page = auditor.get(URL)
    assert page.status_code == 200 and 'class="button">Save<' not in page.content.decode()
    assert auditor.post(URL, GOOD).status_code == 403
    assert stored(org_a) == {}


def test_an_admin_changes_the_identity(org_a):
    assert signed_in(org_a, "admin").post(URL, GOOD).status_code == 302


@pytest.mark.parametrize("local", ["dsp", "hr", "scheduler", "manager", "outsider"])
def test_people_without_billing_cannot_open_the_identity(org_a, local):
    assert signed_in(org_a, local).get(URL).status_code == 403


def test_an_auditor_finds_the_change_in_the_organizations_log(org_a):
    signed_in(org_a, "billing").post(URL, GOOD)
    page = signed_in(org_a, "auditor").get("/audit/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "billing@alpha.test" in text and "1234567893" in text
