"""The 837P professional claim, version 5010 (005010X222A1), for a batch of claims.

One interchange (ISA/IEA) with one functional group (GS/GE) and one transaction (ST/SE).
Loops written: 1000A submitter, 1000B receiver, 2000A billing provider (with its taxonomy),
2010AA its name, NPI, address and tax ID; per claim one 2000B subscriber with 2010BA (the
member) and 2010BB (the payer), a 2000C patient loop when the client is not the subscriber,
2300 the claim (CLM, REF*G1 prior authorization, REF*F8 for a replacement or void, HI
diagnoses) and 2400 per line (LX, SV1 with modifiers, DTP*472 the date of service, REF*6R
the line's control number: the ClaimLine's id).

`build_837p` only writes: the claims come with their client, payer, coverage and lines loaded
(apps.billing.claims.claims_for_export), and checks (complete identity, coverage, diagnoses)
are made by apps.billing.claims.claims_export before it is called.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from apps.billing.identity import BillingIdentity
from apps.billing.models import Claim, Coverage
from apps.billing.x12.segments import COMPONENT, REPETITION, Writer, amount, composite, text

VERSION = "005010X222A1"
# CLM05-1: services delivered in the client's home (place of service 12), as HCBS services are.
PLACE_OF_SERVICE = "12"
GENDERS = {"male": "M", "female": "F"}


def diagnosis_codes(client) -> list[str]:
    """The client's ICD-10 codes as a claim writes them: "F84.0 Autistic disorder" → F840; the
    primary first, then the secondary ones ({"code": …}), each once, at most twelve (HI)."""
    found: list[str] = []
    candidates = [(client.primary_diagnosis or "").split()[:1]]
    candidates += [
        [str(entry.get("code", ""))] for entry in client.secondary_diagnoses or [] if isinstance(entry, dict)
    ]
    for words in candidates:
        if not words:
            continue
        code = text(words[0].replace(".", ""), 7)
        if code.isalnum() and code not in found:
            found.append(code)
    return found[:12]


def _zip(value: str) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())[:9]


def _date(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def build_837p(claims: Sequence[Claim], *, identity: BillingIdentity, control_number: int, now: dt.datetime) -> str:
    w = Writer()
    control = f"{control_number:09d}"
    sender, receiver = text(identity.submitter_id, 15), text(identity.receiver_id, 15)
    w.segment(
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        sender.ljust(15),
        "ZZ",
        receiver.ljust(15),
        now.strftime("%y%m%d"),
        now.strftime("%H%M"),
        REPETITION,
        "00501",
        control,
        "0",
        text(identity.usage_indicator, 1) or "T",
        COMPONENT,
    )
    w.segment(
        "GS", "HC", sender, receiver, now.strftime("%Y%m%d"), now.strftime("%H%M"), str(control_number), "X", VERSION
    )
    st_at = len(w)
    transaction = f"{control_number:04d}"
    w.segment("ST", "837", transaction, VERSION)
    w.segment("BHT", "0019", "00", control, now.strftime("%Y%m%d"), now.strftime("%H%M"), "CH")
    # 1000A submitter, 1000B receiver.
    w.segment("NM1", "41", "2", text(identity.name, 60), "", "", "", "", "46", sender)
    w.segment("PER", "IC", text(identity.contact_name, 60), "TE", text(identity.contact_phone, 256))
    w.segment("NM1", "40", "2", text(identity.receiver_name, 60), "", "", "", "", "46", receiver)
    # 2000A / 2010AA billing provider.
    w.segment("HL", "1", "", "20", "1")
    w.segment("PRV", "BI", "PXC", text(identity.taxonomy_code, 50))
    w.segment("NM1", "85", "2", text(identity.name, 60), "", "", "", "", "XX", text(identity.npi, 80))
    w.segment("N3", *_street(identity.address_line1, identity.address_line2))
    w.segment("N4", text(identity.city, 30), text(identity.state, 2), _zip(identity.postal_code))
    w.segment("REF", "EI", text(identity.tax_id, 50))
    hl = 1
    for claim in claims:
        hl = _claim(w, claim, hl)
    w.segment("SE", str(len(w) - st_at + 1), transaction)
    w.segment("GE", "1", str(control_number))
    w.segment("IEA", "1", control)
    return w.render()


def _street(line1: str, line2: str = "") -> list[str]:
    return [text(line1, 55), text(line2, 55)]


def _claim(w: Writer, claim: Claim, hl: int) -> int:
    coverage: Coverage = claim.coverage  # type: ignore[assignment]
    client, payer = claim.client, claim.payer
    is_subscriber = coverage.subscriber_relationship == Coverage.Relationship.SELF
    subscriber_hl = hl + 1
    w.segment("HL", str(subscriber_hl), "1", "22", "0" if is_subscriber else "1")
    w.segment(
        "SBR",
        "P",
        "18" if is_subscriber else "",
        text(coverage.group_number, 50),
        "",
        "",
        "",
        "",
        "",
        text(payer.claim_filing_indicator, 2),
    )
    # 2010BA subscriber: the client, or the person whose plan covers them.
    if is_subscriber:
        w.segment(
            "NM1",
            "IL",
            "1",
            text(client.last_name, 60),
            text(client.first_name, 35),
            text(client.middle_name[:1], 25),
            "",
            "",
            "MI",
            text(coverage.member_id, 80),
        )
        _address_and_birth(w, client)
    else:
        w.segment(
            "NM1",
            "IL",
            "1",
            text(coverage.subscriber_last_name or client.last_name, 60),
            text(coverage.subscriber_first_name, 35),
            "",
            "",
            "",
            "MI",
            text(coverage.member_id, 80),
        )
        if coverage.subscriber_date_of_birth:
            w.segment("DMG", "D8", _date(coverage.subscriber_date_of_birth))
    # 2010BB payer.
    w.segment("NM1", "PR", "2", text(payer.name, 60), "", "", "", "", "PI", text(payer.edi_payer_id or payer.name, 80))
    next_hl = subscriber_hl
    if not is_subscriber:
        # 2000C / 2010CA patient.
        next_hl += 1
        w.segment("HL", str(next_hl), str(subscriber_hl), "23", "0")
        w.segment("PAT", text(coverage.subscriber_relationship, 2))
        w.segment(
            "NM1", "QC", "1", text(client.last_name, 60), text(client.first_name, 35), text(client.middle_name[:1], 25)
        )
        _address_and_birth(w, client)
    _claim_loop(w, claim)
    return next_hl


def _address_and_birth(w: Writer, client) -> None:
    w.segment("N3", *_street(client.address_line1, client.address_line2))
    w.segment("N4", text(client.city, 30), text(client.state, 2), _zip(client.postal_code))
    w.segment("DMG", "D8", _date(client.date_of_birth), GENDERS.get(client.gender, "U"))


def _claim_loop(w: Writer, claim: Claim) -> None:
    lines = list(claim.lines.all())
    w.segment(
        "CLM",
        text(claim.claim_number, 38),
        amount(claim.total_amount),
        "",
        "",
        composite(PLACE_OF_SERVICE, "B", claim.frequency_code),
        "Y",
        "A",
        "Y",
        "Y",
    )
    per_line = [_authorization_number(line) for line in lines]
    counted = Counter(number for number in per_line if number)
    # REF*G1 does not repeat in loop 2300: the claim carries the authorization most of its
    # lines were delivered under, and a line under another one carries its own (loop 2400).
    claim_authorization = min(counted, key=lambda n: (-counted[n], n)) if counted else ""
    if claim_authorization:
        w.segment("REF", "G1", text(claim_authorization, 50))
    if claim.claim_type != Claim.Type.INITIAL:
        w.segment("REF", "F8", text(claim.payer_claim_number, 50))
    codes = diagnosis_codes(claim.client)
    w.segment("HI", *[composite("ABK" if i == 0 else "ABF", code) for i, code in enumerate(codes)])
    pointers = composite(*[str(i) for i in range(1, min(len(codes), 4) + 1)])
    for number, line in enumerate(lines, start=1):
        w.segment("LX", str(number))
        procedure = composite("HC", text(line.procedure_code, 48), *[text(m, 2) for m in line.modifiers[:4]])
        w.segment("SV1", procedure, amount(line.charge), "UN", amount(line.units), "", "", pointers)
        w.segment("DTP", "472", "D8", _date(line.service_date))
        if per_line[number - 1] and per_line[number - 1] != claim_authorization:
            w.segment("REF", "G1", text(per_line[number - 1], 50))
        # The line item control number: the payer echoes it in the 835 (REF*6R after SVC),
        # which is how a payment finds its line even when two lines look alike. A UUID holds
        # only hex digits and hyphens: written as the id prints, with nothing to clean.
        w.segment("REF", "6R", str(line.pk))


def _authorization_number(line) -> str:
    authorization = line.billable_service.authorization
    return authorization.authorization_number if authorization is not None else ""
