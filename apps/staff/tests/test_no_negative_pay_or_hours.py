"""Pay and a program's hours are never negative: the page refuses them by their field."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.staff import services
from apps.staff.models import Staff, TrainingProgram
from apps.staff.tests.conftest import save_staff
from conftest import person, signed_in


def _staff(organization) -> Staff:
    with organization:
        return save_staff(
            actor=person(organization, "hr"),
            employee_id="E0001",
            first_name="Dana",
            last_name="Okafor",
            email="dana@example.org",
            hire_date=dt.date(2020, 1, 6),
            hourly_rate=Decimal("21.50"),
            pay_type="hourly",
        )


def _edit(staff: Staff, **pay: str) -> dict[str, str]:
    return {
        "employee_id": staff.employee_id,
        "first_name": staff.first_name,
        "last_name": staff.last_name,
        "email": staff.email,
        "hire_date": "2020-01-06",
        "employment_status": "active",
        "pay_type": "hourly",
        "hourly_rate": "21.50",
        "fte_percentage": "100",
    } | pay


@pytest.mark.parametrize(
    ("field", "message"),
    [("hourly_rate", "The hourly rate cannot be negative."), ("salary", "The salary cannot be negative.")],
)
def test_a_negative_hourly_rate_or_salary_is_refused_by_its_field_and_nothing_is_saved(org_a, field, message):
    staff = _staff(org_a)
    response = signed_in(org_a, "hr").post(f"/staff/{staff.pk}/edit/", _edit(staff, **{field: "-5"}))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    with org_a:
        staff.refresh_from_db()
        assert (staff.hourly_rate, staff.salary) == (Decimal("21.50"), None)


def test_a_negative_program_duration_is_refused_by_its_field_and_nothing_is_saved(org_a):
    with org_a:
        program = services.program_save(program_name="CPR", duration_hours=Decimal("4"))
    response = signed_in(org_a, "hr").post(
        f"/staff/training-programs/{program.pk}/", {"program_name": "CPR", "duration_hours": "-2", "is_active": "on"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["duration_hours"] == ["The duration cannot be negative."]
    with org_a:
        assert TrainingProgram.objects.get(pk=program.pk).duration_hours == Decimal("4")


def test_the_admin_refuses_a_negative_duration_too(org_a):
    response = signed_in(org_a, "admin").post(
        "/admin/staff/trainingprogram/add/", {"program_name": "CPR", "duration_hours": "-2", "is_active": "on"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["duration_hours"] == ["The duration cannot be negative."]
    with org_a:
        assert not TrainingProgram.objects.exists()
