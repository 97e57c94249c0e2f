import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
application = get_wsgi_application()

# Refuses to serve behind PgBouncer pooling by transaction: the per-request search_path of
# django-tenants needs session pooling (apps/core/db/pooling.py).
from apps.core.db.pooling import ensure_session_pooling  # noqa: E402

ensure_session_pooling()
