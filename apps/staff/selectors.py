"""Reads: the directory, one person's record, expiring certifications, and the compliance
matrix (staff × requirements), each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import Role, User
from apps.accounts.permissions import can
from apps.core import clock
from apps.core.search import name_or_code_match
from apps.core.tenancy import current_organization, schema_name
from apps.core.versions import table_versions, tables_of
from apps.staff.models import (
    Certification,
    CertificationRequirement,
    Staff,
    TrainingProgram,
    TrainingRecord,
    certification_state,
)

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


def directory(*, query: str = "", status: str = "", department: str = "", sort: str = "name") -> QuerySet[Staff]:
    rows = Staff.objects.select_related("supervisor").only(
        "pk",
        "employee_id",
        "first_name",
        "last_name",
        "preferred_name",
        "job_title",
        "department",
        "employment_status",
        "supervisor__first_name",
        "supervisor__preferred_name",
        "supervisor__last_name",
    )
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
        rows = rows.filter(name_or_code_match("staff_staff", query, codes=("employee_id", "email")))
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
    today = today or clock.today()
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


@dataclass
class Column:
    key: str
    label: str
    kind: str  # "certification" or "training"
    ref: object  # the certification type, or the program's id
    roles: set
    titles: set


# Who must hold what changes seldom and is read by every conflict check (each shift list and
# form): kept per organization while these tables stand still (apps.core.versions).
REQUIREMENT_TABLES = tables_of(CertificationRequirement, TrainingProgram, Role)
_requirements: dict[str, tuple[tuple[int, ...], tuple[Column, ...]]] = {}


def requirement_columns() -> list[Column]:
    """The compliance matrix's columns: each required certification type, then each mandatory
    program, with the roles and job titles it applies to (none: everyone). Callers get a list
    of their own; the columns in it are shared and must not be changed."""
    schema = schema_name()
    versions = table_versions(*REQUIREMENT_TABLES)
    kept = _requirements.get(schema)
    if kept is None or kept[0] != versions:
        kept = (versions, tuple(_requirement_columns()))
        _requirements[schema] = kept
    return list(kept[1])


def requirements_clear() -> None:
    _requirements.clear()


def _requirement_columns() -> list[Column]:
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


@dataclass
class MatrixPerson:
    pk: str
    employee_id: str
    first_name: str
    last_name: str
    department: str
    job_title: str
    role_id: object


# What the matrix is made of: any write to these tables changes their versions
# (apps.core.versions), and with them the cache key below.
MATRIX_TABLES = tables_of(Staff, Certification, TrainingRecord, TrainingProgram, CertificationRequirement, User)
DIRECTORY_TABLES = tables_of(Staff)


def compliance_matrix(*, department: str = "", location: str = "", today: dt.date | None = None) -> dict:
    """The matrix, cached per organization and filter until any of its tables changes
    (reading their versions is one indexed query; building the matrix reads thousands of rows)."""
    import hashlib

    from django.core.cache import cache

    today = today or clock.today()
    versions = table_versions(*MATRIX_TABLES)
    digest = hashlib.sha256(f"{versions}|{department}|{location}|{today.isoformat()}".encode()).hexdigest()
    key = f"staff:matrix:{current_organization().schema_name}:{digest}"
    data = cache.get(key)
    if data is None:
        data = _build_matrix(department=department, location=location, today=today)
        cache.set(key, data, timeout=600)
    return data


def _build_matrix(*, department: str, location: str, today: dt.date) -> dict:
    """Rows of active staff, a cell per requirement: current, expiring, expired, missing, or
    "" where it does not apply. A fixed number of queries whatever the size; rows are read
    as plain values (500 people × 10 requirements is thousands of records)."""
    staff = Staff.objects.filter(employment_status=Staff.Status.ACTIVE).order_by("last_name", "first_name")
    if department:
        staff = staff.filter(department=department)
    if location:
        staff = staff.filter(work_location=location)
    people = [
        MatrixPerson(str(pk), employee_id, first_name, last_name, department_, job_title, role_id)
        for pk, employee_id, first_name, last_name, department_, job_title, role_id in staff.values_list(
            "pk", "employee_id", "first_name", "last_name", "department", "job_title", "user__role_id"
        )
    ]
    columns = requirement_columns()
    states = _matrix_states([p.pk for p in people], today)
    rows = []
    for person in people:
        cells = []
        title = person.job_title.strip().lower()
        for column in columns:
            if (column.roles or column.titles) and not (
                (person.role_id is not None and person.role_id in column.roles) or title in column.titles
            ):
                cells.append("")
            else:
                cells.append(states.get((person.pk, column.kind, str(column.ref)), "missing"))
        rows.append({"staff": person, "cells": cells})
    return {"columns": columns, "rows": rows, "today": today}


# The state of each person's newest certification of each type (renewed ones are history)
# and newest passed record of each program, worked out by PostgreSQL: thousands of rows
# come back as three short strings each. The rules are cert_matrix_state's and
# certification_state's (a test holds the two to the same answers); ids are text, which
# psycopg reads far faster than UUIDs.
MATRIX_STATES = """
    SELECT DISTINCT ON (c.staff_id, c.certification_type)
        c.staff_id::text, 'certification', c.certification_type,
        CASE WHEN c.status = 'suspended' THEN 'expired'
             WHEN c.expiry_date IS NULL THEN 'current'
             WHEN c.expiry_date < %(today)s THEN 'expired'
             WHEN c.expiry_date <= %(today)s + c.reminder_days_before THEN 'expiring'
             ELSE 'current' END
    FROM staff_certification c
    WHERE c.renewed_by_id IS NULL AND c.staff_id = ANY(%(ids)s::uuid[])
    ORDER BY c.staff_id, c.certification_type, c.issue_date DESC, c.created_at DESC
"""
TRAINING_STATES = """
    SELECT DISTINCT ON (r.staff_id, r.program_id)
        r.staff_id::text, 'training', r.program_id::text,
        CASE WHEN r.expires_on IS NULL OR r.expires_on > %(today)s + 30 THEN 'current'
             WHEN r.expires_on >= %(today)s THEN 'expiring'
             ELSE 'expired' END
    FROM staff_trainingrecord r
    WHERE r.passed AND r.staff_id = ANY(%(ids)s::uuid[])
    ORDER BY r.staff_id, r.program_id, r.completed_on DESC
"""


def _matrix_states(ids: list[str], today: dt.date) -> dict:
    from django.db import connection

    states = {}
    with connection.cursor() as cursor:
        for sql in (MATRIX_STATES, TRAINING_STATES):
            cursor.execute(sql, {"today": today, "ids": ids})
            states.update({(staff, kind, ref): state for staff, kind, ref, state in cursor.fetchall()})
    return states


def cert_matrix_state(status: str, expiry, remind: int, today: dt.date) -> str:
    """The matrix knows four states: a suspended certification counts as expired (it may not
    be relied on); one pending renewal follows its dates."""
    if status == Certification.Status.SUSPENDED:
        return "expired"
    if status == Certification.Status.PENDING_RENEWAL:
        status = Certification.Status.ACTIVE
    return certification_state(status, expiry, remind, today)


def may_see_pay(user) -> bool:
    return can(user, "staff.see_pay")
