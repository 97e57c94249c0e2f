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

SUBMITTED = defaults.Kind(
    key="documentation.submitted",
    label=_("Form waiting for approval"),
    variables=["form", "client", "author"],
    title=_("To approve: {{ form }}"),
    message=_("{{ author }} submitted “{{ form }}” for {{ client }}; it waits for your approval."),
    sample={"form": "Daily progress note", "client": "Jordan E.", "author": "Dana Okafor"},
)
