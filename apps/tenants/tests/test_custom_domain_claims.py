"""Several organizations may claim the same custom domain; a claim proves nothing, so it blocks
nobody. The first to prove it (its token in the TXT record) takes it; from then on the others'
checks say it is taken, new claims are refused, and no message names the organization that
holds it. The database itself keeps any host to one routing organization, races included.
DNS is a fake resolver (apps/tenants/tests/fake_dns.py); the database and cache are real."""

from __future__ import annotations

import datetime as dt
import threading

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.tenants import domain_dns, domain_services, host_cache
from apps.tenants.models import Domain
from conftest import host_client, signed_in

HOST = "shared-care.org"
RECORD = "_starline-verify." + HOST
URL = "/settings/domains/"
REFUSED = "This domain cannot be added. If you own it, contact support."
TAKEN = "This domain is already verified elsewhere, so it cannot serve your site. If you own it, contact support."


def _claim(org, host=HOST) -> Domain:
    return domain_services.custom_domain_claim(organization=org, domain=host)


def _names_of(org) -> list[str]:
    return [org.name, org.subdomain, org.primary_host, org.schema_name]


def _lapsed_notes(org) -> list[str]:
    from apps.notifications.models import Notification

    with org:
        return list(
            Notification.objects.filter(notification_type="tenants.domain_lapsed").values_list("user__email", flat=True)
        )


def test_two_organizations_may_hold_pending_claims_of_one_domain_each_with_its_own_token(org_a, org_b):
    alpha, beta = _claim(org_a), _claim(org_b)
    assert alpha.status == beta.status == Domain.Status.PENDING
    assert alpha.token != beta.token
    assert Domain.objects.filter(domain=HOST).count() == 2
    assert host_client(HOST).get("/").status_code == 404


def test_a_pending_claim_does_not_block_another_organization_on_the_page(org_a, org_b):
    _claim(org_a)
    response = signed_in(org_b, "admin").post(URL, {"custom_domain": HOST})
    assert response.status_code == 302
    assert Domain.objects.get(domain=HOST, tenant=org_b).status == Domain.Status.PENDING


def test_the_first_to_prove_the_domain_takes_it_and_the_others_check_says_taken(org_a, org_b, fake_dns_records):
    alpha, beta = _claim(org_a), _claim(org_b)
    # Whoever runs the DNS may publish both tokens; the first check to find its own wins.
    fake_dns_records.publish(RECORD, alpha.token, beta.token)
    alpha, event = domain_services.custom_domain_check(organization=org_a)
    assert event == domain_services.VERIFIED and alpha.status == Domain.Status.VERIFIED

    beta, event = domain_services.custom_domain_check(organization=org_b)
    assert event is None and beta.status == Domain.Status.PENDING
    assert beta.last_check_code == domain_dns.TAKEN and beta.verified_at is None
    assert beta.last_check_message == TAKEN
    assert org_a.name in host_client(HOST).get("/").content.decode()


def test_the_check_page_says_taken_without_naming_the_other_organization(org_a, org_b, fake_dns_records):
    alpha, beta = _claim(org_a), _claim(org_b)
    fake_dns_records.publish(RECORD, alpha.token, beta.token)
    domain_services.custom_domain_check(organization=org_a)
    client = signed_in(org_b, "admin")
    body = client.post(URL + "check/", follow=True).content.decode()
    assert TAKEN in body and "Does not serve your site yet." in body
    assert not any(name in body for name in _names_of(org_a))
    client.cookies["django_language"] = "es"
    body = client.get(URL).content.decode()
    assert "Este dominio ya está verificado en otro lugar, así que no puede servir su sitio." in body


def test_a_domain_serving_another_organization_is_refused_without_naming_it(org_a, org_b):
    _claim(org_a)
    domain_services.custom_domain_verify_by_hand(organization=org_a)
    with pytest.raises(ValidationError) as excinfo:
        _claim(org_b)
    assert excinfo.value.message_dict["custom_domain"] == [REFUSED]

    client = signed_in(org_b, "admin")
    response = client.post(URL, {"custom_domain": HOST})
    assert response.status_code == 400
    body = response.content.decode()
    assert REFUSED in body and not any(name in body for name in _names_of(org_a))
    client.cookies["django_language"] = "es"
    body = client.post(URL, {"custom_domain": HOST}).content.decode()
    assert "No se puede añadir este dominio. Si es suyo, póngase en contacto con soporte." in body
    assert not Domain.objects.filter(tenant=org_b, kind=Domain.Kind.CUSTOM).exists()
    org_b.refresh_from_db()
    assert org_b.custom_domain == ""


