"""The clients app's notification kinds, read by its services (a plan sent for review) and
its jobs (review reminders); registered in apps.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.notifications import defaults

REVIEW_DUE_KIND = defaults.Kind(
    key="care_plan.review_due",
    label=_("Care plan review due"),
    variables=["client", "plan", "due"],
    title=_("Care plan review due: {{ client }}"),
    message=_("“{{ plan }}” is due for review on {{ due }}."),
    sample={"client": "Jordan E.", "plan": "Individual support plan 2026", "due": "2026-12-01"},
)


SUBMITTED_KIND = defaults.Kind(
    key="care_plan.submitted",
    label=_("Care plan waiting for approval"),
    variables=["client", "plan"],
    title=_("Care plan to approve: {{ client }}"),
    message=_("“{{ plan }}” was sent for review and waits for your approval."),
    sample={"client": "Jordan E.", "plan": "Individual support plan 2026"},
)
