"""Every response of a production-mode server carries the security headers.

A real gunicorn with DEBUG off, the production settings (secrets, HTTPS behind a proxy that
says so with X-Forwarded-Proto, whitenoise serving collected static files) against the test
database: the middleware order decides which responses get the headers, and only the whole
stack shows it. The test client's settings are not production's.
"""

from __future__ import annotations

import base64
import http.client
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
# This checkout's spare range (its other tests keep 8089 free, as a port where nothing listens).
PORT = 8081
THROTTLED_AFTER = 2


def _environment(static_root: Path, files_root: Path) -> dict[str, str]:
    from apps.files import crypto

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_CURRENT_TEST")
    }
    database = connection.settings_dict
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "starline.settings",
            "DEBUG": "False",
            "STARLINE_TESTING": "0",
            # The test process's keys: the server must read the sessions and encrypted
            # fields the tests wrote (test values, made for the test database only).
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "FILES_ENCRYPTION_KEY": base64.b64encode(crypto.master_key()).decode(),
            "PRIVATE_FILES_ROOT": str(files_root),
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
            "BASE_DOMAIN": settings.BASE_DOMAIN,
            "TRUST_X_FORWARDED_PROTO": "True",
            "STATIC_ROOT": str(static_root),
            "THROTTLE_LINK": f"{THROTTLED_AFTER}/h",
            "GUNICORN_BIND": f"127.0.0.1:{PORT}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_REUSE_PORT": "0",
        }
    )
    return env


def _wait_for(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.stderr.read() if server.stderr else ''}")
        try:
            connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection_.request("GET", "/healthz", headers={"Host": "localhost", "X-Forwarded-Proto": "https"})
            connection_.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker, tmp_path_factory):
    """The server, an organization of its own with a signed-in billing session and a stored
    file, and a suspended organization.

    The server's requests write what requests write (access records in the audit log, which
    is append-only), so they go to an organization made for this module and dropped with its
    schema afterwards: the shared test organizations keep nothing from here."""
    from django.test import Client, override_settings

    from apps.accounts.models import User
    from apps.files import services as file_services
    from apps.tenants import services as tenant_services
    from apps.tenants.models import Domain, Organization
    from conftest import _create_people

    static_root = tmp_path_factory.mktemp("static")
    files_root = tmp_path_factory.mktemp("files")
    env = _environment(static_root, files_root)
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr

    suffix = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        organization = tenant_services.organization_create(
            name="Headers Care", subdomain=f"headers-{suffix}", contact_email="office@headers.test"
        )
        # A row without a schema (bulk_create skips the cloning save): the middleware answers
        # a suspended organization's host before anything would read its schema.
        (suspended,) = Organization.objects.bulk_create(
            [
                Organization(
                    schema_name=f"suspended_{suffix}",
                    subdomain=f"suspended-{suffix}",
                    name="Suspended Care",
                    contact_email="office@suspended.test",
                    is_active=False,
                )
            ]
        )
        Domain.objects.bulk_create([Domain(domain=suspended.primary_host, tenant=suspended, is_primary=True)])
        browser = Client(HTTP_HOST=organization.primary_host)
        with organization:
            _create_people(organization.subdomain)
            billing = User.objects.get(email=f"billing@{organization.subdomain}.test")
            browser.force_login(billing)
            with override_settings(PRIVATE_FILES_ROOT=files_root):
                stored = file_services.file_store_bytes(content=b"%PDF-1.4\n%%EOF\n", filename="a.pdf", actor=billing)
        connection.set_schema_to_public()

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "starline.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(PORT, server)
        yield {
            "host": organization.primary_host,
            "suspended": suspended.primary_host,
            "session": browser.cookies[settings.SESSION_COOKIE_NAME].value,
            "file": stored.pk,
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            Organization.objects.filter(pk=suspended.pk).delete()
            organization.delete(force_drop=True)
            connection.set_schema_to_public()


def _get(host: str, path: str, *, method: str = "GET", session: str | None = None, body: str | None = None):
    headers = {"Host": host, "X-Forwarded-Proto": "https"}
    if session:
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={session}"
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def _assert_secure(response, what: str) -> None:
    headers = {k.lower(): v for k, v in response.getheaders()}
    missing = []
    csp = headers.get("content-security-policy", "")
    if "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp:
        missing.append("Content-Security-Policy")
    if headers.get("x-content-type-options") != "nosniff":
        missing.append("X-Content-Type-Options")
    if headers.get("referrer-policy") not in ("strict-origin-when-cross-origin", "same-origin"):
        missing.append("Referrer-Policy")
    if headers.get("x-frame-options") != "DENY":
        missing.append("X-Frame-Options")
    if "max-age=31536000" not in headers.get("strict-transport-security", ""):
        missing.append("Strict-Transport-Security")
    if headers.get("cross-origin-opener-policy") != "same-origin":
        missing.append("Cross-Origin-Opener-Policy")
    if "geolocation=(self)" not in headers.get("permissions-policy", ""):
        missing.append("Permissions-Policy")
    assert not missing, f"{what} ({response.status}) lacks {', '.join(missing)}"


def test_every_kind_of_response_carries_the_security_headers(production):
    host, session = production["host"], production["session"]
    checks = [
        ("the platform's landing page", "localhost", "/", 200, None),
        ("an organization's sign-in page", host, "/accounts/sign-in/", 200, None),
        ("a signed-in organization page", host, "/", 200, session),
        ("the unknown-host 404", "nobody.localhost", "/", 404, None),
        ("a suspended organization's 403", production["suspended"], "/", 403, None),
        ("a static file (whitenoise)", host, "/static/css/starline.css", 200, None),
        ("theme.css", host, "/theme.css", 200, None),
        ("a 404 inside an organization", host, "/no-such-page/", 404, None),
        ("a PDF", host, "/billing/summary.pdf", 200, session),
        ("a file download", host, f"/files/{production['file']}/download/", 200, session),
        ("a signed-out redirect", host, "/clients/", 302, None),
    ]
    for what, host, path, status, cookie in checks:
        response = _get(host, path, session=cookie)
        assert response.status == status, f"{what}: {response.status}"
        _assert_secure(response, what)
        if what == "a PDF":
            assert response.getheader("Content-Type") == "application/pdf"


def test_the_429_of_a_rate_limit_carries_them_too(production):
    # Links with a token count every request, so GETs reach the limit.
    statuses = []
    for _ in range(THROTTLED_AFTER + 1):
        response = _get(production["host"], "/accounts/invitation/MQ/not-a-token/")
        statuses.append(response.status)
        _assert_secure(response, f"invitation link #{len(statuses)}")
    assert statuses == [400] * THROTTLED_AFTER + [429]
    assert response.getheader("Retry-After")


def test_a_refused_post_carries_them_too(production):
    # No CSRF token: Django's 403 comes from a middleware, not a view.
    response = _get(production["host"], "/accounts/sign-in/", method="POST", body="email=a%40b.test&password=x")
    assert response.status == 403
    _assert_secure(response, "the CSRF refusal")
