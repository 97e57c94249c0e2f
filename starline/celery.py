"""Celery application. Tasks run inside the organization's schema (tenant-schemas-celery).

Without REDIS_URL, settings make tasks eager so `make run` needs no broker.
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")

app = CeleryApp("starline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
