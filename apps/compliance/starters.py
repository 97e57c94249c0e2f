"""The starter rules every organization begins with: one of each rule type, at the thresholds
an agency usually starts from, for its admins to tune in the Django admin.

A rule's name is one string, and starters are created in a schema before any organization's
language is known (the clone template), so the name is stored in English and
`display_name()` translates it on pages for as long as the organization has not renamed it.

Plain data only: migration 0003 creates these in every schema it runs in (the clone template
included, so every new organization gets them through the clone).
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

# Role names as apps/accounts/roles.py stores them (a migration imports no app code).
DSP = "Direct Support Professional"
NURSE = "Nurse"

STARTERS: dict[str, dict] = {
    "cpr_expiring": {
        "rule_name": gettext_noop("CPR expiring within 30 days"),
        "rule_type": "certification_expiring",
        "rule_definition": {"certification_type": "CPR", "within_days": 30},
        "severity": "high",
    },
    "cpr_missing": {
        "rule_name": gettext_noop("Direct support staff and nurses without valid CPR"),
        "rule_type": "certification_missing",
        "rule_definition": {"certification_type": "CPR", "roles": [DSP, NURSE]},
        "severity": "critical",
    },
    "training_overdue": {
        "rule_name": gettext_noop("Mandatory training overdue"),
        "rule_type": "training_overdue",
        "rule_definition": {"program": ""},
        "severity": "medium",
    },
    "care_plan_review": {
        "rule_name": gettext_noop("Care plan review due within 30 days"),
        "rule_type": "care_plan_review_due",
        "rule_definition": {"days": 30},
        "severity": "medium",
    },
    "isp_missing": {
        "rule_name": gettext_noop("Active client without an active ISP"),
        "rule_type": "care_plan_missing",
        "rule_definition": {"plan_type": "ISP"},
        "severity": "high",
    },
    "authorization_80": {
        # xgettext:no-python-format
        "rule_name": gettext_noop("Authorization 80% used"),
        "rule_type": "authorization_utilization",
        "rule_definition": {"threshold": 80},
        "severity": "medium",
    },
    "authorization_ending": {
        "rule_name": gettext_noop("Authorization ending within 30 days, not renewed"),
        "rule_type": "authorization_expiring",
        "rule_definition": {"days": 30},
        "severity": "high",
    },
    "evv_exceptions": {
        "rule_name": gettext_noop("EVV exception unresolved after 3 days"),
        "rule_type": "evv_exception_unresolved",
        "rule_definition": {"days": 3},
        "severity": "medium",
    },
    "visit_notes": {
        "rule_name": gettext_noop("Visit note missing after 48 hours"),
        "rule_type": "visit_note_missing",
        "rule_definition": {"hours": 48},
        "severity": "medium",
    },
    "unsigned_forms": {
        "rule_name": gettext_noop("Form still unsigned 2 days after submission"),
        "rule_type": "unsigned_submission",
        "rule_definition": {"template": "", "days": 2},
        "severity": "low",
    },
    "incidents_unreviewed": {
        "rule_name": gettext_noop("Incident not reviewed within 24 hours"),
        "rule_type": "incident_not_reviewed",
        "rule_definition": {"hours": 24},
        "severity": "critical",
    },
    "shifts_unqualified": {
        "rule_name": gettext_noop("Shift in the next 7 days without qualified staff"),
        "rule_type": "shift_without_qualified_staff",
        "rule_definition": {"days_ahead": 7},
        "severity": "high",
    },
}


def display_name(rule) -> str:
    """The rule's name in the reader's language while it is a starter's own English name."""
    starter = STARTERS.get(rule.starter or "")
    if starter is not None and rule.rule_name == starter["rule_name"]:
        return gettext(rule.rule_name)
    return rule.rule_name
