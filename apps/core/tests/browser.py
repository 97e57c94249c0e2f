"""Browser-test plumbing: a live server on the test database and Debian's Chromium.

Kept apart from conftest.py so the fixtures are imported only by the tests that use them
(`from apps.core.tests.browser import *` is not needed; conftest registers them as a plugin).
"""

from __future__ import annotations

import os
import threading

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def live_server_port(django_db_setup, django_db_blocker):
    """A threaded WSGI server on 127.0.0.1 serving the whole stack against the test database.

    Organizations are reached as http://<subdomain>.localhost:<port>/ (Chromium resolves
    *.localhost to the loopback address). Data the browser must see has to be committed.
    """
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.daemon_threads = True
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    with django_db_blocker.unblock():
        thread.start()
        yield server.server_address[1]
        server.shutdown()
        server.server_close()
        # Request threads still parked on keep-alive sockets hold connections that would
        # stop pytest from dropping the test database.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="module")
def demo(live_server_port, django_db_blocker):
    """The demo organizations, committed (the live server's threads read through their own
    connections); returns the live server's port."""
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        connection.set_schema_to_public()
    return live_server_port


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
    # ORM calls made here by fixtures. The server side runs in its own threads regardless.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        # Never leak into later tests' subprocesses (`check --deploy` rightly refuses it).
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, base: str, email: str, password: str) -> None:
    """Sign in through the real form, as a person would, and wait for the landing page."""
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


AXE_SOURCE = os.path.join(os.path.dirname(__file__), "vendor", "axe", "axe.min.js")


def axe_violations(page) -> list[dict]:
    """Run axe-core (vendored, see its LICENSE beside it) on the page as it is now.

    The source is evaluated through the DevTools protocol rather than added as a <script>:
    Playwright inlines a script tag's file, and the pages' CSP rightly refuses inline script.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        with open(AXE_SOURCE, encoding="utf-8") as source:
            page.evaluate(source.read())
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ") + "  " + n.html.slice(0, 160)),
        }))"""
    )


def assert_accessible(page) -> None:
    """Fail with axe's findings, one line per rule and the first elements it names."""
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']}\n    " + "\n    ".join(v["nodes"][:3])
        for v in violations
    )
