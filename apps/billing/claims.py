"""Claims: building them from billable services, their lifecycle, replacements and voids, and
sending them as an 837P file. Payments are posted by the 835 import (apps.billing.remittance).

Every service is one transaction and writes the claim's history (ClaimEvent). A claim's total
is kept equal to the sum of its lines by the database (a deferred trigger, migration 0002):
the services here change lines and total in the same transaction.

`claims_build` is set-based (one read of the billable services, bulk inserts, one update of
their status) so that a month of 100,000 services builds in seconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.billing import bulk, numbers
from apps.billing import identity as billing_identity
from apps.billing.models import (
    ZERO,
    BillableService,
    Claim,
    ClaimEvent,
    ClaimLine,
    Coverage,
    Interchange,
    Payer,
)
from apps.billing.x12.out837 import build_837p, diagnosis_codes
from apps.core import clock
from apps.core.tenancy import current_organization
from apps.scheduling.models import Service

# CLM02 allows at most 50 service lines (loop 2400 repeats 50 times) in 005010X222A1.
MAX_LINES = 50
CLAIM_PREFIX = "C"
CLAIM_DIGITS = 9
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

S = Claim.Status
# Status changes a person may make. A claim's payment (paid, partly paid, denied on its lines)
# comes only from an 835 (apps.billing.remittance.remittance_import), and a paid or denied
# claim changes again only when the payer reverses that posting.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.PROCESSED, S.REJECTED},
    S.PROCESSED: {S.PAID, S.DENIED, S.REJECTED},
    S.REJECTED: {S.DRAFT},
    S.PAID: set(),
    S.DENIED: set(),
}
# Sent or later: a replacement or a void corrects what the payer has.
CORRECTABLE = {S.SUBMITTED, S.PROCESSED, S.PAID, S.DENIED}


def claim_number(value: int) -> str:
    return f"{CLAIM_PREFIX}{value:0{CLAIM_DIGITS}d}"


def _event(claim: Claim, *, actor, from_status: str, to_status: str, note: str = "", **extra) -> ClaimEvent:
    return ClaimEvent(claim=claim, actor=actor, from_status=from_status, to_status=to_status, note=note[:2000], **extra)


def _primary_coverages(client_ids: set, payer_ids: set) -> dict[tuple, list[Coverage]]:
    found: dict[tuple, list[Coverage]] = defaultdict(list)
    for coverage in Coverage.objects.filter(client_id__in=client_ids, payer_id__in=payer_ids).order_by(
        "rank", "-start_date"
    ):
        found[(coverage.client_id, coverage.payer_id)].append(coverage)
    return found


def _coverage_on(coverages: list[Coverage], day: dt.date) -> Coverage | None:
    """The primary coverage on the day; a secondary one with this payer if it is the payer's
    only coverage of the client then (the claim goes to that payer all the same)."""
    covering = [c for c in coverages if c.covers(day)]
    return covering[0] if covering else None


# --- building ------------------------------------------------------------------------------------


@transaction.atomic
def claims_build(*, start: dt.date, end: dt.date, payer: Payer | None = None, actor) -> list[Claim]:
    """Claims for the READY billable services dated in [start, end] and on no claim yet: one per
    payer, client and calendar month, lines in date order, at most 50 lines a claim (more
    continue on another claim). The services become CLAIMED. Running it again finds nothing
    new to claim and builds nothing."""
    if end < start:
        raise ValidationError({"end": _("The end date cannot be before the start date.")})
    # Claimed in the one statement that picks them: a build running at the same time waits
    # for these rows and then finds them no longer READY, so nothing is claimed twice.
    statement = (
        "UPDATE billing_billableservice SET status = %(claimed)s, updated_at = %(now)s"
        " WHERE status = %(ready)s AND service_date BETWEEN %(start)s AND %(end)s"
        " AND payer_id IS NOT NULL AND (%(payer)s::uuid IS NULL OR payer_id = %(payer)s)"
        " RETURNING id, payer_id, client_id, service_date, service_id, units, total_amount, starts_at, start_time"
    )
    now = timezone.now()
    values: dict[str, Any] = {
        "claimed": BillableService.Status.CLAIMED.value,
        "ready": BillableService.Status.READY.value,
        "now": now,
        "start": start,
        "end": end,
        "payer": payer.pk if payer is not None else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        claimed = cursor.fetchall()
        # A service put back to READY by hand while it is on an initial claim stays claimed
        # and goes on no second claim. Looked up by the services' ids (an index), after the
        # UPDATE: as an anti-join inside it, rows written moments before were planned badly.
        cursor.execute(
            "SELECT l.billable_service_id FROM billing_claimline l JOIN billing_claim c ON c.id = l.claim_id"
            " WHERE l.billable_service_id = ANY(%s) AND c.claim_type = %s",
            [[r[0] for r in claimed], Claim.Type.INITIAL.value],
        )
        already = {row[0] for row in cursor.fetchall()}
    if already:
        claimed = [r for r in claimed if r[0] not in already]
    codes = {
        pk: (code, mods)
        for pk, code, mods in Service.objects.filter(pk__in={r[4] for r in claimed}).values_list(
            "pk", "code", "modifiers"
        )
    }
    # In date order within each payer and client (by start time, then id, on the same day).
    claimed.sort(key=lambda r: (str(r[1]), str(r[2]), r[3], r[7] or _EPOCH, r[8] or dt.time.min, str(r[0])))
    rows = [(r[0], r[1], r[2], r[3], *codes[r[4]], r[5], r[6]) for r in claimed]
    if not rows:
        return []
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for row in rows:
        groups[(row[1], row[2], row[3].replace(day=1))].append(row)
    chunks = [(key, lines[i : i + MAX_LINES]) for key, lines in groups.items() for i in range(0, len(lines), MAX_LINES)]
    coverages = _primary_coverages({key[1] for key, _l in chunks}, {key[0] for key, _l in chunks})
    first_number = numbers.draw(numbers.CLAIM, len(chunks))
    claims: list[Claim] = []
    lines: list[tuple] = []
    for offset, ((payer_id, client_id, _month), chunk) in enumerate(chunks):
        period_start, period_end = chunk[0][3], chunk[-1][3]
        claim = Claim(
            id=uuid.uuid4(),
            payer_id=payer_id,
            client_id=client_id,
            coverage=_coverage_on(coverages.get((client_id, payer_id), []), period_start),
            claim_number=claim_number(first_number + offset),
            period_start=period_start,
            period_end=period_end,
            total_amount=sum((row[7] for row in chunk), ZERO),
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        claims.append(claim)
        # Plain rows, not model instances: a month holds 100,000 lines.
        lines.extend(
            (
                uuid.uuid4(),
                now,
                now,
                claim.id,
                number,
                row[0],
                row[3],
                row[4],
                list(row[5] or [])[:4],
                row[6],
                row[7],
                ZERO,
                PENDING,
            )
            for number, row in enumerate(chunk, start=1)
        )
    note = _("Built for {start} – {end}.").format(start=start.isoformat(), end=end.isoformat())
    events = [
        _event(claim, actor=actor, from_status="", to_status=S.DRAFT, note=note, created_at=now, updated_at=now)
        for claim in claims
    ]
    _copy(Claim, _ALL, claims)
    _copy(ClaimLine, LINE_COLUMNS, lines)
    _copy(ClaimEvent, _ALL, events)
    bulk.analyze_after_bulk(Claim._meta.db_table, ClaimLine._meta.db_table, rows=len(lines))
    return claims


_ALL: tuple[str, ...] = ()
PENDING = ClaimLine.Status.PENDING.value
# A claim line's columns, in the order claims_build writes them.
LINE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "claim_id",
    "line_number",
    "billable_service_id",
    "service_date",
    "procedure_code",
    "modifiers",
    "units",
    "charge",
    "amount_paid",
    "status",
)


def _copy(model, attnames: tuple[str, ...], rows: list) -> None:
    """Inserts rows with COPY: for 100,000 claim lines, several times faster than
    bulk_create's INSERT statements (no SQL text to build and parse, no instances). Rows are
    tuples in `attnames` order, or model instances (every column) when `attnames` is empty;
    bulk_create would send no signals either."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    names = attnames or tuple(fields)
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row if attnames else [getattr(row, name) for name in names])
    if not attnames:
        # Saved: a later save() of an instance updates its row instead of inserting it again.
        for row in rows:
            row._state.adding, row._state.db = False, connection.alias


