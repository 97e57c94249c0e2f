"""A large export built in the background, inside the organization's schema
(tenant-schemas-celery): the same rows and the same writers as an export made in the request,
its progress committed as it writes, the file stored through the files app.

Safe to run twice (a broker redelivering, a second worker): a run holds a PostgreSQL advisory
lock on the export while it works, and another run finding it held, or the export finished,
does nothing. A run that dies leaves the export "running" and the lock released, so a later
run of the same task starts it over."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from celery import shared_task
from django.db import connection
from django.utils.translation import gettext as _

from apps.core.db.replicas import reads_from_replica
from apps.core.tenancy import current_organization
from apps.notifications.services import written_for
from apps.reports import exports, registry, services
from apps.reports.models import Export

logger = logging.getLogger(__name__)


@contextmanager
def _exclusive(export_id: str) -> Iterator[bool]:
    """True while this run alone works on the export (a session lock: it spans the separate
    commits of the progress updates)."""
    key = f"reports.export:{export_id}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [key])
        mine = bool(cursor.fetchone()[0])
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])


class Refused(Exception):
    """A reason the person can act on (shown to them as it is)."""


def build(export: Export) -> tuple[bytes, str, int]:
    """The export's file: its bytes, its name and how many rows it holds."""
    report = registry.get(export.report)
    if report is None:
        raise Refused(_("This report no longer exists."))
    form = report.form(export.filters)
    if not form.is_valid():
        # A location or payer chosen in the filters was removed since.
        raise Refused(_("The filters no longer match the records; export again from the report."))
    # The rows may come from a replica, read as the file is written (the export's record and
    # its progress are written on the primary).
    with reads_from_replica():
        rows = report.rows(form.cleaned_data)
        totals = report.totals(rows)

        def progress(percent: int) -> None:
            services.export_progress(export=export, progress=percent)

        if export.format == Export.Format.CSV:
            content = exports.csv_bytes(report, rows, totals, progress=progress)
        elif export.format == Export.Format.XLSX:
            content = exports.xlsx_bytes(report, rows, totals, progress=progress)
        else:
            progress(10)  # the rows are read; WeasyPrint lays the pages out in one go
            content = exports.pdf_bytes(
                report, rows, totals, organization=current_organization(), summary=exports.summary(form)
            )
        return content, exports.filename(report, form.cleaned_data, export.format), len(rows)


@shared_task(name="apps.reports.tasks.export_build")
def export_build(export_id: str) -> str:
    with _exclusive(export_id) as mine:
        if not mine:
            return "skipped"
        export = Export.objects.select_related("user").filter(pk=export_id).first()
        if export is None or export.finished:
            return "skipped"
        # In the person's language and zone, not the worker's: the file, the reason it failed
        # and the notification are all read by them.
        with written_for(export.user):
            return _run(export)


def _run(export: Export) -> str:
    services.export_start(export=export)
    try:
        if export.user is None:
            raise Refused(_("The person who asked for it no longer has an account."))
        content, name, count = build(export)
        services.export_complete(export=export, content=content, filename=name, row_count=count)
    except Refused as refused:
        services.export_fail(export=export, reason=str(refused))
        return "failed"
    except Exception:
        logger.exception("reports: export %s failed", export.pk)
        services.export_fail(
            export=export, reason=_("Something went wrong while preparing it. Try again, or ask an administrator.")
        )
        return "failed"
    return "ready"


def export_enqueue(export_id) -> None:
    """Hand the export to the broker (after its row is committed). A broker that is down is
    the export's failure, shown on its page, never the request's."""
    try:
        export_build.delay(str(export_id))
    except Exception:  # kombu's and redis' errors alike: the broker, not the request
        logger.warning("reports: the broker did not take export %s", export_id, exc_info=True)
        services.export_not_started(export_id=export_id)