def test_a_domain_in_its_grace_period_still_blocks_and_one_past_it_is_taken_over(
    org_a, org_b, fake_dns_records, settings
):
    settings.CUSTOM_DOMAIN_GRACE_DAYS = 7
    alpha = _claim(org_a)
    fake_dns_records.publish(RECORD, alpha.token)
    domain_services.custom_domain_check(organization=org_a)
    # The record went missing three days ago: the domain still serves Alpha.
    Domain.objects.filter(pk=alpha.pk).update(failing_since=timezone.now() - dt.timedelta(days=3))
    with pytest.raises(ValidationError) as excinfo:
        _claim(org_b)
    assert excinfo.value.message_dict["custom_domain"] == [REFUSED]

    # Eight days: it serves nobody, though the daily job has not lapsed it yet.
    Domain.objects.filter(pk=alpha.pk).update(failing_since=timezone.now() - dt.timedelta(days=8))
    host_cache.clear()
    beta = _claim(org_b)
    fake_dns_records.publish(RECORD, beta.token)
    beta, event = domain_services.custom_domain_check(organization=org_b)
    assert event == domain_services.VERIFIED
    assert Domain.objects.get(pk=alpha.pk).status == Domain.Status.LAPSED
    assert _lapsed_notes(org_a) == ["admin@alpha.test"]
    assert org_b.name in host_client(HOST).get("/").content.decode()

    # Alpha's record is back, but the name is Beta's now.
    fake_dns_records.publish(RECORD, alpha.token)
    alpha, event = domain_services.custom_domain_check(organization=org_a)
    assert event is None and alpha.status == Domain.Status.LAPSED and alpha.last_check_code == domain_dns.TAKEN


def test_a_waiting_claim_verifies_once_the_holder_removes_the_domain(org_a, org_b, fake_dns_records):
    alpha, beta = _claim(org_a), _claim(org_b)
    fake_dns_records.publish(RECORD, alpha.token, beta.token)
    domain_services.custom_domain_check(organization=org_a)
    assert domain_services.custom_domain_check(organization=org_b)[0].last_check_code == domain_dns.TAKEN
    domain_services.custom_domain_remove(organization=org_a)
    beta, event = domain_services.custom_domain_check(organization=org_b)
    assert event == domain_services.VERIFIED
    assert org_b.name in host_client(HOST).get("/").content.decode()


def test_the_operator_cannot_verify_by_hand_a_domain_another_organization_serves(org_a, org_b):
    _claim(org_a)
    _claim(org_b)
    domain_services.custom_domain_verify_by_hand(organization=org_a)
    with pytest.raises(ValidationError) as excinfo:
        domain_services.custom_domain_verify_by_hand(organization=org_b)
    assert excinfo.value.messages == [f"{HOST} already serves another organization; remove it there first."]
    assert Domain.objects.get(domain=HOST, tenant=org_b).status == Domain.Status.PENDING

    connection.set_schema_to_public()
    operator = get_user_model().objects.create_superuser(email="operator@platform.test", password=None)
    client = host_client("localhost")
    client.force_login(operator)
    response = client.post(
        "/admin/tenants/organization/",
        {"action": "verify_custom_domain", "_selected_action": [str(org_b.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    assert f"{org_b.name}: {HOST} already serves another organization" in response.content.decode()
    assert Domain.objects.get(domain=HOST, tenant=org_b).status == Domain.Status.PENDING
    assert org_a.name in host_client(HOST).get("/").content.decode()


def test_the_database_refuses_two_organizations_routing_one_host(org_a, org_b):
    _claim(org_a)
    _claim(org_b)
    Domain.objects.filter(domain=HOST, tenant=org_a).update(status=Domain.Status.VERIFIED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Domain.objects.filter(domain=HOST, tenant=org_b).update(status=Domain.Status.VERIFIED)
    # Nor can a verified custom domain take another organization's subdomain host.
    with pytest.raises(IntegrityError), transaction.atomic():
        Domain.objects.filter(domain=HOST, tenant=org_b).update(
            domain=org_a.primary_host, status=Domain.Status.VERIFIED
        )


def _conninfo() -> str:
    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    )


def test_two_organizations_verifying_at_once_one_wins_and_the_other_is_told_taken(org_a, org_b, fake_dns_records):
    """Beta's verification is in flight in another transaction (its row verified, not yet
    committed) when Alpha's check finds its record: Alpha's write waits on the unique index,
    and once Beta commits it fails there and Alpha's check says taken."""
    alpha = _claim(org_a)
    fake_dns_records.publish(RECORD, alpha.token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (our_pid,) = cursor.fetchone()
    beta = psycopg.connect(_conninfo())
    watcher = psycopg.connect(_conninfo(), autocommit=True)
    beta_pk = beta.execute(
        "INSERT INTO public.tenants_domain (domain, tenant_id, is_primary, kind, status, token, verified_by_hand,"
        " last_check_code) VALUES (%s, %s, false, 'custom', 'verified', 'beta-token', false, 'found') RETURNING id",
        [HOST, org_b.pk],
    ).fetchone()[0]
    waited = threading.Event()

    def commit_once_alpha_waits() -> None:
        # Commits when Alpha's session waits on a lock (Beta's row), or after 30 s regardless,
        # so a failing test never hangs; the assertion on `waited` tells the two apart.
        for _attempt in range(300):
            row = watcher.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [our_pid]).fetchone()
            if row and row[0] == "Lock":
                waited.set()
                break
            threading.Event().wait(0.1)
        beta.commit()

    committer = threading.Thread(target=commit_once_alpha_waits)
    try:
        committer.start()
        alpha, event = domain_services.custom_domain_check(organization=org_a)
        committer.join()
        assert waited.is_set()
        assert event is None and alpha.status == Domain.Status.PENDING
        assert alpha.last_check_code == domain_dns.TAKEN
        host_cache.clear()
        assert org_b.name in host_client(HOST).get("/").content.decode()
    finally:
        committer.join()
        beta.execute("DELETE FROM public.tenants_domain WHERE id = %s", [beta_pk])
        beta.commit()
        beta.close()
        watcher.close()
