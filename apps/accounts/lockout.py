"""Sign-in lockout counted per account and address, with a ceiling per account.

django-axes records each failure against (account, address) (AXES_LOCKOUT_PARAMETERS), so
AXES_FAILURE_LIMIT failures from one address lock that address out of that account and no
one else: a stranger cannot lock a colleague out from elsewhere. Guessing spread over many
addresses is still caught: ACCOUNT_LOCKOUT_TOTAL failures within the cool-off, from any
addresses, lock the account everywhere.

The rows are axes' AccessAttempt, in each organization's schema; an admin's unlock deletes
every row of the account (both counts), a successful sign-in those of its own address.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def _total(username: str, since: Any) -> int:
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """How near a lockout this attempt is, as axes compares it with AXES_FAILURE_LIMIT:
        the failures of this account from this address, or the limit itself once the
        account's failures from all addresses reach ACCOUNT_LOCKOUT_TOTAL."""
        from_here = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if not username:
            return from_here
        if _total(username, get_cool_off_threshold(request)) >= settings.ACCOUNT_LOCKOUT_TOTAL:
            return max(from_here, get_failure_limit(request, credentials))
        return from_here


def is_locked_out(username: str) -> bool:
    """Whether some address (or every address) is refused this account's sign-ins now."""
    since = timezone.now() - get_cool_off()
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    per_address = recent.values("ip_address").annotate(n=Sum("failures_since_start"))
    if per_address.filter(n__gte=settings.AXES_FAILURE_LIMIT).exists():
        return True
    return _total(username, since) >= settings.ACCOUNT_LOCKOUT_TOTAL
