"""Exports over the threshold (and PDFs over exports.PDF_MAX_ROWS) are built by a task (run
eagerly here; test_background_exports_worker.py runs one on a real worker): the POST records
the export and sends the person to its page, which follows its progress and then offers the
file, stored through the files app, equal to the export made in the request, until it
expires; a failure stores nothing; the person is notified; a job purges expired files; only
the person who asked and admins reach it; "My exports" lists them at a constant query count."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from apps.core import jobs
from apps.files.models import File
from apps.notifications.models import Notification
from apps.reports import catalog, exports, services, tasks
from apps.reports.models import Export
from apps.reports.tests import support
from conftest import person, signed_in

FILTERS = support.PERIOD
REPORT = catalog.STAFF_HOURS


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Stored files go under a fresh directory each test (as in apps/files/tests)."""
    from apps.files import storage

    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    storage._store.cache_clear()
    yield settings.PRIVATE_FILES_ROOT
    storage._store.cache_clear()


@pytest.fixture
def data(org_a):
    with org_a:
        yield support.build()


@pytest.fixture
def row_count(org_a, data) -> int:
    with org_a:
        form = REPORT.form(FILTERS)
        assert form.is_valid()
        count = len(REPORT.rows(form.cleaned_data))
    assert count >= 3, "the data must give the report a few rows"
    return count


def _post(browser, fmt, capture, report=REPORT, filters=FILTERS):
    with capture(execute=True):
        return browser.post(f"/reports/{report.slug}/export/", {**filters, "format": fmt})


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _download(browser, export) -> bytes:
    response = browser.get(f"/reports/exports/{export.pk}/download/")
    assert response.status_code == 302, response.status_code
    stored = browser.get(response["Location"])
    assert stored.status_code == 200, stored.status_code
    return _content(stored)


def _latest(org) -> Export:
    with org:
        return Export.objects.select_related("file").order_by("-created_at")[0]


