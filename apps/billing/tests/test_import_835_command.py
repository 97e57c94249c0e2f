"""`manage.py import_835 --schema NAME FILE`: posts the file, or exits non-zero saying why."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from apps.billing.models import Claim, Interchange
from apps.billing.tests.remit_support import make_claim, make_payer
from apps.billing.x12.sample835 import build_835


@pytest.fixture
def era(org_a, tmp_path):
    with org_a:
        claim = make_claim(make_payer())
        path = tmp_path / "era.835"
        path.write_text(build_835([claim], trace_number="EFT1", payment_date=dt.date(2026, 12, 1)))
    return claim, path


def test_it_posts_the_file_to_the_organization_named(org_a, era, capsys):
    claim, path = era
    call_command("import_835", "--schema", org_a.schema_name, str(path))
    assert "1 claims posted, 0 not matched" in capsys.readouterr().out
    with org_a:
        claim.refresh_from_db()
        assert (claim.status, claim.amount_paid) == (Claim.Status.PAID, Decimal("150.00"))
        assert Interchange.objects.get().filename == "era.835"


def test_a_refused_file_exits_with_the_reason_and_posts_nothing(org_a, era):
    _claim, path = era
    path.write_text(path.read_text().replace("BPR*C*150*", "BPR*C*151*"))
    with pytest.raises(CommandError, match=r"BPR02 pays 151\.00"):
        call_command("import_835", "--schema", org_a.schema_name, str(path))
    with org_a:
        assert not Interchange.objects.exists()


def test_an_unknown_schema_or_a_missing_file_is_an_error(org_a, era, tmp_path):
    with pytest.raises(CommandError, match="No organization has the schema 'nowhere'"):
        call_command("import_835", "--schema", "nowhere", str(era[1]))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_835", "--schema", org_a.schema_name, str(tmp_path / "missing.835"))
