"""Custom domains route only once their TXT record is found, keep routing through a grace
period when it disappears, then lapse, and the organization's admins are told both times.
DNS is a fake resolver (apps/tenants/tests/fake_dns.py); the database and cache are real."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from apps.tenants import domain_dns, domain_jobs, domain_services, host_cache, services
from apps.tenants.models import Domain
from apps.tenants.tests.fake_dns import TIMEOUT
from conftest import host_client

HOST = "care.alpha-example.org"
RECORD = "_starline-verify." + HOST


def _claim(org, host=HOST) -> Domain:
    return domain_services.custom_domain_claim(organization=org, domain=host)


def _verified(org, dns, host=HOST) -> Domain:
    domain = _claim(org, host)
    dns.publish(domain_dns.record_name(host), domain.token)
    domain, event = domain_services.custom_domain_check(organization=org)
    assert event == domain_services.VERIFIED
    return domain


def _notifications(org, kind: str) -> list[tuple[str, str]]:
    from apps.notifications.models import Notification

    with org:
        return list(
            Notification.objects.filter(notification_type=kind)
            .order_by("user__email")
            .values_list("user__email", "title")
        )


def test_a_claimed_domain_is_pending_with_a_token_and_does_not_route(org_a, fake_dns_records):
    domain = _claim(org_a, "  Care.Alpha-Example.org. ")
    assert (domain.domain, domain.status, domain.kind) == (HOST, Domain.Status.PENDING, Domain.Kind.CUSTOM)
    assert len(domain.token) == 40
    assert host_client(HOST).get("/").status_code == 404
    assert host_cache.lookup(HOST) is None


def test_a_domain_routes_once_its_record_holds_the_token(org_a, fake_dns_records):
    domain = _claim(org_a)
    assert host_client(HOST).get("/").status_code == 404  # the miss is cached: the check must clear it
    fake_dns_records.publish(RECORD, "v=spf1 -all", domain.token)
    domain, event = domain_services.custom_domain_check(organization=org_a)
    assert event == domain_services.VERIFIED and domain.status == Domain.Status.VERIFIED
    assert domain.verified_at is not None and domain.last_check_code == domain_dns.FOUND
    assert domain.last_check_message == "The TXT record holds the token."
    assert fake_dns_records.asked == [(RECORD, "TXT")]
    response = host_client(HOST).get("/")
    assert response.status_code == 200 and org_a.name in response.content.decode()


def test_a_token_split_over_several_strings_counts_as_one_value(org_a, fake_dns_records):
    domain = _claim(org_a)
    fake_dns_records.publish(RECORD, (domain.token[:10], domain.token[10:]))
    assert domain_services.custom_domain_check(organization=org_a)[0].status == Domain.Status.VERIFIED


@pytest.mark.parametrize(
    ("published", "said"),
    [
        (None, "No TXT record named _starline-verify.care.alpha-example.org exists."),
        ([], "has no TXT record"),
        (["someone-elses-token"], "has a TXT record, but not with this token"),
        (TIMEOUT(), "DNS did not answer in time"),
    ],
)
def test_a_pending_domain_whose_record_is_not_right_stays_pending_and_says_why(
    org_a, fake_dns_records, published, said
):
    _claim(org_a)
    if isinstance(published, Exception):
        fake_dns_records.fail(RECORD, published)
    elif published is not None:
        fake_dns_records.publish(RECORD, *published)
    domain, event = domain_services.custom_domain_check(organization=org_a)
    assert event is None and domain.status == Domain.Status.PENDING
    assert said in domain.last_check_message and domain.last_checked_at is not None
    assert host_client(HOST).get("/").status_code == 404


def test_another_organizations_token_does_not_verify_a_domain(org_a, org_b, fake_dns_records):
    beta = _claim(org_b, "beta-care.org")
    _claim(org_a)
    fake_dns_records.publish(RECORD, beta.token)
    assert domain_services.custom_domain_check(organization=org_a)[0].status == Domain.Status.PENDING


def test_a_missing_record_keeps_routing_through_the_grace_period_then_lapses(org_a, fake_dns_records, settings):
    settings.CUSTOM_DOMAIN_GRACE_DAYS = 7
    _verified(org_a, fake_dns_records)
    fake_dns_records.reset()
    start = timezone.now()

    domain, event = domain_services.custom_domain_check(organization=org_a, now=start)
    assert event == domain_services.FAILING and domain.failing_since == start
    assert domain.status == Domain.Status.VERIFIED
    assert host_client(HOST).get("/").status_code == 200

    day_six = start + dt.timedelta(days=6, hours=23)
    domain, event = domain_services.custom_domain_check(organization=org_a, now=day_six)
    assert event is None and domain.status == Domain.Status.VERIFIED and domain.failing_since == start

    domain, event = domain_services.custom_domain_check(organization=org_a, now=start + dt.timedelta(days=7))
    assert event == domain_services.LAPSED and domain.status == Domain.Status.LAPSED
    assert host_client(HOST).get("/").status_code == 404
    assert host_client(org_a.primary_host).get("/").status_code == 200


def test_routing_stops_at_the_end_of_the_grace_period_even_if_no_check_runs(org_a, fake_dns_records):
    _verified(org_a, fake_dns_records)
    Domain.objects.filter(domain=HOST).update(failing_since=timezone.now() - dt.timedelta(days=8))
    host_cache.clear()
    assert host_client(HOST).get("/").status_code == 404
    Domain.objects.filter(domain=HOST).update(failing_since=timezone.now() - dt.timedelta(days=6))
    host_cache.clear()
    assert host_client(HOST).get("/").status_code == 200


def test_a_record_back_within_the_grace_period_clears_the_failure(org_a, fake_dns_records):
    domain = _verified(org_a, fake_dns_records)
    fake_dns_records.reset()
    assert domain_services.custom_domain_check(organization=org_a)[1] == domain_services.FAILING
    fake_dns_records.publish(RECORD, domain.token)
    domain, event = domain_services.custom_domain_check(organization=org_a)
    assert event == domain_services.RECOVERED and domain.failing_since is None


def test_a_lapsed_domain_comes_back_when_its_record_is_found_again(org_a, fake_dns_records):
    domain = _verified(org_a, fake_dns_records)
    Domain.objects.filter(pk=domain.pk).update(status=Domain.Status.LAPSED, failing_since=timezone.now())
    host_cache.clear()
    assert host_client(HOST).get("/").status_code == 404
    domain, event = domain_services.custom_domain_check(organization=org_a)
    assert event == domain_services.VERIFIED and domain.failing_since is None
    assert host_client(HOST).get("/").status_code == 200


def test_the_admins_are_told_when_the_record_goes_missing_and_when_the_domain_lapses(org_a, fake_dns_records):
    _verified(org_a, fake_dns_records)
    fake_dns_records.reset()
    start = timezone.now()
    domain_services.custom_domain_check(organization=org_a, now=start)
    domain_services.custom_domain_check(organization=org_a, now=start + dt.timedelta(days=1))
    failing = _notifications(org_a, "tenants.domain_failing")
    assert failing == [("admin@alpha.test", f"The DNS record of {HOST} is missing")]
    with org_a:
        from apps.notifications.models import Notification

        note = Notification.objects.get(notification_type="tenants.domain_failing")
    assert RECORD in note.message and note.link == "/settings/domains/" and note.priority == "high"
    assert "email" in note.channels
    assert _notifications(org_a, "tenants.domain_lapsed") == []

    domain_services.custom_domain_check(organization=org_a, now=start + dt.timedelta(days=8))
    domain_services.custom_domain_check(organization=org_a, now=start + dt.timedelta(days=9))
    lapsed = _notifications(org_a, "tenants.domain_lapsed")
    assert lapsed == [("admin@alpha.test", f"{HOST} no longer serves your site")]
    assert _notifications(org_a, "tenants.domain_failing") == failing  # told once, not daily


def test_the_daily_job_rechecks_verified_domains_of_every_organization(org_a, org_b, fake_dns_records):
    alpha = _verified(org_a, fake_dns_records)
    _claim(org_b, "beta-care.org")  # pending: waits for its admin's "Check now"
    fake_dns_records.reset()
    fake_dns_records.publish(RECORD, alpha.token)
    ran = dict(services.run_job_everywhere(domain_jobs.RECHECK.name))
    assert ran[org_a] == 0 and ran[org_b] == 0
    assert fake_dns_records.asked == [(RECORD, "TXT")]

    fake_dns_records.reset()
    ran = dict(services.run_job_everywhere(domain_jobs.RECHECK.name))
    assert ran[org_a] == 1
    assert Domain.objects.get(domain=HOST).failing_since is not None
    assert len(_notifications(org_a, "tenants.domain_failing")) == 1
    assert _notifications(org_b, "tenants.domain_failing") == []
    # Run twice: nothing changes again, nobody is told again.
    ran = dict(services.run_job_everywhere(domain_jobs.RECHECK.name))
    assert ran[org_a] == 0 and len(_notifications(org_a, "tenants.domain_failing")) == 1


def test_the_job_is_registered_daily(db):
    from apps.core.jobs import JOBS, beat_schedule

    assert JOBS["tenants.custom_domains"] is domain_jobs.RECHECK
    assert beat_schedule()["job:tenants.custom_domains"]["task"] == "apps.tenants.tasks.run_job_all"


def test_the_platform_operator_can_verify_by_hand_and_the_daily_check_leaves_it(org_a, fake_dns_records):
    _claim(org_a)
    domain = domain_services.custom_domain_verify_by_hand(organization=org_a)
    assert domain.status == Domain.Status.VERIFIED and domain.verified_by_hand
    assert host_client(HOST).get("/").status_code == 200
    assert domain_services.custom_domain_recheck(organization=org_a) is None
    assert fake_dns_records.asked == []
    # A check that finds the record makes it an ordinary verified domain again.
    fake_dns_records.publish(RECORD, domain.token)
    domain, _event = domain_services.custom_domain_check(organization=org_a)
    assert not domain.verified_by_hand


def test_the_platform_admin_action_verifies_by_hand(org_a, fake_dns_records):
    from django.contrib.auth import get_user_model
    from django.db import connection

    _claim(org_a)
    connection.set_schema_to_public()
    operator = get_user_model().objects.create_superuser(email="operator@platform.test", password=None)
    client = host_client("localhost")
    client.force_login(operator)
    response = client.post(
        "/admin/tenants/organization/",
        {"action": "verify_custom_domain", "_selected_action": [str(org_a.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    # The domain keeps its case: Django's admin would capitalise the message's first letter.
    assert "care.alpha-example.org verified by hand for Alpha Community Living." in response.content.decode()
    assert Domain.objects.get(domain=HOST).status == Domain.Status.VERIFIED
    assert host_client(HOST).get("/").status_code == 200


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("localhost", "Enter a full domain name"),
        ("alpha.localhost", "cannot be under localhost"),
        ("192.0.2.10", "An IP address cannot be a custom domain"),
        ("[2001:db8::1]", "An IP address cannot be a custom domain"),
        ("not a domain", "Enter a full domain name"),
        ("", "Enter a domain name"),
        ("a" * 60 + "." + "b" * 60 + "." + "c" * 60 + "." + "d" * 50 + ".org", "too long"),
    ],
)
def test_bad_domains_are_refused_with_a_message_and_nothing_saved(org_a, typed, said):
    with pytest.raises(ValidationError) as excinfo:
        _claim(org_a, typed)
    assert said in " ".join(excinfo.value.message_dict["custom_domain"])
    assert not Domain.objects.filter(tenant=org_a, kind=Domain.Kind.CUSTOM).exists()
    org_a.refresh_from_db()
    assert org_a.custom_domain == ""


@override_settings(BASE_DOMAIN="starline.example", PUBLIC_HOSTS=["starline.example"])
def test_the_platforms_own_domain_is_refused(org_a):
    for typed in ("starline.example", "care.starline.example"):
        with pytest.raises(ValidationError) as excinfo:
            _claim(org_a, typed)
        assert "cannot be under starline.example" in excinfo.value.message_dict["custom_domain"][0]


def test_one_custom_domain_at_a_time(org_a):
    _claim(org_a)
    with pytest.raises(ValidationError) as excinfo:
        _claim(org_a, "other-alpha.org")
    assert "Remove the current custom domain" in excinfo.value.message_dict["custom_domain"][0]
    domain_services.custom_domain_remove(organization=org_a)
    assert _claim(org_a, "other-alpha.org").status == Domain.Status.PENDING


def test_removing_a_verified_domain_stops_it_routing_at_once(org_a, fake_dns_records):
    _verified(org_a, fake_dns_records)
    assert host_client(HOST).get("/").status_code == 200
    domain_services.custom_domain_remove(organization=org_a)
    assert host_client(HOST).get("/").status_code == 404
    assert not Domain.objects.filter(domain=HOST).exists()


def test_create_organization_leaves_a_custom_domain_pending_unless_the_operator_vouches(db, capsys):
    call_command(
        "create_organization",
        name="Delta",
        subdomain="delta",
        admin_email="boss@delta.test",
        custom_domain="delta-care.org",
    )
    out = capsys.readouterr().out
    domain = Domain.objects.get(domain="delta-care.org")
    assert domain.status == Domain.Status.PENDING
    assert f"_starline-verify.delta-care.org with the value {domain.token}" in out
    call_command(
        "create_organization",
        name="Epsilon",
        subdomain="epsilon",
        admin_email="boss@epsilon.test",
        custom_domain="epsilon-care.org",
        verify_domain=True,
    )
    domain = Domain.objects.get(domain="epsilon-care.org")
    assert domain.status == Domain.Status.VERIFIED and domain.verified_by_hand
    assert host_client("epsilon-care.org").get("/").status_code == 200