# --- lifecycle -----------------------------------------------------------------------------------


def _locked(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim.pk)


def _set_status(claim: Claim, status: str) -> list[str]:
    """Sets the status and the date it stands for; the fields to save."""
    claim.status = status
    fields = ["status", "updated_at"]
    today = clock.today()
    if status == S.SUBMITTED:
        claim.submitted_date = today
        fields.append("submitted_date")
    elif status == S.PROCESSED and claim.processed_date is None:
        claim.processed_date = today
        fields.append("processed_date")
    elif status == S.PAID:
        claim.payment_date = today
        fields.append("payment_date")
    return fields


@transaction.atomic
def claim_status_set(*, claim: Claim, status: str, actor, note: str = "") -> Claim:
    """Moves the claim along its lifecycle: draft → submitted → processed → paid, denied or
    rejected; a rejected claim goes back to draft to be fixed and sent again."""
    claim = _locked(claim)
    if status not in S.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status not in TRANSITIONS[claim.status]:
        raise ValidationError(
            {
                "status": _("A claim that is %(current)s cannot become %(status)s.")
                % {"current": claim.get_status_display().lower(), "status": S(status).label.lower()}
            }
        )
    before = claim.status
    claim.save(update_fields=_set_status(claim, status))
    ClaimEvent.objects.create(claim=claim, actor=actor, from_status=before, to_status=status, note=note[:2000])
    return claim


