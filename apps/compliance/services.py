"""Evaluating the rules, and acknowledging what they find.

A run evaluates every active rule of the organization whose schema is active: per rule, one
query finds the offending objects (the rule type's evaluator), one upsert records them (new →
open; still there → last seen now; resolved and back → open again, "reopened"), one update
resolves the findings whose objects it no longer found, and, when something is new, one
notification to the roles responsible. A constant number of queries per rule, whatever the
number of findings.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.compliance import kinds, rule_types
from apps.compliance.models import ComplianceRule, Finding, Severity
from apps.core import clock

logger = logging.getLogger(__name__)

NOTE_MAX = 2000


@dataclass
class RuleOutcome:
    rule: ComplianceRule
    found: int = 0
    opened: int = 0
    reopened: int = 0
    resolved: int = 0


@dataclass
class Run:
    outcomes: list[RuleOutcome] = field(default_factory=list)
    skipped: list[ComplianceRule] = field(default_factory=list)
    failed: list[ComplianceRule] = field(default_factory=list)

    @property
    def opened(self) -> int:
        return sum(o.opened + o.reopened for o in self.outcomes)

    @property
    def resolved(self) -> int:
        return sum(o.resolved for o in self.outcomes)

    @property
    def found(self) -> int:
        return sum(o.found for o in self.outcomes)


UPSERT = """
INSERT INTO compliance_finding AS f (
    id, created_at, updated_at, rule_id, content_type_id, object_id, label, url_name, url_args,
    location_id, severity, status, first_seen, last_seen, acknowledgement_note
)
SELECT gen_random_uuid(), %(now)s, %(now)s, %(rule)s, %(content_type)s, u.object_id, u.label, u.url_name,
       u.url_args::jsonb, u.location_id, %(severity)s, 'open', %(now)s, %(now)s, ''
FROM unnest(%(ids)s::uuid[], %(labels)s::text[], %(url_names)s::text[], %(url_args)s::text[], %(locations)s::uuid[])
    AS u(object_id, label, url_name, url_args, location_id)
ON CONFLICT (rule_id, content_type_id, object_id) DO UPDATE SET
    last_seen = EXCLUDED.last_seen,
    label = EXCLUDED.label,
    url_name = EXCLUDED.url_name,
    url_args = EXCLUDED.url_args,
    location_id = EXCLUDED.location_id,
    severity = EXCLUDED.severity,
    status = CASE WHEN f.status = 'resolved' THEN 'open' ELSE f.status END,
    resolved_at = NULL,
    reopened_at = CASE WHEN f.status = 'resolved' THEN EXCLUDED.last_seen ELSE f.reopened_at END,
    updated_at = CASE WHEN f.status = 'resolved' THEN EXCLUDED.last_seen ELSE f.updated_at END
