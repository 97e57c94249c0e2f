"""The 837P files we send, validated by pyx12 against the 005010X222A1 implementation guide:
one line (with its control number, REF*6R), fifty lines, modifiers, several diagnoses, a
replacement, a void, a subscriber who is not the client; a broken file fails the same check
(so the check can fail); control numbers never repeat from one file to the next."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from apps.billing import claims as services
from apps.billing.models import Claim, Interchange
from apps.billing.tests import claims_support as s
from apps.billing.tests.pyx12_support import assert_valid, messages, pyx12_errors
from conftest import person


@pytest.fixture
def setup(org_a):
    s.set_identity(org_a)
    with org_a:
        payer = s.make_payer()
        yield {"org": org_a, "payer": payer, "actor": person(org_a, "billing")}


def export(org, claims) -> Interchange:
    with org:
        return services.claims_export(claims=claims, actor=person(org, "billing"))


def build(setup, client, service, days, **kwargs) -> list[Claim]:
    s.make_billables(client, setup["payer"], service, days, **kwargs)
    return services.claims_build(start=days[0], end=days[-1], actor=setup["actor"])


def test_a_claim_of_one_line_validates(setup):
    org = setup["org"]
    with org:
        client = s.make_client(setup["payer"])
        claims = build(setup, client, s.make_service(), [dt.date(2026, 11, 3)])
    interchange = export(org, claims)
    line = claims[0].lines.get()
    assert f"SV1*HC:T1019*25*UN*4***1~\nDTP*472*D8*20261103~\nREF*6R*{line.pk}~" in interchange.content
    assert_valid(interchange.content)


def test_a_claim_of_fifty_lines_with_an_authorization_validates(setup):
    org = setup["org"]
    with org:
        client = s.make_client(setup["payer"])
        service = s.make_service()
        authorization = s.make_authorization(client, setup["payer"], service, "PA-2026-77")
        days = [dt.date(2026, 10, 1) + dt.timedelta(days=i % 31) for i in range(50)]
        claims = build(setup, client, service, sorted(days), authorization=authorization)
        assert len(claims) == 1 and claims[0].lines.count() == 50
    interchange = export(org, claims)
    assert "REF*G1*PA-2026-77~" in interchange.content
    assert interchange.content.count("LX*") == 50
    assert_valid(interchange.content)


def test_modifiers_and_several_diagnoses_validate(setup):
    org = setup["org"]
    with org:
        client = s.make_client(
            setup["payer"],
            primary_diagnosis="F84.0 Autistic disorder",
            secondary_diagnoses=[{"code": "F41.1", "description": "Anxiety"}, {"code": "G40.909"}, {"code": "E66.9"}],
        )
        service = s.make_service("S5125", modifiers=["U1", "HQ", "UN"])
        claims = build(setup, client, service, [dt.date(2026, 11, 3), dt.date(2026, 11, 4)])
    interchange = export(org, claims)
    assert "SV1*HC:S5125:U1:HQ:UN*25*UN*4***1:2:3:4~" in interchange.content
    assert "HI*ABK:F840*ABF:F411*ABF:G40909*ABF:E669~" in interchange.content
    assert_valid(interchange.content)


def test_a_subscriber_who_is_not_the_client_gets_a_patient_loop_and_validates(setup):
    org = setup["org"]
    with org:
        client = s.make_client(
            setup["payer"],
            first_name="Tomás",
            last_name="Peña",
            subscriber_relationship="19",
            subscriber_first_name="Rosa",
            subscriber_last_name="Peña",
            group_number="GRP-9",
        )
        claims = build(setup, client, s.make_service(), [dt.date(2026, 11, 5)])
    content = export(org, claims).content
    assert "HL*3*2*23*0~\nPAT*19~\nNM1*QC*1*PENA*TOMAS~" in content
    assert "NM1*IL*1*PENA*ROSA****MI*" in content
    assert_valid(content)


def _sent_and_paid(setup, org) -> Claim:
    with org:
        client = s.make_client(setup["payer"])
        claims = build(setup, client, s.make_service(), [dt.date(2026, 11, 3), dt.date(2026, 11, 4)])
    export(org, claims)
    with org:
        claim = Claim.objects.get(pk=claims[0].pk)
        s.post_835([claim], trace="EFT-837", paid={claim.claim_number: Decimal("25.00")})
        return Claim.objects.get(pk=claim.pk)


def test_a_replacement_validates_with_the_payers_claim_number(setup):
    org = setup["org"]
    original = _sent_and_paid(setup, org)
    with org:
        replacement = services.claim_replace(claim=original, actor=setup["actor"])
    content = export(org, [replacement]).content
    assert f"CLM*{replacement.claim_number}*50***12:B:7*Y*A*Y*Y~" in content
    assert f"REF*F8*PCN{original.claim_number}~" in content
    assert_valid(content)


def test_a_void_validates(setup):
    org = setup["org"]
    original = _sent_and_paid(setup, org)
    with org:
        void = services.claim_void(claim=original, actor=setup["actor"])
    content = export(org, [void]).content
    assert ":B:8*" in content
    assert_valid(content)


def test_several_claims_in_one_file_validate(setup):
    org = setup["org"]
    with org:
        service = s.make_service()
        for name in ("Ann", "Ben", "Cy"):
            s.make_billables(
                s.make_client(setup["payer"], first_name=name), setup["payer"], service, [dt.date(2026, 11, 9)]
            )
        claims = services.claims_build(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), actor=setup["actor"])
    content = export(org, claims).content
    assert content.count("CLM*") == 3
    assert_valid(content)


def test_a_broken_file_fails_validation(setup):
    org = setup["org"]
    with org:
        claims = build(setup, s.make_client(setup["payer"]), s.make_service(), [dt.date(2026, 11, 3)])
    content = export(org, claims).content
    # No diagnosis and a wrong segment count: the check must say so.
    broken = "".join(line + "\n" for line in content.splitlines() if not line.startswith("HI*"))
    ok, report = pyx12_errors(broken)
    assert not ok
    assert messages(report)


def test_control_numbers_never_repeat_across_exports(setup):
    org = setup["org"]
    with org:
        service = s.make_service()
        first = build(setup, s.make_client(setup["payer"]), service, [dt.date(2026, 11, 3)])
        second = build(setup, s.make_client(setup["payer"]), service, [dt.date(2026, 11, 4)])
    a, b = export(org, first), export(org, second)
    assert a.control_number != b.control_number
    assert f"*{a.control_number:09d}*0*T*:~" in a.content
    assert f"IEA*1*{b.control_number:09d}~" in b.content


def test_a_line_under_another_authorization_carries_its_own_and_validates(setup):
    org = setup["org"]
    with org:
        client = s.make_client(setup["payer"])
        service = s.make_service()
        main = s.make_authorization(client, setup["payer"], service, "PA-MAIN")
        other = s.make_authorization(client, setup["payer"], service, "PA-OTHER")
        s.make_billables(
            client, setup["payer"], service, [dt.date(2026, 11, 2), dt.date(2026, 11, 3)], authorization=main
        )
        s.make_billables(client, setup["payer"], service, [dt.date(2026, 11, 4)], authorization=other)
        claims = services.claims_build(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), actor=setup["actor"])
    content = export(org, claims).content
    assert "REF*G1*PA-MAIN~" in content
    assert "DTP*472*D8*20261104~\nREF*G1*PA-OTHER~\nREF*6R*" in content
    assert_valid(content)