def _require_draft(claim: Claim) -> None:
    if claim.status != S.DRAFT:
        raise ValidationError(
            _("Only a draft claim can be changed; this one is %(status)s.")
            % {"status": claim.get_status_display().lower()}
        )


@transaction.atomic
def claim_line_remove(*, claim: Claim, line: ClaimLine, actor) -> Claim:
    """Takes a line off a draft claim; its service is ready to bill again (for an initial
    claim: on a replacement or void, the service stays on the original). Lines are numbered
    again from 1."""
    claim = _locked(claim)
    _require_draft(claim)
    found = ClaimLine.objects.select_for_update().filter(pk=line.pk, claim=claim).first()
    if found is None:
        raise ValidationError(_("This line is not on this claim."))
    line = found
    number = line.line_number
    line.delete()
    # Two steps: the unique line number is checked row by row.
    claim.lines.filter(line_number__gt=number).update(line_number=F("line_number") + 1000)
    claim.lines.filter(line_number__gt=1000).update(line_number=F("line_number") - 1001)
    claim.total_amount -= line.charge
    claim.save(update_fields=["total_amount", "updated_at"])
    if claim.claim_type == Claim.Type.INITIAL:
        BillableService.objects.filter(pk=line.billable_service_id).update(
            status=BillableService.Status.READY, updated_at=timezone.now()
        )
    ClaimEvent.objects.create(
        claim=claim,
        actor=actor,
        from_status=claim.status,
        to_status=claim.status,
        amount=-line.charge,
        note=_("Line for %(code)s on %(date)s removed.")
        % {"code": line.procedure_code, "date": line.service_date.isoformat()},
    )
    return claim


@transaction.atomic
def claim_delete_draft(*, claim: Claim, actor) -> None:
    """Deletes a draft claim with its lines and history; an initial claim's services are ready
    to bill again. The change log keeps that it existed."""
    claim = _locked(claim)
    _require_draft(claim)
    if claim.corrections.exists():
        raise ValidationError(_("A claim that has been replaced or voided cannot be deleted."))
    if claim.claim_type == Claim.Type.INITIAL:
        BillableService.objects.filter(claim_lines__claim=claim).update(
            status=BillableService.Status.READY, updated_at=timezone.now()
        )
    claim.delete()


def _correction(claim: Claim, *, claim_type: str, actor) -> Claim:
    original = _locked(claim)
    if original.claim_type == Claim.Type.VOID:
        raise ValidationError(_("A void cannot be replaced or voided."))
    if original.status not in CORRECTABLE:
        raise ValidationError(
            _("Only a claim that has been sent can be corrected; this one is %(status)s.")
            % {"status": original.get_status_display().lower()}
        )
    if original.corrections.filter(status__in=[S.DRAFT, S.REJECTED]).exists():
        raise ValidationError(_("This claim already has a correction waiting to be sent."))
    lines = list(original.lines.order_by("line_number"))
    correction = Claim.objects.create(
        payer=original.payer,
        client=original.client,
        coverage=original.coverage,
        claim_number=claim_number(numbers.draw(numbers.CLAIM)),
        claim_type=claim_type,
        original=original,
        period_start=original.period_start,
        period_end=original.period_end,
        total_amount=sum((line.charge for line in lines), ZERO),
        payer_claim_number=original.payer_claim_number,
        created_by=actor,
    )
    ClaimLine.objects.bulk_create(
        [
            ClaimLine(
                claim=correction,
                line_number=line.line_number,
                billable_service_id=line.billable_service_id,
                service_date=line.service_date,
                procedure_code=line.procedure_code,
                modifiers=line.modifiers,
                units=line.units,
                charge=line.charge,
            )
            for line in lines
        ]
    )
    kind = _("Replacement") if claim_type == Claim.Type.REPLACEMENT else _("Void")
    ClaimEvent.objects.create(
        claim=correction,
        actor=actor,
        from_status="",
        to_status=S.DRAFT,
        note=_("%(kind)s of claim %(number)s.") % {"kind": kind, "number": original.claim_number},
    )
    ClaimEvent.objects.create(
        claim=original,
        actor=actor,
        from_status=original.status,
        to_status=original.status,
        note=_("%(kind)s %(number)s made.") % {"kind": kind, "number": correction.claim_number},
    )
    return correction


