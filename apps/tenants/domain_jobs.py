"""The daily check of verified custom domains (a registered job: beat runs it for every
organization, `manage.py run_job tenants.custom_domains` by hand). Safe to run twice: a check
changes a domain only when what DNS says differs from what the row says, and the admins are
told only on those changes."""

from __future__ import annotations

import datetime as dt

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from apps.core.jobs import Job
from apps.core.tenancy import current_organization


def recheck(*, day: dt.date | None = None) -> int:
    """Check the custom domain of the organization whose schema is active (`day` is not used:
    DNS has only its present); returns 1 when the domain changed (failing, lapsed, back)."""
    from apps.tenants.domain_services import custom_domain_recheck

    organization = current_organization()
    if organization is None:
        return 0
    return 1 if custom_domain_recheck(organization=organization) else 0


RECHECK = Job(
    name="tenants.custom_domains",
    description=_("Check that verified custom domains still have their DNS record; lapse those missing too long."),
    run=recheck,
    schedule=crontab(minute=30, hour=5),
)
