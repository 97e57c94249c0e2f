"""A real Celery worker, on the Redis the settings name, builds a queued export inside the
organization's schema: its progress moves, the file is stored and reads back as the CSV the
request would have sent, and the person is notified.

Needs REDIS_URL (CI sets it); without a broker there is no worker to start, and
test_background_exports.py covers the same path with tasks run in process. One module, one
worker: it is slow.
"""

import csv
import io
import time

import pytest
from django.conf import settings
from django.db import connection

from apps.accounts.models import User
from apps.files import storage
from apps.files.models import File
from apps.notifications.models import Notification
from apps.notifications.tests.worker import celery_worker
from apps.reports import catalog, exports, tasks
from apps.reports.models import Export
from apps.tenants.models import Organization

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.REDIS_URL, reason="no REDIS_URL: no broker for a worker"),
]

REPORT = catalog.CENSUS


@pytest.fixture(scope="module")
def private_root(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(scope="module")
def queued(django_db_setup, django_db_blocker, private_root):
    """A committed queued export (the worker reads through its own connection), and the CSV
    the request would have sent for the same report. Removed again at the end: the data is
    committed, outside any test's transaction."""
    with django_db_blocker.unblock():
        organization = Organization.objects.get(subdomain="alpha")
        with organization:
            user, _created = User.objects.get_or_create(
                email="export-worker@alpha.test", defaults={"first_name": "Wes", "status": User.Status.ACTIVE}
            )
            form = REPORT.form({})
            assert form.is_valid()
            rows = REPORT.rows(form.cleaned_data)
            expected = exports.csv_bytes(REPORT, rows, REPORT.totals(rows))
            export = Export.objects.create(
                user=user,
                user_email=user.email,
                report=REPORT.slug,
                format="csv",
                row_count=len(rows),
                status=Export.Status.QUEUED,
                progress=0,
            )
        connection.set_schema_to_public()
    yield organization, export, expected
    with django_db_blocker.unblock():
        with organization:
            export.refresh_from_db()
            file_id = export.file_id
            Notification.objects.filter(user=user).delete()
            Export.objects.filter(pk=export.pk).delete()
            File.objects.filter(pk=file_id).delete()
            user.delete()
        connection.set_schema_to_public()


def test_a_worker_on_redis_builds_a_queued_export(queued, private_root, settings):
    organization, export, expected = queued
    status = None
    env = {"PRIVATE_FILES_ROOT": str(private_root), "AWS_STORAGE_BUCKET_NAME": ""}
    with celery_worker(tasks.export_build.app, env=env) as worker, organization:
        tasks.export_build.apply_async(args=[str(export.pk)], queue=worker.queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            status = Export.objects.filter(pk=export.pk).values_list("status", flat=True).first()
            if status in (Export.Status.READY, Export.Status.FAILED):
                break
            time.sleep(0.5)
        assert status == Export.Status.READY, worker.stderr_if_dead() or (status, export.pk)
        export.refresh_from_db()
        assert export.progress == 100 and export.expires_at is not None
        file = File.objects.get(pk=export.file_id)
        assert Notification.objects.filter(user_id=export.user_id, notification_type="reports.export_ready").exists()
    # The bytes the worker stored, read through the files app's storage (same root).
    settings.PRIVATE_FILES_ROOT = private_root
    settings.AWS_STORAGE_BUCKET_NAME = ""
    storage._store.cache_clear()
    try:
        stored = b"".join(storage.store_for(file.storage_provider).chunks(file.file_path))
    finally:
        storage._store.cache_clear()
    assert stored == expected
    assert len(list(csv.reader(io.StringIO(stored.decode("utf-8-sig"))))) == export.row_count + 2
