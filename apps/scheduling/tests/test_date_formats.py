"""One way to write a date per language on every page ("Dec 5, 2026" / "5 dic 2026", "4:21 PM"
/ "16:21"), never ISO dates or microseconds in what a person reads; ISO stays in form inputs,
URLs and datetime attributes, which are for machines."""

import datetime as dt
import io
import re
from html import unescape

import pytest
from pypdf import PdfReader

from apps.clients import services as client_services
from apps.clients.tests.conftest import make_client
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from apps.staff import services as staff_services
from conftest import person, signed_in

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")

EXPECTED = {
    "en": {"birth": "May 17, 1990", "hired": "Jan 6, 2020", "plan": "Jan 4, 2027", "time": "9:30 AM"},
    "es": {"birth": "17 may 1990", "hired": "6 ene 2020", "plan": "4 ene 2027", "time": "09:30"},
}


def _visible(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("language", ["en", "es"])
def test_representative_pages_write_dates_one_way_per_language(org_a, language):
    maria = make_client(org_a, admission_date=dt.date(2026, 1, 5))
    monday = dt.date(2026, 12, 7)
    house = make_location(org_a)
    dana = make_staff(org_a, hire_date=dt.date(2020, 1, 6))
    make_shift(org_a, day=monday, start="09:30", end="17:00", staff=dana, location=house)
    with org_a:
        plan = client_services.care_plan_save(
            client=maria,
            plan_type="ISP",
            title="Plan",
            start_date=dt.date(2027, 1, 4),
            goals=[{"description": "Cook a meal", "start_date": "2027-01-04", "target_date": "2027-06-30"}],
            actor=person(org_a, "manager"),
        )
        staff_services.certification_save(
            staff=dana,
            certification_type="CPR",
            certification_name="CPR",
            issuing_organization="Red Cross",
            issue_date=dt.date(2026, 3, 2),
            expiry_date=dt.date(2028, 3, 2),
        )
    pages = [
        ("admin", f"/clients/{maria.pk}/", "birth"),
        ("admin", f"/clients/{maria.pk}/care-plans/{plan.pk}/", "plan"),
        ("auditor", "/audit/", None),
        ("scheduler", f"/scheduling/week/?week={monday.isoformat()}", "time"),
        ("hr", f"/staff/{dana.pk}/", "hired"),
    ]
    found = {}
    for role, url, expected in pages:
        reader = signed_in(org_a, role)
        reader.cookies["django_language"] = language
        response = reader.get(url)
        assert response.status_code == 200, url
        text = _visible(response.content.decode())
        found[url] = {
            "iso": ISO_DATE.findall(text),
            "microseconds": MICROSECONDS.findall(text),
            "expected": expected is None or EXPECTED[language][expected] in text,
        }
    assert found == {url: {"iso": [], "microseconds": [], "expected": True} for _role, url, _e in pages}
    printer = signed_in(org_a, "admin")
    printer.cookies["django_language"] = language
    pdf = printer.get(f"/clients/{maria.pk}/care-plans/{plan.pk}/pdf/")
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf))).pages)
    assert ISO_DATE.findall(text) == [] and EXPECTED[language]["plan"] in text
