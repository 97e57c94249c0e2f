import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
application = get_asgi_application()

# Refuses to serve behind PgBouncer pooling by transaction: the per-request search_path of
# django-tenants needs session pooling (apps/core/db/pooling.py).
from apps.core.db.pooling import ensure_session_pooling  # noqa: E402

ensure_session_pooling()
