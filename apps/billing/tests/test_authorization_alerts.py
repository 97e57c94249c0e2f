"""The nightly authorization alerts: at 80% and 100% used and 30 days before the end, each
sent once to the people who follow authorizations."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.billing import jobs
from apps.billing.authorizations import authorization_save
from apps.billing.generation import billables_generate
from apps.billing.models import ServiceAuthorization
from apps.billing.tests.billables_support import make_setting, make_visit
from apps.core import clock
from apps.core.jobs import JOBS
from apps.notifications.models import Notification
from conftest import person


@pytest.fixture
def setting(org_a):
    today = clock.today(org_a)
    s = make_setting(
        org_a, units=Decimal("10.00"), start=today - dt.timedelta(days=20), end=today + dt.timedelta(days=90)
    )
    with org_a:
        yield s


def sent(kind):
    return Notification.objects.filter(notification_type=kind)


def work(setting, minutes):
    make_visit(setting, day=clock.today() - dt.timedelta(days=2), minutes=minutes, start="08:00")
    billables_generate(start=clock.today() - dt.timedelta(days=10), end=clock.today())


def test_both_jobs_are_registered():
    assert "billing.authorization_alerts" in JOBS
    assert "billing.billable_generation" in JOBS


def test_eighty_percent_is_sent_once_to_who_follows_authorizations(org_a, setting):
    work(setting, 120)  # 8 of 10 units
    assert jobs.authorization_alerts() == 1
    assert jobs.authorization_alerts() == 0
    recipients = set(sent("billing.authorization_80").values_list("user__email", flat=True))
    assert "billing@alpha.test" in recipients
    assert "admin@alpha.test" in recipients
    assert "manager@alpha.test" in recipients  # program managers read authorizations
    assert "dsp@alpha.test" not in recipients
    assert "auditor@alpha.test" not in recipients  # reads authorizations, acts on none
    assert not sent("billing.authorization_100").exists()


def test_a_hundred_percent_is_sent_once_without_a_second_eighty(org_a, setting):
    work(setting, 150)  # 10 units
    assert jobs.authorization_alerts() == 1
    assert sent("billing.authorization_100").exists()
    assert not sent("billing.authorization_80").exists()
    assert jobs.authorization_alerts() == 0


def test_thirty_days_before_the_end_is_sent_once(org_a, setting):
    assert jobs.authorization_alerts() == 0
    ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(
        end_date=clock.today() + dt.timedelta(days=30)
    )
    assert jobs.authorization_alerts() == 1
    assert sent("billing.authorization_ending").exists()
    assert jobs.authorization_alerts() == 0


def test_a_renewal_is_announced_again(org_a, setting):
    work(setting, 120)
    jobs.authorization_alerts()
    authorization_save(authorization=setting.authorization, actor=person(org_a, "admin"), units_authorized=Decimal("9"))
    assert jobs.authorization_alerts() == 1
    assert sent("billing.authorization_80").count() > 1


def test_the_generation_job_makes_yesterdays_services(org_a, setting):
    make_visit(setting, day=clock.today() - dt.timedelta(days=1))
    make_visit(setting, day=clock.today() - dt.timedelta(days=3))
    assert jobs.billable_generation() == 1
    assert jobs.billable_generation() == 0
