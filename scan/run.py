"""`make scan`: wapiti against the app in production mode, signed in, on a throwaway database.

Steps: a fresh `starline_scan` database (or `SCAN_DATABASE_URL`, whose name must end in _scan;
the embedded server in `.pgdata-scan/` when PostgreSQL does not answer), migrations and demo
data, collectstatic, a session for a demo organization admin written as wapiti's JSON cookie
file, gunicorn with DEBUG=False and throwaway secrets on 127.0.0.1:SCAN_PORT (8071), then
wapiti. Its report goes to scan/report.json and scan/report.html; the run fails when any
finding (vulnerability or anomaly) is above low, and lists them.

Plain HTTP on the loopback: the HTTPS-only settings (secure cookies, HSTS, the redirect to
https) are turned off as for `make bench`, so wapiti's cookie and header modules report
those as the low findings they are here; in production they are on (`check --deploy`).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "scan"
PY = sys.executable
PORT = int(os.environ.get("SCAN_PORT", "8071"))
# Sunrise is reached at the loopback address itself, through a custom-domain row this script
# adds to the throwaway database (and 127.0.0.1 taken out of PUBLIC_HOSTS): wapiti's cookie
# file holds a cookie for the scanned URL's host only, and *.localhost names do not resolve on
# every machine.
HOST = "127.0.0.1"
USER = "admin@sunrise.test"
# wapiti's default modules but ssrf, which needs wapiti's own internet endpoint (unreachable here).
MODULES = os.environ.get(
    "SCAN_MODULES", "blindsql,cookieflags,csp,exec,file,http_headers,permanentxss,redirect,sql,xss"
)
# A whole crawl and attack of every page takes hours on these 2-core machines; these bound it.
MAX_SCAN_SECONDS = os.environ.get("SCAN_MAX_SECONDS", "900")
MAX_ATTACK_SECONDS = os.environ.get("SCAN_MAX_ATTACK_SECONDS", "120")
LEVELS = {"1": "low", "2": "medium", "3": "high", "4": "critical"}


def _answers(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def scan_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    if env.get("SCAN_DATABASE_URL"):
        env["DATABASE_URL"] = env["SCAN_DATABASE_URL"]
    elif _answers(5432):
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/starline_scan"
    else:
        env["EMBEDDED_PGDATA"] = str(ROOT / ".pgdata-scan")
    # Without it: local-memory cache and database sessions, as production without Redis runs.
    if env.get("SCAN_REDIS_URL"):
        env["REDIS_URL"] = env["SCAN_REDIS_URL"]
    env.update(
        DJANGO_SETTINGS_MODULE="starline.settings",
        STARLINE_TESTING="0",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        FILES_ENCRYPTION_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        SECURE_SSL_REDIRECT="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        SECURE_HSTS_SECONDS="0",
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        WEB_CONCURRENCY="2",
        EMAIL_URL="dummymail://",
        SMS_URL="console://",
        PUBLIC_HOSTS="localhost",
        PRIVATE_FILES_ROOT=str(OUT / ".files"),
    )
    return env


def fresh_database(env: dict[str, str]) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.run import ensure_database

    ensure_database(env, purpose="scan")


SESSION = """
from importlib import import_module
from django.conf import settings
from django.test import RequestFactory
from apps.accounts import services
from apps.accounts.models import User
from apps.tenants.models import Domain, Organization

organization = Organization.objects.get(subdomain="sunrise")
Domain.objects.get_or_create(
    domain="{host}", defaults={{"tenant": organization, "is_primary": False, "kind": Domain.Kind.CUSTOM}}
)
with organization:
    request = RequestFactory().get("/", HTTP_HOST="{host}")
    request.organization = organization
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = User.objects.get(email="{user}")
    services.sign_in(request=request, user=request.user)
    request.session.save()
    print(request.session.session_key)
"""


def session_key(env: dict[str, str]) -> str:
    code = SESSION.format(host=HOST, user=USER)
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return out.strip().splitlines()[-1]


def cookie_file(key: str) -> Path:
    """wapiti's JSON cookie jar (wapitiCore/net/jsoncookie.py): domain, path, name."""
    path = OUT / ".cookies.json"
    cookie = {"value": key, "expires": None, "secure": False, "port": None, "version": 0}
    path.write_text(json.dumps({HOST: {"/": {"sessionid": cookie}}}))
    path.chmod(0o600)
    return path