def test_an_export_at_the_threshold_is_made_in_the_request(
    org_a, row_count, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_EXPORT_INLINE_ROWS = row_count
    response = _post(signed_in(org_a, "admin"), "csv", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and response.streaming
    export = _latest(org_a)
    assert (export.status, export.progress, export.file, export.expires_at) == ("ready", 100, None, None)
    browser = signed_in(org_a, "admin")
    assert "no copy is kept" in browser.get(f"/reports/exports/{export.pk}/").content.decode()
    assert browser.get(f"/reports/exports/{export.pk}/download/").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_above_the_threshold_runs_in_the_background_and_equals_the_inline_one(
    org_a, row_count, settings, django_capture_on_commit_callbacks, fmt
):
    browser = signed_in(org_a, "admin")
    settings.REPORT_EXPORT_INLINE_ROWS = row_count
    inline = _content(_post(browser, fmt, django_capture_on_commit_callbacks))
    settings.REPORT_EXPORT_INLINE_ROWS = row_count - 1
    response = _post(browser, fmt, django_capture_on_commit_callbacks)
    export = _latest(org_a)
    assert response.status_code == 302 and response["Location"] == f"/reports/exports/{export.pk}/"
    assert (export.status, export.progress, export.row_count) == ("ready", 100, row_count)
    assert export.file is not None and export.file.original_filename.endswith(f".{fmt}")
    assert export.expires_at - timezone.now() == pytest.approx(dt.timedelta(days=7), abs=dt.timedelta(minutes=1))
    stored = _download(browser, export)
    if fmt == "csv":
        assert stored == inline and stored.startswith(codecs.BOM_UTF8)
        assert len(list(csv.reader(io.StringIO(stored.decode("utf-8-sig"))))) == row_count + 2  # header and totals
    else:
        rows = [list(r) for r in load_workbook(io.BytesIO(stored)).active.iter_rows(values_only=True)]
        assert rows == [list(r) for r in load_workbook(io.BytesIO(inline)).active.iter_rows(values_only=True)]
    page = browser.get(f"/reports/exports/{export.pk}/").content.decode()
    assert f'href="/reports/exports/{export.pk}/download/"' in page and "hx-trigger" not in page


def test_a_pdf_too_long_for_the_request_is_made_in_the_background(
    org_a, row_count, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "PDF_MAX_ROWS", row_count - 1)
    browser = signed_in(org_a, "admin")
    response = _post(browser, "pdf", django_capture_on_commit_callbacks)
    export = _latest(org_a)
    assert response.status_code == 302 and export.status == "ready", export.error
    assert _download(browser, export).startswith(b"%PDF")


def test_progress_is_reported_as_rows_are_written(org_a, row_count, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    with org_a:
        form = REPORT.form(FILTERS)
        assert form.is_valid()
        rows = REPORT.rows(form.cleaned_data)
        seen: dict[str, list[int]] = {"csv": [], "xlsx": []}
        exports.csv_bytes(REPORT, rows, REPORT.totals(rows), progress=seen["csv"].append)
        exports.xlsx_bytes(REPORT, rows, REPORT.totals(rows), progress=seen["xlsx"].append)
    for fmt, top in (("csv", 95), ("xlsx", 90)):
        values = seen[fmt]
        assert values == sorted(values) and len(values) == row_count + 1, (fmt, values)  # rows and totals
        assert 0 < values[0] < top and values[-1] == top, (fmt, values)


def test_a_queued_export_shows_its_progress_and_polls_for_more(org_a, data):
    browser = signed_in(org_a, "admin")
    with org_a:
        export = services.export_queue(
            user=person(org_a, "admin"), report=REPORT, filters={}, format="csv", row_count=5000
        )  # not run: on_commit never fires inside the test's transaction
        services.export_start(export=export)
        services.export_progress(export=export, progress=40)
    page = browser.get(f"/reports/exports/{export.pk}/").content.decode()
    assert 'aria-live="polite"' in page and 'value="40"' in page
    assert f'hx-get="/reports/exports/{export.pk}/status/"' in page and 'hx-trigger="every 2s"' in page
    fragment = browser.get(f"/reports/exports/{export.pk}/status/")
    assert fragment.status_code == 200 and "40%" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    # Not ready: nothing to download yet.
    assert browser.get(f"/reports/exports/{export.pk}/download/").status_code == 404


def test_the_task_is_safe_to_run_twice(org_a, data, django_capture_on_commit_callbacks):
    with org_a:
        with django_capture_on_commit_callbacks(execute=False):
            export = services.export_queue(
                user=person(org_a, "admin"), report=REPORT, filters=FILTERS, format="csv", row_count=5000
            )
        files_before = File.objects.count()
        assert tasks.export_build(str(export.pk)) == "ready"
        assert tasks.export_build(str(export.pk)) == "skipped"
        assert File.objects.count() == files_before + 1
        assert Notification.objects.filter(notification_type="reports.export_ready").count() == 1


def test_a_run_while_another_holds_the_export_does_nothing(org_a, data):
    with org_a:
        export = services.export_queue(
            user=person(org_a, "admin"), report=REPORT, filters=FILTERS, format="csv", row_count=5000
        )
        with tasks._exclusive(str(export.pk)) as mine:
            assert mine
            # The same session may take its own lock again: ask from a second connection.
            from django.db import connections

            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [f"reports.export:{export.pk}"]
                    )
                    assert cursor.fetchone()[0] is False
            finally:
                other.close()


def test_a_failure_marks_the_export_failed_and_stores_nothing(
    org_a, row_count, settings, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "xlsx_bytes", broken)
    settings.REPORT_EXPORT_INLINE_ROWS = 1
    with org_a:
        files_before = File.objects.count()
    browser = signed_in(org_a, "admin")
    _post(browser, "xlsx", django_capture_on_commit_callbacks)
    export = _latest(org_a)
    assert export.status == "failed" and export.file is None
    assert "Something went wrong" in export.error and "disk full" not in export.error
    with org_a:
        assert File.objects.count() == files_before
        notification = Notification.objects.get(notification_type="reports.export_failed")
    assert notification.user == person(org_a, "admin") and notification.link == f"/reports/exports/{export.pk}/"
    page = browser.get(f"/reports/exports/{export.pk}/").content.decode()
    assert "The export failed." in page and "hx-trigger" not in page


def test_a_failure_while_storing_leaves_no_file_row(org_a, data, monkeypatch):
    from apps.notifications import services as notifications

    def broken(**kwargs):
        raise RuntimeError("notifications down")

    with org_a:
        export = services.export_queue(
            user=person(org_a, "admin"), report=REPORT, filters=FILTERS, format="csv", row_count=5000
        )
        files_before = File.objects.count()
        monkeypatch.setattr(notifications, "notify", broken)
        with pytest.raises(RuntimeError):
            services.export_complete(export=export, content=b"a\r\n", filename="x.csv", row_count=1)
        assert File.objects.count() == files_before


def test_filters_that_no_longer_match_fail_with_a_message(org_a, data):
    with org_a:
        export = services.export_queue(
            user=person(org_a, "admin"), report=catalog.BILLING, filters={}, format="csv", row_count=5000
        )
        Export.objects.filter(pk=export.pk).update(filters={"payer": "00000000-0000-0000-0000-000000000000"})
        assert tasks.export_build(str(export.pk)) == "failed"
        export.refresh_from_db()
    assert export.status == "failed" and "filters no longer match" in export.error


def test_the_person_is_notified_when_it_is_ready(org_a, row_count, settings, django_capture_on_commit_callbacks):
    settings.REPORT_EXPORT_INLINE_ROWS = 1
    _post(signed_in(org_a, "hr"), "csv", django_capture_on_commit_callbacks)
    export = _latest(org_a)
    with org_a:
        notification = Notification.objects.get(notification_type="reports.export_ready")
    assert notification.user == person(org_a, "hr")
    assert notification.link == f"/reports/exports/{export.pk}/"
    assert str(REPORT.title) in notification.title


def test_an_expired_export_cannot_be_downloaded(org_a, row_count, settings, django_capture_on_commit_callbacks):
    settings.REPORT_EXPORT_INLINE_ROWS = 1
    browser = signed_in(org_a, "admin")
    _post(browser, "csv", django_capture_on_commit_callbacks)
    export = _latest(org_a)
    # Signed in afresh each time: a week on, the first session has long timed out.
    with time_machine.travel(export.expires_at - dt.timedelta(minutes=1)):
        browser = signed_in(org_a, "admin")
        assert browser.get(f"/reports/exports/{export.pk}/download/").status_code == 302
    with time_machine.travel(export.expires_at + dt.timedelta(minutes=1)):
        browser = signed_in(org_a, "admin")
        gone = browser.get(f"/reports/exports/{export.pk}/download/")
        assert gone.status_code == 410 and "This export has expired" in gone.content.decode()
        assert "has expired" in browser.get(f"/reports/exports/{export.pk}/").content.decode()


def test_the_purge_job_removes_expired_files_and_says_how_many(
    org_a, row_count, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_EXPORT_INLINE_ROWS = 1
    browser = signed_in(org_a, "admin")
    _post(browser, "csv", django_capture_on_commit_callbacks)
    _post(browser, "xlsx", django_capture_on_commit_callbacks)
    job = jobs.JOBS["reports.purge_exports"]
    with org_a:
        old, new = Export.objects.filter(file__isnull=False).order_by("created_at")
        Export.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        path = settings.PRIVATE_FILES_ROOT
        stored_before = sum(1 for p in path.rglob("*") if p.is_file())
        assert job.run() == 1
        assert job.run() == 0
        old.refresh_from_db()
        new.refresh_from_db()
        assert old.file is None and new.file is not None
        assert not File.objects.filter(pk=old.file_id or old.pk).exists()
        assert sum(1 for p in path.rglob("*") if p.is_file()) == stored_before - 1
    gone = browser.get(f"/reports/exports/{old.pk}/download/")
    assert gone.status_code == 410


# --- who may see it -----------------------------------------------------------------------------


@pytest.fixture
def managers_export(org_a, data, settings, django_capture_on_commit_callbacks):
    settings.REPORT_EXPORT_INLINE_ROWS = 1
    response = _post(signed_in(org_a, "manager"), "csv", django_capture_on_commit_callbacks, catalog.CENSUS, {})
    assert response.status_code == 302
    return _latest(org_a)


@pytest.mark.parametrize("suffix", ["", "status/", "download/"])
def test_only_the_person_who_asked_and_admins_reach_an_export(org_a, org_b, managers_export, suffix):
    url = f"/reports/exports/{managers_export.pk}/{suffix}"
    ok = 302 if suffix == "download/" else 200
    assert signed_in(org_a, "manager").get(url).status_code == ok
    assert signed_in(org_a, "admin").get(url).status_code == ok
    # Another person of the organization who may open the same report, and other organizations.
    for browser in (signed_in(org_a, "billing"), signed_in(org_a, "dsp"), signed_in(org_b, "admin")):
        assert browser.get(url).status_code == 404, browser
    assert signed_in(org_b, "manager").get(url).status_code == 404


def test_the_file_itself_is_the_askers_and_admins_only(org_a, managers_export):
    file_url = f"/files/{managers_export.file_id}/download/"
    assert signed_in(org_a, "manager").get(file_url).status_code == 200
    assert signed_in(org_a, "admin").get(file_url).status_code == 200
    assert signed_in(org_a, "scheduler").get(file_url).status_code == 404
    # Attached to the export: in nobody's Files list.
    assert str(managers_export.file_id) not in signed_in(org_a, "manager").get("/files/").content.decode()


@pytest.mark.parametrize("suffix", ["", "status/", "download/"])
def test_a_role_without_the_reports_permission_is_refused(org_a, data, suffix):
    with org_a:
        # HR does not open the census: an export it holds (its role changed since) is refused.
        export = services.export_queue(
            user=person(org_a, "hr"), report=catalog.CENSUS, filters={}, format="csv", row_count=5000
        )
    assert signed_in(org_a, "hr").get(f"/reports/exports/{export.pk}/{suffix}").status_code == 403


def test_a_role_without_the_report_cannot_start_a_background_export(org_a, data, settings):
    settings.REPORT_EXPORT_INLINE_ROWS = 1
    assert signed_in(org_a, "hr").post("/reports/census/export/", {"format": "csv"}).status_code == 403
    with org_a:
        assert not Export.objects.exists()


# --- My exports ---------------------------------------------------------------------------------


def _make_exports(org, who: str, count: int) -> None:
    with org:
        user = person(org, who)
        for n in range(count):
            export = services.export_queue(user=user, report=REPORT, filters={}, format="csv", row_count=5000 + n)
            if n % 2:
                services.export_complete(export=export, content=b"a\r\n", filename="x.csv", row_count=1)


def test_my_exports_lists_ones_own_newest_first_at_a_constant_query_count(one_minute, org_a, data):
    browser = signed_in(org_a, "admin")
    assert "No exports yet" in browser.get("/reports/exports/").content.decode()
    _make_exports(org_a, "manager", 2)  # someone else's: never listed
    _make_exports(org_a, "admin", 3)
    browser.get("/reports/exports/")
    with CaptureQueriesContext(connection) as few:
        page = browser.get("/reports/exports/").content.decode()
    assert page.count('href="/reports/exports/') == 3 + 1  # each row, and the download of the ready one
    _make_exports(org_a, "admin", 20)
    browser.get("/reports/exports/")  # the header's unread count, cached again after the new notifications
    with CaptureQueriesContext(connection) as many:
        page = browser.get("/reports/exports/").content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert "Page 1 of 1" not in page and 'rel="next"' not in page  # 23 rows fit on one page of 25
    with org_a:
        newest = Export.objects.filter(user=person(org_a, "admin")).order_by("-created_at").first()
    assert page.index(str(newest.pk)) < page.index("5000")  # the newest row comes first


def test_my_exports_is_paginated_and_searchable(org_a, data):
    _make_exports(org_a, "admin", 27)
    browser = signed_in(org_a, "admin")
    first = browser.get("/reports/exports/").content.decode()
    assert 'rel="next"' in first and "Page 1 of 2" in first
    assert browser.get("/reports/exports/?page=2").status_code == 200
    assert "No exports match" in browser.get("/reports/exports/?q=census").content.decode()
    assert "No exports match" not in browser.get("/reports/exports/?q=payroll").content.decode()


def test_my_exports_is_linked_from_the_reports_index_and_speaks_spanish(org_a, data):
    browser = signed_in(org_a, "dsp")
    assert 'href="/reports/exports/"' in browser.get("/reports/").content.decode()
    browser.cookies["django_language"] = "es"
    page = browser.get("/reports/exports/").content.decode()
    assert "Mis exportaciones" in page and "Todavía no hay exportaciones" in page


def test_a_broker_that_refuses_the_task_fails_the_export_with_a_message(org_a, data, monkeypatch):
    def refused(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.export_build, "delay", refused)
    with org_a:
        export = services.export_queue(
            user=person(org_a, "admin"), report=REPORT, filters=FILTERS, format="csv", row_count=5000
        )
        tasks.export_enqueue(export.pk)
        export.refresh_from_db()
    assert export.status == "failed" and "task queue is unavailable" in export.error


# --- in the person's language; the file stops at expiry -----------------------------------------


def _spanish(organization):
    from apps.tenants import services as tenants

    tenants.organization_update(organization=organization, settings={**(organization.settings or {}), "language": "es"})


def test_the_notifications_are_written_in_the_persons_language_not_the_workers(org_a, data):
    from django.utils import translation

    _spanish(org_a)
    with org_a:
        ready = services.export_queue(
            user=person(org_a, "hr"), report=REPORT, filters=FILTERS, format="csv", row_count=5000
        )
        failing = services.export_queue(
            user=person(org_a, "hr"), report=catalog.BILLING, filters={}, format="csv", row_count=5000
        )
        Export.objects.filter(pk=failing.pk).update(filters={"payer": "00000000-0000-0000-0000-000000000000"})
        # The worker's own language is English.
        with translation.override("en"):
            assert tasks.export_build(str(ready.pk)) == "ready"
            assert tasks.export_build(str(failing.pk)) == "failed"
        done = Notification.objects.get(notification_type="reports.export_ready")
        failed = Notification.objects.get(notification_type="reports.export_failed")
        failing.refresh_from_db()
    assert done.title == "Su exportación está lista: Horas del personal por semana (nómina)"
    assert failed.title.startswith("Su exportación falló:")
    assert "Los filtros ya no coinciden con los registros" in failed.message
    assert "Los filtros ya no coinciden" in failing.error


def test_an_english_organizations_notifications_stay_english_on_a_spanish_worker(org_a, data):
    from django.utils import translation

    with org_a:
        export = services.export_queue(
            user=person(org_a, "hr"), report=REPORT, filters=FILTERS, format="csv", row_count=5000
        )
        with translation.override("es"):
            assert tasks.export_build(str(export.pk)) == "ready"
        done = Notification.objects.get(notification_type="reports.export_ready")
    assert done.title == f"Your export is ready: {REPORT.title}"


def test_the_files_own_download_stops_at_the_exports_expiry(
    org_a, row_count, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_EXPORT_INLINE_ROWS = 1
    _post(signed_in(org_a, "admin"), "csv", django_capture_on_commit_callbacks)
    export = _latest(org_a)
    assert export.file is not None and export.file.expires_at == export.expires_at
    url = f"/files/{export.file_id}/download/"
    with time_machine.travel(export.expires_at - dt.timedelta(minutes=1)):
        assert signed_in(org_a, "admin").get(url).status_code == 200
    # Before the purge job has run: the bytes are still stored, and still not served.
    with time_machine.travel(export.expires_at + dt.timedelta(minutes=1)):
        gone = signed_in(org_a, "admin").get(url)
        assert gone.status_code == 410 and not gone.streaming
        assert "This file is no longer available" in gone.content.decode()
    with org_a:
        assert File.objects.filter(pk=export.file_id).exists()


def test_a_file_without_an_expiry_downloads_as_before(org_a, data):
    from apps.files import services as files

    with org_a:
        stored = files.file_store_bytes(content=b"a,b\r\n", filename="plain.csv", actor=person(org_a, "admin"))
    assert stored.expires_at is None
    with time_machine.travel(timezone.now() + services.keep_for() + dt.timedelta(days=1)):
        assert signed_in(org_a, "admin").get(f"/files/{stored.pk}/download/").status_code == 200
