"""Two settings the tryout found accepted: a shortest visit of 0 minutes and a client ID
pattern with {number} twice. Each is refused next to its field, in the reader's language."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from apps.tenants.models import Organization
from apps.tenants.tests.test_settings_page import URL, valid
from conftest import signed_in

CASES = [
    (
        "min_visit_minutes",
        0,
        "Enter at least 1 minute: with 0, no visit would ever count as too short.",
        "Indique al menos 1 minuto: con 0, ninguna visita contaría nunca como demasiado corta.",
    ),
    (
        "id_pattern",
        "C{number:05d}{number}",
        "Use {number} only once: each ID holds one number.",
        "Use {number} una sola vez: cada ID lleva un solo número.",
    ),
    (
        "audit_retention_years",
        5,
        "Audit records are kept at least six years (HIPAA): enter 6 or more.",
        "Los registros de auditoría se conservan al menos seis años (HIPAA): indique 6 o más.",
    ),
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("field", "value", "english", "spanish"), CASES, ids=[case[0] for case in CASES])
def test_the_value_is_refused_with_its_own_message(org_a, language, field, value, english, spanish):
    before = Organization.objects.get(pk=org_a.pk).settings
    client = signed_in(org_a, "admin")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(URL, valid(org_a, **{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert (english if language == "en" else spanish) in html
    assert Organization.objects.get(pk=org_a.pk).settings == before


def test_one_minute_and_one_number_are_accepted(org_a):
    response = signed_in(org_a, "admin").post(URL, valid(org_a, min_visit_minutes=1, id_pattern="{year}-{number}"))
    assert response.status_code == 302
    settings = Organization.objects.get(pk=org_a.pk).settings
    assert settings["scheduling"]["min_visit_minutes"] == 1
    assert settings["clients"]["id_pattern"] == "{year}-{number}"
