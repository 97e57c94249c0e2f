"""A domain check's result is stored as a code, not as a sentence in the language of whoever
ran the check (an admin clicking "Check now" in Spanish, the daily job in English), and is put
in words in the language of whoever reads the page."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import translation

from apps.tenants import domain_dns, domain_jobs, domain_services, services
from apps.tenants.models import Domain
from apps.tenants.tests.fake_dns import TIMEOUT
from conftest import host_client, signed_in

HOST = "care.alpha-example.org"
RECORD = "_starline-verify." + HOST
URL = "/settings/domains/"
MIGRATION = importlib.import_module("apps.tenants.migrations.0004_domain_pending_claims_and_check_codes")


def _page(org, language: str) -> str:
    client = signed_in(org, "admin")
    client.cookies["django_language"] = language
    return client.get(URL).content.decode()


def test_a_check_run_in_spanish_is_stored_as_a_code_and_read_in_each_readers_language(org_a, fake_dns_records):
    domain_services.custom_domain_claim(organization=org_a, domain=HOST)
    spanish = signed_in(org_a, "admin")
    spanish.cookies["django_language"] = "es"
    said = spanish.post(URL + "check/", follow=True).content.decode()
    assert "No existe ningún registro TXT llamado _starline-verify.care.alpha-example.org." in said

    assert Domain.objects.get(domain=HOST).last_check_code == domain_dns.NXDOMAIN
    english = _page(org_a, "en")
    assert "No TXT record named _starline-verify.care.alpha-example.org exists." in english
    assert "No existe" not in english
    assert "No existe ningún registro TXT llamado _starline-verify.care.alpha-example.org." in _page(org_a, "es")


def test_the_daily_jobs_finding_reads_in_spanish_for_a_spanish_reader(org_a, fake_dns_records):
    domain = domain_services.custom_domain_claim(organization=org_a, domain=HOST)
    fake_dns_records.publish(RECORD, domain.token)
    domain_services.custom_domain_check(organization=org_a)
    fake_dns_records.fail(RECORD, TIMEOUT())
    ran = dict(services.run_job_everywhere(domain_jobs.RECHECK.name))
    assert ran[org_a] == 1
    assert Domain.objects.get(domain=HOST).last_check_code == domain_dns.TIMEOUT
    assert "El DNS no respondió a tiempo; inténtelo de nuevo en unos minutos." in _page(org_a, "es")
    assert "DNS did not answer in time; try again in a few minutes." in _page(org_a, "en")


@pytest.mark.parametrize(
    ("code", "english", "spanish"),
    [
        (domain_dns.FOUND, "The TXT record holds the token.", "El registro TXT contiene el código."),
        (domain_dns.NO_TXT, f"{RECORD} has no TXT record.", f"{RECORD} no tiene registro TXT."),
        (
            domain_dns.WRONG_TOKEN,
            f"{RECORD} has a TXT record, but not with this token.",
            f"{RECORD} tiene un registro TXT, pero no con este código.",
        ),
        (domain_dns.BY_HAND, "Verified by hand by the platform's operator.", "Verificado a mano por el operador"),
        (domain_dns.TAKEN, "already verified elsewhere", "ya está verificado en otro lugar"),
        ("", "", ""),
        ("from-a-newer-release", "", ""),
    ],
)
def test_each_code_reads_in_english_and_spanish(code, english, spanish):
    domain = Domain(domain=HOST, last_check_code=code)
    with translation.override("en"):
        assert english in domain.last_check_message and (english or domain.last_check_message == "")
    with translation.override("es"):
        assert spanish in domain.last_check_message and (spanish or domain.last_check_message == "")


def test_verifying_by_hand_is_stored_as_a_code_and_shown_in_the_platform_admin(org_a, fake_dns_records):
    domain_services.custom_domain_claim(organization=org_a, domain=HOST)
    connection.set_schema_to_public()
    operator = get_user_model().objects.create_superuser(email="operator@platform.test", password=None)
    client = host_client("localhost")
    client.force_login(operator)
    client.post("/admin/tenants/organization/", {"action": "verify_custom_domain", "_selected_action": [str(org_a.pk)]})
    domain = Domain.objects.get(domain=HOST)
    assert domain.last_check_code == domain_dns.BY_HAND and domain.verified_by_hand
    page = client.get(f"/admin/tenants/organization/{org_a.pk}/change/").content.decode()
    assert "Verified by hand by the platform&#x27;s operator." in page
    assert "Verificado a mano por el operador de la plataforma." in _page(org_a, "es")


@pytest.mark.parametrize(
    ("sentence", "by_hand", "code"),
    [
        ("The TXT record holds the token.", False, "found"),
        ("El registro TXT contiene el código.", False, "found"),
        (f"No TXT record named {RECORD} exists.", False, "nxdomain"),
        (f"No existe ningún registro TXT llamado {RECORD}.", False, "nxdomain"),
        (f"{RECORD} has no TXT record.", False, "no_txt"),
        (f"{RECORD} no tiene registro TXT.", False, "no_txt"),
        (f"{RECORD} has a TXT record, but not with this token.", False, "wrong_token"),
        (f"{RECORD} tiene un registro TXT, pero no con este código.", False, "wrong_token"),
        ("The domain is too long for a verification record.", False, "too_long"),
        ("El dominio es demasiado largo para un registro de verificación.", False, "too_long"),
        ("DNS did not answer in time; try again in a few minutes.", False, "timeout"),
        ("El DNS no respondió a tiempo; inténtelo de nuevo en unos minutos.", False, "timeout"),
        (f"DNS could not be asked about {RECORD}; try again in a few minutes.", False, "dns_error"),
        (f"No se pudo consultar el DNS sobre {RECORD}; inténtelo de nuevo en unos minutos.", False, "dns_error"),
        ("Verified by hand by the platform's operator.", True, "by_hand"),
        ("Verificado a mano por el operador de la plataforma.", True, "by_hand"),
        ("Something an operator typed.", True, "by_hand"),
        ("Something an operator typed.", False, ""),
        ("", False, ""),
    ],
)
def test_the_migration_reads_the_sentences_stored_before_in_either_language(sentence, by_hand, code):
    assert MIGRATION.code_for(sentence, by_hand=by_hand) == code