RETURNING (xmax = 0), (reopened_at IS NOT NULL AND reopened_at = last_seen)
"""

# Findings of the rule whose objects this run did not find: their condition cleared.
RESOLVE = """
UPDATE compliance_finding SET status = 'resolved', resolved_at = %(now)s, updated_at = %(now)s
WHERE rule_id = %(rule)s AND status <> 'resolved' AND NOT (object_id = ANY(%(ids)s::uuid[]))
"""


def rules_evaluate(*, rules: list[ComplianceRule] | None = None, now=None) -> Run:
    """Evaluate the active rules (or those given) of the active organization; each rule in its
    own transaction, so one that fails is rolled back alone and the others are recorded (a rule
    whose definition does not fit is skipped). Findings of rules switched off are resolved: a
    rule that is off finds nothing."""
    now = now or timezone.now()
    at = rule_types.Moment(today=clock.today(), now=now)
    run = Run()
    chosen = rules if rules is not None else list(ComplianceRule.objects.filter(is_active=True))
    for rule in chosen:
        rule_type = rule_types.REGISTRY.get(rule.rule_type)
        if rule_type is None or rule_types.definition_errors(rule_type, rule.rule_definition):
            # Saved around the form (a script, the database): left for an admin to correct.
            logger.warning("compliance rule %s (%s) skipped: its definition does not fit", rule.pk, rule.rule_type)
            run.skipped.append(rule)
            continue
        try:
            run.outcomes.append(rule_evaluate(rule=rule, at=at))
        except DatabaseError:
            # Rolled back alone (its own transaction): the night's other rules still run.
            logger.exception("compliance rule %s (%s) failed", rule.pk, rule.rule_type)
            run.failed.append(rule)
    if rules is None:
        Finding.objects.filter(rule__is_active=False).exclude(status=Finding.Status.RESOLVED).update(
            status=Finding.Status.RESOLVED, resolved_at=now, updated_at=now
        )
    return run


@transaction.atomic
def rule_evaluate(*, rule: ComplianceRule, at: rule_types.Moment) -> RuleOutcome:
    rule_type = rule_types.REGISTRY[rule.rule_type]
    params = rule_types.parameters(rule_type, rule.rule_definition)
    rows = {row["pk"]: row for row in rule_type.evaluate(params, at)}
    content_type = ContentType.objects.get_by_natural_key(*rule_type.model.lower().split("."))
    ids, labels, url_names, url_args, locations = [], [], [], [], []
    for pk, row in rows.items():
        name, args = rule_type.link(row)
        ids.append(pk)
        labels.append(rule_type.label(row) or str(pk))
        url_names.append(name)
        url_args.append(json.dumps([str(arg) for arg in args]))
        locations.append(row.get("place_id"))
    outcome = RuleOutcome(rule=rule, found=len(ids))
    params_sql: dict[str, Any] = {"now": at.now, "rule": rule.pk, "ids": ids}
    with connection.cursor() as cursor:
        if ids:
            cursor.execute(
                UPSERT,
                {
                    **params_sql,
                    "content_type": content_type.pk,
                    "severity": rule.severity,
                    "labels": labels,
                    "url_names": url_names,
                    "url_args": url_args,
                    "locations": locations,
                },
            )
            for created, reopened in cursor.fetchall():
                outcome.opened += bool(created)
                outcome.reopened += bool(reopened)
        cursor.execute(RESOLVE, params_sql)
        outcome.resolved = cursor.rowcount
    if outcome.opened or outcome.reopened:
        _tell(rule, rule_type, outcome.opened + outcome.reopened)
    return outcome


def _tell(rule: ComplianceRule, rule_type: rule_types.RuleType, count: int) -> None:
    """One notification per rule and run to the roles responsible (and the admins): a critical
    rule's at once, by email too; the others in-app only, which the next morning's digest
    (notifications' daily digest of unread notifications) sends on by email."""
    from django.urls import reverse

    from apps.accounts import roles
    from apps.accounts.models import Role
    from apps.notifications import services as notifications
    from apps.notifications.models import Notification

    critical = rule.severity == Severity.CRITICAL
    recipients = list(Role.objects.filter(name__in=[roles.ORGANIZATION_ADMIN, *rule_type.responsible]))
    # Written in the organization's language: the nightly job has no visitor whose language
    # it could take, and the rule's name and severity are words too.
    with notifications.written_for(None):
        notifications.notify(
            recipients=recipients,
            type=kinds.FINDINGS.key,
            context={"rule": rule.display_name, "count": count, "severity": rule.get_severity_display()},
            priority=Notification.Priority.URGENT if critical else Notification.Priority.NORMAL,
            channels=["in_app", "email"] if critical else ["in_app"],
            link=f"{reverse('compliance:findings')}?rule={rule.pk}",
        )


@transaction.atomic
def finding_acknowledge(*, finding: Finding, actor, note: str) -> Finding:
    """Someone responsible has seen an open finding and says what is being done: it stays on the
    dashboard as acknowledged until its condition clears (then it resolves itself)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what is being done about it.")})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Keep the note under %(n)s characters.") % {"n": NOTE_MAX}})
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != Finding.Status.OPEN:
        raise ValidationError({"note": _("Only an open finding can be acknowledged.")})
    finding.status = Finding.Status.ACKNOWLEDGED
    finding.acknowledgement_note = note
    finding.acknowledged_by = actor
    finding.acknowledged_at = timezone.now()
    finding.save(update_fields=["status", "acknowledgement_note", "acknowledged_by", "acknowledged_at", "updated_at"])
    return finding


@transaction.atomic
def rule_save(*, rule: ComplianceRule | None = None, **fields) -> ComplianceRule:
    """Create or change a rule; its definition must fit its type's schema."""
    rule = rule or ComplianceRule()
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    return rule