def wait_ready() -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(f"http://{HOST}:{PORT}/healthz")
            with urllib.request.urlopen(request, timeout=2) as response:  # nosec B310 # a fixed http URL to our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not become ready")


# Debian's wapiti 3.0.4 compiles each --exclude pattern with its flags at the end (`\Z(?ms)`),
# which Python 3.11 refuses ("global flags not at the start"): run it with that one function
# corrected, the flags first.
WAPITI = r"""
import re, sys
from wapitiCore.net import crawler

def wildcard_translate(pattern):
    return re.compile("(?ms)" + ".*".join(re.escape(part) for part in pattern.split("*")) + r"\Z")

crawler.wildcard_translate = wildcard_translate
from wapitiCore.main.wapiti import wapiti_main
sys.exit(wapiti_main())
"""


def wapiti(cookies: Path) -> None:
    base = f"http://{HOST}:{PORT}/"
    command = [
        "/usr/bin/python3",
        "-c",
        WAPITI,
        "--url",
        base,
        "--cookie",
        str(cookies),
        # Signing out would end the session the scan runs in.
        "--exclude",
        base + "accounts/sign-out/*",
        "--scope",
        "folder",
        "--module",
        MODULES,
        "--max-scan-time",
        MAX_SCAN_SECONDS,
        "--max-attack-time",
        MAX_ATTACK_SECONDS,
        "--flush-session",
        "--store-session",
        str(OUT / ".wapiti"),
        "--store-config",
        str(OUT / ".wapiti"),
        "--format",
        "json",
        "--output",
        str(OUT / "report.json"),
        "--verbose",
        "1",
    ]
    subprocess.run(command, cwd=ROOT, check=True)


def findings_above_low() -> list[str]:
    report = json.loads((OUT / "report.json").read_text())
    found = []
    for kind in ("vulnerabilities", "anomalies"):
        for category, items in report.get(kind, {}).items():
            for item in items:
                level = str(item.get("level"))
                if level not in ("0", "1"):
                    what = f"{LEVELS.get(level, level)} {category}: {item.get('method')} {item.get('path')}"
                    found.append(f"{what} — {item.get('info')}")
    return found


def html_report() -> None:
    """The same findings readable in a browser (wapiti writes one format per run)."""
    report = json.loads((OUT / "report.json").read_text())
    rows = []
    for kind in ("vulnerabilities", "anomalies", "additionals"):
        for category, items in report.get(kind, {}).items():
            for item in items:
                level = LEVELS.get(str(item.get("level")), str(item.get("level")))
                cells = [kind, category, level, item.get("method", ""), item.get("path", ""), item.get("info", "")]
                rows.append("<tr>" + "".join(f"<td>{_escape(str(c))}</td>" for c in cells) + "</tr>")
    (OUT / "report.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Starline scan</title><table border=1>"
        "<tr><th>kind<th>category<th>level<th>method<th>path<th>info</tr>" + "".join(rows) + "</table>"
    )


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def main() -> None:
    if not shutil.which("wapiti"):
        raise SystemExit("wapiti is not installed (make scan installs Debian's)")
    env = scan_env()
    OUT.mkdir(exist_ok=True)
    shutil.rmtree(OUT / ".files", ignore_errors=True)
    fresh_database(env)
    print("scan: migrating and seeding the scan database", flush=True)
    manage = [PY, "manage.py"]
    subprocess.run([*manage, "bootstrap_dev", "--allow-production"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "compilemessages", "--ignore=.venv", "-v0"], cwd=ROOT, env=env, check=True)
    cookies = cookie_file(session_key(env))
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "starline.wsgi"], cwd=ROOT, env=env, start_new_session=True
    )
    try:
        wait_ready()
        print(f"scan: wapiti against http://{HOST}:{PORT}/ as {USER}", flush=True)
        wapiti(cookies)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        cookies.unlink(missing_ok=True)
    html_report()
    found = findings_above_low()
    print(f"scan: report in {OUT / 'report.json'} and {OUT / 'report.html'}")
    if found:
        print("scan: findings above low:\n  " + "\n  ".join(found))
        raise SystemExit(1)
    print("scan: no finding above low")


if __name__ == "__main__":
    main()
