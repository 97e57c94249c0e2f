"""The billing app's notification kinds (registered in apps.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from apps.notifications import defaults

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_SAMPLE: dict[str, StrOrPromise] = {
    "authorization": "PA-2026-0142",
    "client": "Jordan E.",
    "service": "T1019",
    "used": "80%",
    "end": "2026-12-31",
}

AUTHORIZATION_80 = defaults.Kind(
    key="billing.authorization_80",
    # xgettext:no-python-format
    label=_("Authorization 80% used"),
    variables=["authorization", "client", "service", "used", "end"],
    title=_("Authorization {{ authorization }} is {{ used }} used"),
    message=_("{{ client }}'s authorization for {{ service }} is {{ used }} used; it ends {{ end }}."),
    sample=_SAMPLE,
)

AUTHORIZATION_100 = defaults.Kind(
    key="billing.authorization_100",
    label=_("Authorization used up"),
    variables=["authorization", "client", "service", "used", "end"],
    title=_("Authorization {{ authorization }} is used up"),
    message=_(
        "{{ client }}'s authorization for {{ service }} has no units left ({{ used }} used)."
        " Services beyond it cannot be billed."
    ),
    sample={**_SAMPLE, "used": "100%"},
)

AUTHORIZATION_ENDING = defaults.Kind(
    key="billing.authorization_ending",
    label=_("Authorization ending in 30 days"),
    variables=["authorization", "client", "service", "used", "end"],
    title=_("Authorization {{ authorization }} ends {{ end }}"),
    message=_(
        "{{ client }}'s authorization for {{ service }} ends {{ end }} ({{ used }} used). Ask the payer for a renewal."
    ),
    sample=_SAMPLE,
)

ALL = [AUTHORIZATION_80, AUTHORIZATION_100, AUTHORIZATION_ENDING]
