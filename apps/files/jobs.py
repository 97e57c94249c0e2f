from datetime import date

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from apps.core.jobs import Job
from apps.files import services


def purge(*, day: date | None = None) -> int:
    return services.file_purge_expired()


PURGE = Job(
    name="files.purge",
    description=_("Remove files deleted more than 30 days ago, bytes and all."),
    run=purge,
    schedule=crontab(minute=30, hour=8),
)
