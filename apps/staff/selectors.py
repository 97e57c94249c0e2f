"""Reads: the directory, one person's record, expiring certifications, and the compliance
matrix (staff × requirements), each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.permissions import can
from apps.staff.models import (
    Certification,
    CertificationRequirement,
    Staff,
    TrainingProgram,
    TrainingRecord,
    certification_state,
)

NAME_VECTOR = "to_tsvector('english', staff_staff.first_name || ' ' || staff_staff.last_name)"
WORD = re.compile(r"[\w']+", re.UNICODE)
SORTS = {
    "name": ("last_name", "first_name"),
    "-name": ("-last_name", "-first_name"),
    "employee_id": ("employee_id",),
    "-hire_date": ("-hire_date", "last_name"),
}


def get_staff(pk) -> Staff:
    try:
        staff = Staff.objects.select_related("supervisor", "user").filter(pk=pk).first()
    except (ValueError, TypeError):
        staff = None
    if staff is None:
        raise Http404
    return staff


def _tsquery(text: str) -> str:
    words = [w.replace("'", "") for w in WORD.findall(text)][:6]
    return " & ".join(f"{w}:*" for w in words if w)


def directory(*, query: str = "", status: str = "", department: str = "", sort: str = "name") -> QuerySet[Staff]:
    rows = Staff.objects.select_related("supervisor")
    if status == "all":
        pass
    elif status in Staff.Status.values:
        rows = rows.filter(employment_status=status)
    else:
        rows = rows.exclude(employment_status=Staff.Status.TERMINATED)
    if department:
        rows = rows.filter(department=department)
    query = query.strip()
    if query:
        match = Q(employee_id__istartswith=query) | Q(email__istartswith=query)
        terms = _tsquery(query)
        if terms:
            # The SQL is a constant (the index's own expression); the terms are a bound parameter.
            named = Staff.objects.extra(where=[f"{NAME_VECTOR} @@ to_tsquery('english', %s)"], params=[terms])  # noqa: S610
            match |= Q(pk__in=named.values("pk"))
        rows = rows.filter(match)
    return rows.order_by(*SORTS.get(sort, SORTS["name"]))


def departments() -> list[str]:
    return list(
        Staff.objects.exclude(department="").values_list("department", flat=True).distinct().order_by("department")
    )


def work_locations() -> list[str]:
    return list(
        Staff.objects.exclude(work_location="")
        .values_list("work_location", flat=True)
        .distinct()
        .order_by("work_location")
    )


def expiring_certifications(*, within_days: int = 30, today: dt.date | None = None) -> QuerySet[Certification]:
    """Current (not renewed) certifications of active staff expiring within `within_days`
    days: what the reminders and the scheduler ask about."""
    today = today or timezone.localdate()
    return (
        Certification.objects.filter(
            renewed_by__isnull=True,
            expiry_date__gte=today,
            expiry_date__lte=today + dt.timedelta(days=within_days),
            staff__employment_status=Staff.Status.ACTIVE,
        )
        .exclude(status=Certification.Status.SUSPENDED)
        .select_related("staff", "staff__user")
        .order_by("expiry_date")
    )


# --- who must hold what -----------------------------------------------------------------------


def _applies(rule_roles: set, rule_titles: set, staff: Staff) -> bool:
    """No roles and no titles: everyone. Otherwise the linked account's role, or the job title."""
    if not rule_roles and not rule_titles:
        return True
    role_id = staff.user.role_id if staff.user_id else None
    return (role_id is not None and role_id in rule_roles) or (staff.job_title.strip().lower() in rule_titles)


@dataclass
class Column:
    key: str
    label: str
    kind: str  # "certification" or "training"
    ref: object  # the certification type, or the program's id
    roles: set
    titles: set


def requirement_columns() -> list[Column]:
    columns = []
    for req in CertificationRequirement.objects.prefetch_related("required_roles"):
        columns.append(
            Column(
                key=f"cert:{req.certification_type}",
                label=req.certification_type,
                kind="certification",
                ref=req.certification_type,
                roles={r.pk for r in req.required_roles.all()},
                titles={t.strip().lower() for t in req.required_job_titles or []},
            )
        )
    for program in TrainingProgram.objects.filter(is_mandatory=True, is_active=True).prefetch_related("required_roles"):
        columns.append(
            Column(
                key=f"training:{program.pk}",
                label=program.program_name,
                kind="training",
                ref=program.pk,
                roles={r.pk for r in program.required_roles.all()},
                titles={t.strip().lower() for t in program.required_job_titles or []},
            )
        )
    return columns


def compliance_matrix(*, department: str = "", location: str = "", today: dt.date | None = None) -> dict:
    """Rows of active staff, a cell per requirement: current, expiring, expired, missing, or
    "" where it does not apply. Four queries whatever the size."""
    today = today or timezone.localdate()
    staff = (
        Staff.objects.filter(employment_status=Staff.Status.ACTIVE)
        .select_related("user")
        .order_by("last_name", "first_name")
    )
    if department:
        staff = staff.filter(department=department)
    if location:
        staff = staff.filter(work_location=location)
    staff = list(staff)
    columns = requirement_columns()
    ids = [s.pk for s in staff]
    # The newest certification of each type per person, and the newest record of each program.
    certs = {
        (c.staff_id, c.certification_type): c
        for c in Certification.objects.filter(staff_id__in=ids)
        .order_by("staff_id", "certification_type", "-issue_date")
        .distinct("staff_id", "certification_type")
        .only("staff_id", "certification_type", "status", "expiry_date", "reminder_days_before")
    }
    records = {
        (r.staff_id, r.program_id): r
        for r in TrainingRecord.objects.filter(staff_id__in=ids, passed=True)
        .order_by("staff_id", "program_id", "-completed_on")
        .distinct("staff_id", "program_id")
        .only("staff_id", "program_id", "expires_on")
    }
    rows = []
    for person in staff:
        cells = []
        for column in columns:
            if not _applies(column.roles, column.titles, person):
                cells.append("")
                continue
            if column.kind == "certification":
                cert = certs.get((person.pk, column.ref))
                cells.append(
                    "missing"
                    if cert is None
                    else certification_state(cert.status, cert.expiry_date, cert.reminder_days_before, today)
                )
            else:
                record = records.get((person.pk, column.ref))
                if record is None:
                    cells.append("missing")
                elif record.expires_on is None or record.expires_on > today + dt.timedelta(days=30):
                    cells.append("current")
                elif record.expires_on >= today:
                    cells.append("expiring")
                else:
                    cells.append("expired")
        rows.append({"staff": person, "cells": cells})
    return {"columns": columns, "rows": rows, "today": today}


def may_see_pay(user) -> bool:
    return can(user, "staff.see_pay")
