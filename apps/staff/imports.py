"""The staff CSV import: every row checked by the staff form, then all rows saved through
staff_save in one transaction, or none (apps.core.imports runs it)."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.accounts.models import User
from apps.core.imports import run_import
from apps.staff import services
from apps.staff.forms import StaffForm
from apps.staff.models import Staff

IMPORT_COLUMNS = [
    "employee_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "hire_date",
    "employment_status",
    "department",
    "job_title",
    "work_location",
    "ssn",
    "hourly_rate",
    "pay_type",
]


def staff_import(*, content: str, actor: User, apply: bool, show_pay: bool) -> dict[str, Any]:
    """Check every row, then create all or none (pay columns only for people who may set pay)."""

    def prepare(row: dict[str, str]) -> list[str]:
        row["employment_status"] = row.get("employment_status") or Staff.Status.ACTIVE
        row.setdefault("fte_percentage", "100")
        return []

    def save(form: forms.BaseForm) -> None:
        values, pay = services.Pay.split(form.cleaned_data)
        services.staff_save(actor=actor, pay=pay, **values)

    return run_import(
        content=content,
        required=["employee_id", "first_name", "last_name", "email", "hire_date"],
        form_for=lambda row: StaffForm(data=row, show_pay=show_pay),
        prepare=prepare,
        unique="employee_id",
        save=save,
        apply=apply,
    )
