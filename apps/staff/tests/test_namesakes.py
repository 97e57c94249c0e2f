"""Namesakes in the compliance matrix and the directory: each row shows what tells two people
of the same name apart (employee ID and job title, or department)."""

import datetime as dt
from typing import Any

from apps.staff import services
from apps.staff.models import CertificationRequirement, Staff
from conftest import person, signed_in


def _staff(org, **fields) -> Staff:
    values: dict[str, Any] = {"first_name": "Dana", "last_name": "Okafor", "hire_date": dt.date(2020, 1, 6)} | fields
    values.setdefault("email", f"{values['employee_id'].lower()}@example.org")
    with org:
        return services.staff_save(actor=person(org, "hr"), **values)


def test_namesakes_are_told_apart_in_the_compliance_matrix_and_the_directory(org_a):
    _staff(org_a, employee_id="E2001", job_title="Direct Support Professional", department="Residential")
    _staff(org_a, employee_id="E2002", job_title="", department="Day Program")
    with org_a:
        CertificationRequirement.objects.create(certification_type="CPR")
    hr = signed_in(org_a, "hr")
    matrix = hr.get("/staff/compliance/").content.decode()
    assert "(E2001 · Direct Support Professional)" in matrix and "(E2002 · Day Program)" in matrix
    directory = hr.get("/staff/?q=Okafor").content.decode()
    assert "E2001" in directory and "Direct Support Professional" in directory and "Day Program" in directory
