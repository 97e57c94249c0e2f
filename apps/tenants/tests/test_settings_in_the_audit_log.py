"""A change on the settings page reads in the audit log (page and CSV) as one line per setting:
the page's label in the reader's language, the value before and after in words, never the
stored JSON."""

from __future__ import annotations

import csv
import io
import json

from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType

from apps.audit.models import LogEntry
from apps.tenants.models import Organization
from apps.tenants.tests.test_settings_page import URL, valid
from conftest import person, signed_in


def _save(org, **changes) -> LogEntry:
    response = signed_in(org, "admin").post(URL, valid(org, **changes))
    assert response.status_code == 302
    content_type = ContentType.objects.get_for_model(Organization)
    with org:
        return LogEntry.objects.get(content_type=content_type, object_pk=str(org.pk))


def _reader(org, language: str):
    client = signed_in(org, "auditor")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _lines(org, entry, language: str) -> dict[str, tuple[str, str]]:
    response = _reader(org, language).get("/audit/")
    assert response.status_code == 200
    (row,) = [row for row in response.context["page"].rows if row["id"] == entry.id]
    assert row["more_changes"] == 0
    return {change["field"]: (change["before"], change["after"]) for change in row["changes"]}


def _csv_changes(org, entry, language: str) -> dict:
    response = _reader(org, language).get("/audit/?format=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["entry"]: row for row in csv.DictReader(io.StringIO(text))}
    return json.loads(rows[str(entry.id)]["changes"])


def test_each_changed_setting_is_a_line_of_its_own_with_the_pages_label_and_words(org_a):
    nurse = person(org_a, "nurse")
    entry = _save(org_a, language="en")
    lines = _lines(org_a, entry, "en")
    idle = str(django_settings.SESSION_IDLE_MINUTES_DEFAULT)
    assert lines["Sign out after this many idle minutes"] == (idle, "20")
    assert lines["Two-factor sign-in"][1] == "Required for the roles chosen below"
    assert lines["Roles that must use two-factor sign-in"] == ("—", nurse.role.display_name)
    assert lines["Clock-in distance (metres)"][1] == "250"
    assert lines["Week starts on"][1] == "Monday"
    # The box left unticked on the page: the rule was on (its default), now off.
    assert lines["Care plans need a second person's approval"] == ("Yes", "No")
    assert lines["Keep the audit log for (years)"] == ("6", "8")
    assert lines["Client ID pattern"] == ("C{number:05d}", "AL-{year}-{number:04d}")
    # The organization's own columns keep their lines; nothing unchanged, nothing as JSON.
    assert lines["Time zone"][1] == "America/Denver"
    assert "Settings" not in lines and "Default language" not in lines
    assert not any("{" in after and "scheduling" in after for _before, after in lines.values())


def test_the_lines_read_in_spanish_for_a_spanish_reader(org_a):
    entry = _save(org_a, language="es", two_person_rule="on")
    lines = _lines(org_a, entry, "es")
    assert lines["Idioma predeterminado"] == ("Inglés", "Español")
    assert lines["La semana empieza el"][1] == "lunes"
    assert lines["Conservar el registro de auditoría durante (años)"] == ("6", "8")
    assert "Care plans need a second person's approval" not in str(lines)
    assert "Sign out after this many idle minutes" not in lines


def test_the_csv_writes_each_setting_and_each_field_by_its_label_in_the_readers_language(org_a):
    entry = _save(org_a, language="en")
    changes = _csv_changes(org_a, entry, "en")
    assert "settings" not in changes
    assert changes["Clock-in distance (metres)"][1] == "250"
    assert changes["Care plans need a second person's approval"] == ["Yes", "No"]
    # The organization's own columns by their names, as the page has them; values as logged.
    assert changes["Time zone"][1] == "America/Denver"
    assert changes["Contact phone"][1] == "+14155552671"
    assert not {"timezone", "contact_phone", "contact_email"} & set(changes)
    spanish = _csv_changes(org_a, entry, "es")
    assert spanish["Conservar el registro de auditoría durante (años)"] == ["6", "8"]
    assert spanish["Los planes de atención necesitan la aprobación de una segunda persona"] == ["Sí", "No"]
    assert spanish["Zona horaria"][1] == "America/Denver"
    assert spanish["Teléfono de contacto"][1] == "+14155552671"


def test_the_csv_names_a_domains_fields_as_the_page_does(org_a):
    from apps.tenants import domain_services
    from apps.tenants.models import Domain

    content_type = ContentType.objects.get_for_model(Domain)
    with org_a:  # as the organization's own domain page claims it: logged in its schema
        domain_services.custom_domain_claim(organization=org_a, domain="care.alpha-example.org")
        entry = LogEntry.objects.filter(content_type=content_type).latest("pk")
    english = _csv_changes(org_a, entry, "en")
    assert {"Kind", "Status", "Verification token", "Organization", "Domain"} <= set(english)
    assert not {"id", "kind", "token", "status", "tenant"} & set(english)
    spanish = _csv_changes(org_a, entry, "es")
    assert {"Tipo", "Estado", "Código de verificación", "Organización", "Dominio"} <= set(spanish)


def test_keys_no_section_reads_are_listed_by_where_they_are_stored(org_a):
    from apps.tenants import settings_audit

    with org_a:
        lines = settings_audit.changes({"beta": {"flag": True}}, {"beta": {"flag": False}, "files": {}}, {})
        # Not a settings object: the log shows the value as logged.
        unread = settings_audit.changes("not json", {}, {})
    assert lines == [("Beta › flag", True, False)]
    assert unread is None
