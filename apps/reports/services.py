"""The one write of the reports: recording an export (what left the system)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.reports.models import Export
from apps.reports.registry import Report, filters_json


@transaction.atomic
def export_record(*, user, report: Report, filters: dict[str, Any], format: str, row_count: int) -> Export:
    return Export.objects.create(
        user=user,
        user_email=getattr(user, "email", "") or "",
        report=report.slug,
        filters=filters_json(filters),
        format=format,
        row_count=row_count,
    )
