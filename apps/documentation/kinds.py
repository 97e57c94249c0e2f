"""The documentation app's notification kinds (registered in apps.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.notifications import defaults

INCIDENT_ALERT = defaults.Kind(
    key="documentation.incident_alert",
    label=_("Incident with injury or suspected abuse"),
    variables=["form", "client", "what", "author"],
    title=_("Incident to review now: {{ client }}"),
    message=_("{{ author }} reported an incident ({{ form }}): {{ what }}. Review it now."),
    sample={"form": "Incident report", "client": "Jordan E.", "what": "Injury", "author": "Dana Okafor"},
)

REJECTED = defaults.Kind(
    key="documentation.rejected",
    label=_("Form sent back for correction"),
    variables=["form", "client", "reviewer", "reason"],
    title=_("To correct: {{ form }}"),
    message=_("{{ reviewer }} sent “{{ form }}” ({{ client }}) back: {{ reason }}"),
    sample={
        "form": "Daily progress note",
        "client": "Jordan E.",
        "reviewer": "Morgan Reyes",
        "reason": "Add the times.",
    },
)

SUBMITTED = defaults.Kind(
    key="documentation.submitted",
    label=_("Form waiting for approval"),
    variables=["form", "client", "author"],
    title=_("To approve: {{ form }}"),
    message=_("{{ author }} submitted “{{ form }}” for {{ client }}; it waits for your approval."),
    sample={"form": "Daily progress note", "client": "Jordan E.", "author": "Dana Okafor"},
)
