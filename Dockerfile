# Starline web image: gunicorn serving Django, static files through whitenoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=starline.settings

# WeasyPrint's libraries (harfbuzz-subset makes it about 4x faster), gettext for the
# translations, fonts for PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libffi8 \
      shared-mime-info fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 starline
WORKDIR /app

COPY requirements.txt .
# Every package pinned with its hashes (requirements.in -> `make lock`): a download that differs
# from what was locked is refused.
RUN pip install --require-hashes -r requirements.txt

COPY --chown=starline:starline . .
# collectstatic and compilemessages need settings but no database or real secrets.
RUN export DEBUG=False SECRET_KEY=build-only FIELD_ENCRYPTION_KEYS=build-only \
           DATABASE_URL=postgres://build@localhost/build \
 && python manage.py collectstatic --noinput -v0 \
 && python manage.py compilemessages -v0

USER starline
EXPOSE 8000
# Serves as DATABASE_URL's role, which should own nothing: run `manage.py migrate_fleet` and
# `manage.py db_roles` with DATABASE_OWNER_URL set first (docker-compose.yml does; README).
CMD ["gunicorn", "-c", "gunicorn.conf.py", "starline.wsgi"]