@transaction.atomic
def claim_replace(*, claim: Claim, actor) -> Claim:
    """A replacement (frequency code 7) of a claim that has been sent: a new draft with the
    claim's current lines, to be changed and sent; it points at the original."""
    return _correction(claim, claim_type=Claim.Type.REPLACEMENT, actor=actor)


@transaction.atomic
def claim_void(*, claim: Claim, actor) -> Claim:
    """A void (frequency code 8) of a claim that has been sent, with the same lines."""
    return _correction(claim, claim_type=Claim.Type.VOID, actor=actor)


# --- sending -------------------------------------------------------------------------------------


def claims_for_export(claims: Iterable[Claim] | None = None):
    """Claims with everything the 837P prints, in a fixed number of queries."""
    queryset = Claim.objects.select_related("payer", "client", "coverage", "original").prefetch_related(
        Prefetch(
            "lines",
            queryset=ClaimLine.objects.select_related("billable_service__authorization").order_by("line_number"),
        )
    )
    if claims is not None:
        queryset = queryset.filter(pk__in=[c.pk for c in claims])
    return queryset.order_by("claim_number")


def _export_problems(claim: Claim) -> list[str]:
    problems = []
    if claim.status != S.DRAFT:
        problems.append(_("it is not a draft"))
    if claim.coverage is None:
        problems.append(_("the client has no coverage with this payer on its first date"))
    if not diagnosis_codes(claim.client):
        problems.append(_("the client has no diagnosis code"))
    if not (claim.client.address_line1 and claim.client.city and claim.client.state and claim.client.postal_code):
        problems.append(_("the client's address is incomplete"))
    if claim.claim_type != Claim.Type.INITIAL and not claim.payer_claim_number:
        problems.append(_("the payer's number for the original claim is missing"))
    if not list(claim.lines.all()):
        problems.append(_("it has no lines"))
    return problems


@transaction.atomic
def claims_export(*, claims: Iterable[Claim], actor) -> Interchange:
    """One 837P file for the draft claims (initial, replacement or void), stored as an
    Interchange with a control number never used before; the claims become SUBMITTED."""
    organization = current_organization()
    ident = billing_identity.billing_identity(organization)
    missing = billing_identity.missing(ident)
    if missing:
        names = ", ".join(missing)
        raise ValidationError(
            {"identity": _("The organization's billing identity is incomplete: %(names)s.") % {"names": names}}
        )
    chosen = list(claims_for_export(claims).select_for_update(of=("self",)))
    if not chosen:
        raise ValidationError({"claims": _("Choose at least one draft claim.")})
    problems = [f"{claim.claim_number}: {', '.join(found)}" for claim in chosen if (found := _export_problems(claim))]
    if problems:
        raise ValidationError({"claims": [_("These claims cannot be sent:"), *problems]})
    control = numbers.draw(numbers.INTERCHANGE)
    content = build_837p(chosen, identity=ident, control_number=control, now=clock.now(organization))
    interchange = Interchange.objects.create(
        kind=Interchange.Kind.CLAIMS_837P,
        control_number=control,
        content=content,
        content_hash=hashlib.sha256(content.encode()).hexdigest(),
        filename=f"837P-{control:09d}.x12",
        claim_count=len(chosen),
        created_by=actor,
    )
    today, now = clock.today(organization), timezone.now()
    Claim.objects.filter(pk__in=[c.pk for c in chosen]).update(
        status=S.SUBMITTED, submitted_date=today, interchange=interchange, updated_at=now
    )
    note = _("Sent in %(file)s.") % {"file": interchange.filename}
    ClaimEvent.objects.bulk_create(
        [
            _event(claim, actor=actor, from_status=S.DRAFT, to_status=S.SUBMITTED, note=note, interchange=interchange)
            for claim in chosen
        ]
    )
    return interchange


def draft_claims():
    return Claim.objects.filter(status=S.DRAFT).order_by("claim_number")
