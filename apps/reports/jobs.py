from datetime import date

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from apps.core.jobs import Job
from apps.reports import services


def purge_exports(*, day: date | None = None) -> int:
    return services.export_purge_expired()


# Hourly: an expired export's file should not wait a day to be gone.
PURGE_EXPORTS = Job(
    name="reports.purge_exports",
    description=_("Remove the files of report exports past their download date."),
    run=purge_exports,
    schedule=crontab(minute=20),
)
