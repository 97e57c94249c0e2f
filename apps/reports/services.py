"""The writes of the reports: recording an export (what left the system) and, for a large
one, its life in the background: queued, running with its progress, ready with its stored
file (through the files app) until it expires, or failed with the reason; and purging the
files of expired ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.reports.models import Export
from apps.reports.registry import Report, filters_json

DEFAULT_INLINE_ROWS = 2000
DEFAULT_KEEP_DAYS = 7


def inline_rows() -> int:
    """Exports of more rows than this are built in the background."""
    return int(getattr(settings, "REPORT_EXPORT_INLINE_ROWS", DEFAULT_INLINE_ROWS))


def keep_for() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "REPORT_EXPORT_KEEP_DAYS", DEFAULT_KEEP_DAYS)))


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


@transaction.atomic
def export_queue(*, user, report: Report, filters: dict[str, Any], format: str, row_count: int) -> Export:
    """The export recorded as waiting; the caller hands its task to the broker once this is
    committed (tasks.export_enqueue: the worker reads the row through its own connection)."""
    return Export.objects.create(
        user=user,
        user_email=getattr(user, "email", "") or "",
        report=report.slug,
        filters=filters_json(filters),
        format=format,
        row_count=row_count,
        status=Export.Status.QUEUED,
        progress=0,
    )


def export_not_started(*, export_id) -> None:
    """The broker refused the task: the export says so rather than wait forever."""
    Export.objects.filter(pk=export_id, status=Export.Status.QUEUED).update(
        status=Export.Status.FAILED,
        error=_("The export could not be started (the task queue is unavailable). Try again later."),
        updated_at=timezone.now(),
    )


def export_start(*, export: Export) -> None:
    export.status, export.progress, export.error = Export.Status.RUNNING, 0, ""
    export.save(update_fields=["status", "progress", "error", "updated_at"])


def export_progress(*, export: Export, progress: int) -> None:
    """Committed at once (not inside the task's work), so the page polling it sees it move."""
    export.progress = max(0, min(99, progress))
    Export.objects.filter(pk=export.pk).update(progress=export.progress, updated_at=timezone.now())


def _export_url(export: Export) -> str:
    return reverse("reports:export", args=[export.pk])


def _title(export: Export) -> str:
    from apps.reports import registry

    report = registry.get(export.report)
    return str(report.title) if report is not None else export.report


@transaction.atomic
def export_complete(*, export: Export, content: bytes, filename: str, row_count: int) -> Export:
    """The file stored (attached to the export, so it shows in nobody's Files list) and the
    export ready, in one transaction with the notification: a failure leaves neither row (the
    files app removes bytes that got no row)."""
    from apps.files import services as files
    from apps.notifications.services import notify
    from apps.reports.kinds import EXPORT_READY

    if export.user is None:
        raise ValueError("an export whose person is gone has nobody to store it for")
    expires_at = timezone.now() + keep_for()
    # The file carries the date too: the files app's own download stops serving it then.
    stored = files.file_store_bytes(
        content=content,
        filename=filename,
        actor=export.user,
        description=_title(export),
        attach_to=export,
        expires_at=expires_at,
    )
    export.file = stored
    export.status, export.progress, export.error, export.row_count = Export.Status.READY, 100, "", row_count
    export.expires_at = expires_at
    export.save(update_fields=["file", "status", "progress", "error", "row_count", "expires_at", "updated_at"])
    notify(
        recipients=[export.user],
        type=EXPORT_READY.key,
        context={
            "report": _title(export),
            "format": export.get_format_display(),
            "until": date_format(timezone.localtime(export.expires_at), "SHORT_DATETIME_FORMAT"),
        },
        link=_export_url(export),
    )
    return export


@transaction.atomic
def export_fail(*, export: Export, reason: str) -> Export:
    from apps.notifications.services import notify
    from apps.reports.kinds import EXPORT_FAILED

    export.status, export.error, export.file = Export.Status.FAILED, reason[:2000], None
    export.save(update_fields=["status", "error", "file", "updated_at"])
    if export.user is not None:
        notify(
            recipients=[export.user],
            type=EXPORT_FAILED.key,
            context={"report": _title(export), "format": export.get_format_display(), "reason": reason[:500]},
            link=_export_url(export),
        )
    return export


def export_purge_expired(*, now: dt.datetime | None = None) -> int:
    """The stored files of exports past their date, gone for good (a scheduled job); returns
    how many. Each file is removed on its own (bytes first, see files.services.file_discard):
    one that storage cannot remove now stays for the next run."""
    from apps.files import services as files

    now = now or timezone.now()
    purged = 0
    for export in Export.objects.select_related("file").filter(file__isnull=False, expires_at__lte=now)[:1000]:
        assert export.file is not None  # the filter above
        # Deleting the file's row clears the export's link to it (on_delete=SET_NULL).
        purged += files.file_discard(file=export.file)
    return purged
