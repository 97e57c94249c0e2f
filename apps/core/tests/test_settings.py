"""Settings read from the environment: each fallback, and production's refusals."""

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DEBUG": "False",
    # Made up for each run: the repository holds no secret, not even a test one.
    "SECRET_KEY": secrets.token_urlsafe(50),
    "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    "FILES_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/starline",
    "ALLOWED_HOSTS": ".care.example.org,care.example.org",
    "BASE_DOMAIN": "care.example.org",
}


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    base.update({"DJANGO_SETTINGS_MODULE": "starline.settings", "STARLINE_TESTING": "0"}, **env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


def _settings(env: dict, *names: str) -> dict:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = _run(code, {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/starline", "DEBUG": "True", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FILES_ENCRYPTION_KEY"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _run("from django.conf import settings; settings.INSTALLED_APPS", env | {missing: ""})
    assert result.returncode != 0
    assert missing in result.stderr and "ImproperlyConfigured" in result.stderr


def test_check_deploy_with_the_documented_production_variables_prints_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")},
            **PRODUCTION,
            "STARLINE_TESTING": "0",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_redis_the_cache_is_local_memory_and_tasks_run_eagerly():
    values = _settings({"REDIS_URL": ""}, "CACHES", "CELERY_TASK_ALWAYS_EAGER")
    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert values["CACHES"]["default"]["KEY_FUNCTION"] == "django_tenants.cache.make_key"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True


def test_with_redis_the_cache_and_broker_use_it_with_tenant_keys():
    values = _settings(
        {"REDIS_URL": "redis://127.0.0.1:6379/3"}, "CACHES", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER"
    )
    cache = values["CACHES"]["default"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["REVERSE_KEY_FUNCTION"] == "django_tenants.cache.reverse_key"
    assert values["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/3"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False


def test_without_a_bucket_media_is_stored_locally_and_with_one_on_s3():
    local = _settings({"AWS_STORAGE_BUCKET_NAME": ""}, "STORAGES")
    assert local["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    s3 = _settings({"AWS_STORAGE_BUCKET_NAME": "agency-files", "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9"}, "STORAGES")
    assert s3["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["STORAGES"]["default"]["OPTIONS"]["querystring_expire"] == 60


def test_email_defaults_to_the_console():
    assert _settings({}, "EMAIL_BACKEND")["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_sessions_are_host_only():
    values = _settings({}, "SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN")
    assert values == {"SESSION_COOKIE_DOMAIN": None, "CSRF_COOKIE_DOMAIN": None}


def test_the_database_is_the_tenant_aware_backend_with_persistent_connections():
    db = _settings({}, "DATABASES")["DATABASES"]["default"]
    assert db["ENGINE"] == "apps.core.db"
    assert db["CONN_MAX_AGE"] > 0


def test_debug_is_off_unless_asked_for():
    result = _run(
        "from django.conf import settings; print(settings.DEBUG)",
        {k: v for k, v in PRODUCTION.items() if k != "DEBUG"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_x_forwarded_proto_is_trusted_only_when_asked():
    assert _settings({}, "SECURE_PROXY_SSL_HEADER").get("SECURE_PROXY_SSL_HEADER") is None
    trusted = _settings({"TRUST_X_FORWARDED_PROTO": "True"}, "SECURE_PROXY_SSL_HEADER")
    assert trusted["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_each_replica_url_becomes_a_replica_alias_with_the_primarys_engine_and_a_short_connect_timeout():
    found = _settings(
        {
            "DATABASE_REPLICA_URLS": "postgres://app@replica-a:5432/starline,postgres://app@replica-b:5433/starline",
            "REPLICA_CONNECT_TIMEOUT": "3",
        },
        "DATABASES",
        "REPLICA_DATABASES",
        "DATABASE_ROUTERS",
        "MIDDLEWARE",
    )
    assert found["REPLICA_DATABASES"] == ["replica1", "replica2"]
    second = found["DATABASES"]["replica2"]
    assert (second["HOST"], second["PORT"], second["ENGINE"]) == ("replica-b", 5433, "apps.core.db")
    assert second["OPTIONS"]["connect_timeout"] == 3
    # No test database of its own: in tests a replica alias reads the test database.
    assert second["TEST"] == {"MIRROR": "default"}
    assert found["DATABASE_ROUTERS"][0] == "apps.core.db.replicas.ReplicaRouter"
    assert "apps.core.db.replicas.ReplicaStickyMiddleware" in found["MIDDLEWARE"]


def test_without_replicas_there_is_no_replica_router_and_no_sticky_cookie():
    found = _settings({"DATABASE_REPLICA_URLS": ""}, "DATABASES", "DATABASE_ROUTERS", "MIDDLEWARE")
    assert not any(alias.startswith("replica") for alias in found["DATABASES"])
    assert found["DATABASE_ROUTERS"] == ["django_tenants.routers.TenantSyncRouter"]
    assert "apps.core.db.replicas.ReplicaStickyMiddleware" not in found["MIDDLEWARE"]
