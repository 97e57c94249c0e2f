"""A refused renewal answers 400 with the certification's page and the renew form's errors
by their fields; nothing is renewed."""

import datetime as dt
from decimal import Decimal

from apps.staff import services
from apps.staff.models import Certification
from apps.staff.tests.conftest import save_staff
from conftest import person, signed_in


def _cpr(organization) -> Certification:
    with organization:
        staff = save_staff(
            actor=person(organization, "hr"),
            employee_id="E0001",
            first_name="Dana",
            last_name="Okafor",
            email="dana@example.org",
            hire_date=dt.date(2020, 1, 6),
            hourly_rate=Decimal("21.50"),
        )
        return services.certification_save(
            staff=staff,
            certification_type="CPR",
            certification_name="CPR",
            issuing_organization="Red Cross",
            issue_date=dt.date(2024, 1, 1),
            expiry_date=dt.date(2026, 1, 1),
        )


def _renew(organization, cert: Certification, data: dict[str, str]):
    return signed_in(organization, "hr").post(f"/staff/{cert.staff_id}/certifications/{cert.pk}/renew/", data)


def test_a_renewal_without_an_issue_date_is_refused_by_the_field_on_the_certifications_page(org_a):
    cert = _cpr(org_a)
    response = _renew(org_a, cert, {"issue_date": "", "expiry_date": "2028-01-01"})
    assert response.status_code == 400
    assert "issue_date" in response.context["renew"].errors
    assert response.context["form"].instance == cert and "Red Cross" in response.content.decode()
    with org_a:
        assert Certification.objects.count() == 1


def test_a_renewal_issued_before_the_certification_it_renews_is_refused_by_its_issue_date(org_a):
    cert = _cpr(org_a)
    response = _renew(org_a, cert, {"issue_date": "2023-12-31", "expiry_date": "2028-01-01"})
    assert response.status_code == 400
    assert response.context["renew"].errors["issue_date"] == [
        "A renewal cannot be issued before the certification it renews."
    ]
    with org_a:
        assert Certification.objects.count() == 1


def test_a_renewal_expiring_before_it_is_issued_is_refused_by_its_expiry_date(org_a):
    cert = _cpr(org_a)
    response = _renew(org_a, cert, {"issue_date": "2026-01-02", "expiry_date": "2025-01-01"})
    assert response.status_code == 400
    assert response.context["renew"].errors["expiry_date"] == ["The expiry date cannot be before the issue date."]
    with org_a:
        assert Certification.objects.count() == 1


def test_renewing_twice_is_refused_with_a_message_on_top(org_a):
    cert = _cpr(org_a)
    assert _renew(org_a, cert, {"issue_date": "2026-01-02", "expiry_date": "2028-01-01"}).status_code == 302
    response = _renew(org_a, cert, {"issue_date": "2026-01-02", "expiry_date": "2028-01-01"})
    assert response.status_code == 400 and "This certification was already renewed." in response.content.decode()
    with org_a:
        assert Certification.objects.count() == 2
