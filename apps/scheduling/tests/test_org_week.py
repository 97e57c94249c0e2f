"""'This week' is the organization's week in its own zone, for a request, a job or a command."""

import datetime as dt

import time_machine
from django.utils import timezone

from apps.scheduling import selectors

SUNDAY_1AM_UTC = dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.UTC)


def test_at_one_on_sunday_morning_utc_chicago_is_still_in_the_week_that_began_last_sunday(org_a, org_b):
    with time_machine.travel(SUNDAY_1AM_UTC, tick=False), timezone.override("UTC"):
        # Alpha (Chicago) is at Saturday 19:00; Beta (Madrid) at Sunday 02:00. Weeks start on Sunday.
        assert selectors.week_start(org_a) == dt.date(2026, 11, 29)
        assert selectors.week_start(org_b) == dt.date(2026, 12, 6)


def test_a_week_starting_on_monday_follows_the_organizations_setting(org_a):
    org_a.settings = {**(org_a.settings or {}), "scheduling": {"week_start": 0}}
    with time_machine.travel(SUNDAY_1AM_UTC, tick=False):
        assert selectors.week_start(org_a) == dt.date(2026, 11, 30)
