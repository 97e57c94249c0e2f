"""`manage.py export_837p`: every draft claim by default, or the ones named; the file written
and stored, the claims submitted; what cannot be sent is refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from apps.billing import claims as services
from apps.billing.models import Claim, Interchange
from apps.billing.tests import claims_support as s
from conftest import person


@pytest.fixture
def drafts(org_a):
    s.set_identity(org_a)
    with org_a:
        payer = s.make_payer()
        service = s.make_service()
        for name in ("Ann", "Ben"):
            s.make_billables(s.make_client(payer, first_name=name), payer, service, [dt.date(2026, 11, 2)])
        return services.claims_build(
            start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), actor=person(org_a, "billing")
        )


def test_it_exports_every_draft_claim_by_default(org_a, drafts, tmp_path):
    target = tmp_path / "out.x12"
    call_command("export_837p", "--schema", org_a.schema_name, "--output", str(target))
    content = target.read_text()
    assert content.startswith("ISA*00*") and content.count("CLM*") == 2
    with org_a:
        assert Interchange.objects.get().content == content
        assert set(Claim.objects.values_list("status", flat=True)) == {Claim.Status.SUBMITTED}


def test_it_exports_only_the_claims_named(org_a, drafts, tmp_path):
    target = tmp_path / "out.x12"
    call_command(
        "export_837p", "--schema", org_a.schema_name, "--claims", drafts[0].claim_number, "--output", str(target)
    )
    assert target.read_text().count("CLM*") == 1
    with org_a:
        assert Claim.objects.get(pk=drafts[1].pk).status == Claim.Status.DRAFT


def test_an_unknown_claim_number_is_refused(org_a, drafts, tmp_path):
    with pytest.raises(CommandError, match="No such claims: C999"):
        call_command("export_837p", "--schema", org_a.schema_name, "--claims", "C999", "--output", str(tmp_path / "x"))


def test_an_incomplete_identity_is_refused_with_nothing_written(org_a, drafts, tmp_path):
    s.set_identity(org_a, npi="")
    target = tmp_path / "out.x12"
    with pytest.raises(CommandError, match="npi"):
        call_command("export_837p", "--schema", org_a.schema_name, "--output", str(target))
    assert not target.exists()
    with org_a:
        assert not Interchange.objects.exists()
        assert set(Claim.objects.values_list("status", flat=True)) == {Claim.Status.DRAFT}


def test_an_unknown_schema_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="No organization"):
        call_command("export_837p", "--schema", "nowhere", "--output", str(tmp_path / "x"))
