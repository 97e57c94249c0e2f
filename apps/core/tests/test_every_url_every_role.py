"""Every URL, every role, both organizations: each URL of the organization's URLconf, its
parameters filled with organization A's real records (apps/core/tests/urlmap.py), requested as
every role of A and signed out on A's host, as every role of B and signed out on B's host, and
with A's session cookie replayed on B's host; B's roles also POST each one. The platform's
URLconf is requested on its host as an operator, signed out, and with A's session replayed.

- Within A each answer matches the declared table (apps/core/tests/url_permissions.py) against
  the permissions the role's real group holds: a URL missing there fails, so a new view must
  say what it requires.
- B never gets A's records: 404 (or 403 / sign-in) for every URL that names one, GET or POST,
  and no response to B shows A's client names or record ids. A is requested first so that
  every kept page and cached fragment of A exists when B asks for the same URL.
- A's session on B's host (or the platform's) is nobody's: the answers are the signed-out ones.
- B's requests leave A's schema and the public schema as they were, and nobody gets a 500.

One request per (URL, person), signed-in clients reused, the records made once.
"""

from __future__ import annotations

import dataclasses
import os
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from apps.core.tests import url_permissions
from apps.core.tests.fingerprint import changed_tables, fingerprint, fingerprint_sql
from apps.core.tests.urlmap import _routes, get_named_urls, object_url_names
from conftest import host_client, person, signed_in

pytestmark = pytest.mark.slow

ROLES = ["admin", "manager", "dsp", "nurse", "scheduler", "billing", "hr", "auditor", "outsider"]
SIGNED_OUT = "signed out"
REPLAYED = "A's session"
SESSION_ENDING = {"accounts:sign_out"}
URLCONFS = {"tenant": "starline.urls_tenants", "platform": "starline.urls_public"}


# --- the declarations ----------------------------------------------------------------------------


def _url_names(urlconf: str) -> list[str]:
    import importlib

    resolver = get_resolver(importlib.import_module(urlconf))  # type: ignore[arg-type]  # a module is accepted too
    return [name for name, _params, _route in _routes(resolver)]


def _admin_models() -> dict[str, tuple[str, str]]:
    return {
        f"{model._meta.app_label}_{model._meta.model_name}": (model._meta.app_label, str(model._meta.model_name))
        for model in admin.site._registry
    }


def declared(name: str, table: dict, admin_user=None) -> url_permissions.Access | None:
    """The table's line for the URL name; for a model's admin page, Django's rule, and
    "refused" where the ModelAdmin refuses even `admin_user` (who holds every permission)."""
    if name in table:
        return table[name]
    access = url_permissions.admin_access(name, _admin_models()) if name.startswith("admin:") else None
    if access is not None and admin_user is not None and _admin_refuses(name, admin_user):
        access = dataclasses.replace(access, held="refused")
    return access


def _admin_refuses(name: str, user) -> bool:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    view = name.removeprefix("admin:")
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if view.startswith(prefix):
            action = view[len(prefix) :]
            if action == "add":
                return not model_admin.has_add_permission(request)
            if action == "delete":
                return not model_admin.has_delete_permission(request)
            return not model_admin.has_view_or_change_permission(request)
    return False


def _decorator_permissions(view) -> set[str]:
    """The permissions named by apps.accounts.permissions.permission_required on the view."""
    found: set[str] = set()
    while view is not None:
        code = getattr(view, "__code__", None)
        if code is not None and view.__closure__ and "perms" in code.co_freevars:
            found |= set(dict(zip(code.co_freevars, view.__closure__, strict=True))["perms"].cell_contents)
        view = getattr(view, "__wrapped__", None)
    return found


def _views(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _views(pattern, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


def test_every_url_name_says_what_it_requires():
    missing = [
        f"{which}: {name}"
        for which, table in (("tenant", url_permissions.TENANT), ("platform", url_permissions.PLATFORM))
        for name in _url_names(URLCONFS[which])
        if declared(name, table) is None
    ]
    assert not missing, (
        "declare what these URLs require in apps/core/tests/url_permissions.py"
        " (a permission, SIGNED_IN, PUBLIC or TOKEN):\n" + "\n".join(missing)
    )


def test_the_declarations_name_every_permission_a_views_decorator_checks():
    import importlib

    disagree = []
    for which, table in (("tenant", url_permissions.TENANT), ("platform", url_permissions.PLATFORM)):
        for name, view in _views(get_resolver(importlib.import_module(URLCONFS[which]))):
            access = declared(name, table)
            required = _decorator_permissions(view)
            if access is not None and required and not required <= set(access.all):
                disagree.append(f"{name}: the view requires {sorted(required)}, the table says {access}")
    assert not disagree, "\n".join(disagree)


@pytest.mark.django_db
def test_declared_permissions_exist():
    from django.contrib.auth.models import Permission

    pairs = Permission.objects.values_list("content_type__app_label", "codename")
    known = {f"{app}.{codename}" for app, codename in pairs}
    unknown = sorted(
        {
            perm
            for table in (url_permissions.TENANT, url_permissions.PLATFORM)
            for access in table.values()
            for perm in (*access.all, *access.any)
        }
        - known
    )
    assert not unknown, f"the table names permissions that do not exist: {unknown}"


# --- answers -------------------------------------------------------------------------------------

SIGN_IN_PATHS = ("/accounts/sign-in/", "/admin/login/")


def outcome(response) -> str:
    """What an answer means for access: "ok" (the page, a redirect onward), "refused" (403,
    404, 401), "sign in" (sent to sign in), "method" (405: the view does not take the method,
    and refuses before anything else), "error" (5xx), or "bad" (another 4xx: a clear refusal
    of bad input)."""
    status = response.status_code
    if status >= 500:
        return "error"
    if status in (301, 302, 303, 307, 308):
        return "sign in" if urlsplit(response["Location"]).path.startswith(SIGN_IN_PATHS) else "ok"
    if status in (401, 403, 404):
        return "refused"
    if status == 405:
        return "method"
    if status < 300 or status == 304:
        return "ok"
    return "bad"


def body(response) -> str:
    # A stream is read to its end, which closes it the test client's way (closing it here
    # again would fire request_finished and close the test's database connection).
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def expected(access: url_permissions.Access, held: set[str] | None) -> set[str]:
    """The outcomes the table allows for someone holding `held` (None: signed out). A 405
    ("method") is allowed to all: the view refused the method before reading anything."""
    return {"method"} | _expected(access, held)


def _expected(access: url_permissions.Access, held: set[str] | None) -> set[str]:
    if access.kind == "public":
        return {"ok"}
    if access.kind == "token":
        return {"ok", "refused", "bad"}
    if access.kind == "signed out":
        return {"ok", "sign in"} if held is None else {"refused"}
    if held is None:
        return {"sign in"}
    if access.kind == "signed in":
        return {"ok", "refused"} if access.scope else {"ok"}
    holds = set(access.all) <= held and (not access.any or bool(set(access.any) & held))
    if holds:
        return {"refused"} if access.held == "refused" else {"ok"}
    # Admin pages send someone without the admin's access to its sign-in, which refuses them.
    return {"ok", "refused"} if access.scope else {"refused", "sign in"}


def role_permissions(organization, local: str) -> set[str]:
    """What the person's real role grants, read from its group (not from this test)."""
    user = person(organization, local)
    if user.role is None:
        return set()
    with organization:
        return {
            f"{app}.{codename}"
            for app, codename in user.role.group.permissions.values_list("content_type__app_label", "codename")
        }


def replayed(session_of, host: str):
    """A client on `host` carrying the session cookie of another host's signed-in client."""
    client = host_client(host)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_of.cookies[settings.SESSION_COOKIE_NAME].value
    return client


def a_markers(org_a, urls: dict[str, str], *, own: bool = True) -> re.Pattern:
    """What of A must never show on B's host: its clients' names and ids, its staff's ids,
    its people's addresses and its name. Ids the crawler put in a URL are left out: a page
    may repeat what someone typed (the admin's "… with ID … doesn't exist")."""
    from apps.clients.models import Client
    from apps.staff.models import Staff

    with org_a:
        clients = list(Client.objects.values_list("pk", "first_name", "last_name"))
        ids = [str(pk) for pk, _first, _last in clients]
        ids += [str(pk) for pk in Staff.objects.values_list("pk", flat=True)]
    typed = " ".join(urls.values())
    markers = [*(f"{first} {last}" for _pk, first, last in clients), *(i for i in ids if i not in typed)]
    if own:
        markers += ["@alpha.test", org_a.name]
    return re.compile("|".join(re.escape(m) for m in sorted(set(markers), key=len, reverse=True)))


def leaked(markers: re.Pattern, text: str) -> list[str]:
    """A's markers in the text, each with what comes before it (to find the page's part)."""
    return sorted({text[max(match.start() - 80, 0) : match.end() + 20] for match in markers.finditer(text)})


def test_every_url_answers_every_role_of_both_organizations_as_declared(org_a, org_b, records):
    with org_a:
        urls = get_named_urls(records)
        accesses = {name: declared(name, url_permissions.TENANT, person(org_a, "admin")) for name in urls}
    names_a = object_url_names(records)
    markers = a_markers(org_a, urls)
    problems: dict[str, list[str]] = {"undeclared": [], "A": [], "B": [], "leak": [], "replay": [], "500": []}

    a_clients = {role: signed_in(org_a, role) for role in ROLES} | {SIGNED_OUT: host_client(org_a.primary_host)}
    held = {role: role_permissions(org_a, role) for role in ROLES} | {SIGNED_OUT: None}
    b_clients = {role: signed_in(org_b, role) for role in ROLES} | {SIGNED_OUT: host_client(org_b.primary_host)}
    a_on_b = replayed(a_clients["admin"], org_b.primary_host)
    schemas = fingerprint_sql([org_a.schema_name, "public"])

    # A first: its kept pages and fragments are drawn before B asks for the same URLs.
    for name, url in urls.items():
        access = accesses[name]
        if access is None:
            problems["undeclared"].append(name)
            continue
        for role, client in a_clients.items():
            got = outcome(response := client.get(url))
            body(response)  # a streamed answer runs its queries when read
            if got == "error":
                problems["500"].append(f"GET {url} as A's {role}: {response.status_code}")
            elif got not in expected(access, held[role]):
                problems["A"].append(f"GET {url} ({name}) as A's {role}: {response.status_code} {got}: {access}")

    # Isolation does not depend on the date. `make test-times` runs this test at moved clocks
    # (STARLINE_TEST_NOW) to find a page that fails on some day, which A's roles show; B's
    # half, the slower one, runs in `make test`.
    methods = () if os.environ.get("STARLINE_TEST_NOW") else ("get", "post")
    before = fingerprint(schemas)
    for method in methods:
        # B's POSTs go to the URLs that name A's records: what an attacker would aim at (B's
        # own forms posted empty are the fuzzer's). Signing out ends the session: last.
        targets = urls.items() if method == "get" else [(n, u) for n, u in urls.items() if n in names_a]
        for name, url in sorted(targets, key=lambda item: method == "post" and item[0] in SESSION_ENDING):
            signed_out = None
            for role, client in b_clients.items():
                response = getattr(client, method)(url)
                got = outcome(response)
                if role == SIGNED_OUT:
                    signed_out = response.status_code
                if got == "error":
                    problems["500"].append(f"{method.upper()} {url} as B's {role}: {response.status_code}")
                elif name in names_a and got not in {"refused", "sign in", "method"}:
                    problems["B"].append(f"{method.upper()} {url} ({name}) as B's {role}: {response.status_code}")
                if method == "get" and (shown := leaked(markers, body(response))):
                    problems["leak"].append(f"GET {url} as B's {role} shows {shown}")
            if method == "get":
                response = a_on_b.get(url)
                if response.status_code != signed_out:
                    problems["replay"].append(
                        f"GET {url} with A's session on B: {response.status_code}, signed out gets {signed_out}"
                    )
    after = fingerprint(schemas)

    report = [f"{kind}:\n  " + "\n  ".join(lines) for kind, lines in problems.items() if lines]
    assert not report, "\n".join(report)
    assert not changed_tables(before, after), f"B's requests changed A: {changed_tables(before, after)}"
    assert len(urls) > 300, len(urls)


def test_every_platform_url_answers_as_declared_and_shows_nothing_of_an_organization(org_a, records):
    """The platform's host: an operator gets every page the table gives them, signed out gets the
    sign-in, A's session replayed there is nobody's, and no URL naming A's records (people,
    roles, sessions) finds them, GET or POST."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    connection.set_schema_to_public()
    operator = get_user_model().objects.create_superuser(email="operator@platform.test", password=None)
    urls = get_named_urls(records, URLCONFS["platform"])
    accesses = {name: declared(name, url_permissions.PLATFORM, operator) for name in urls}
    names_a = object_url_names(records, URLCONFS["platform"])
    # An organization's models have no table on the platform: their admin pages are not there.
    tables = set(connection.introspection.table_names())
    elsewhere = {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
        for model in admin.site._registry
        if model._meta.db_table not in tables
        for view in url_permissions.ADMIN_VIEWS
    }
    # An operator is a superuser of the public schema: every permission.
    pairs = Permission.objects.values_list("content_type__app_label", "codename")
    held = {"operator": {f"{app}.{codename}" for app, codename in pairs}, SIGNED_OUT: None, REPLAYED: None}
    # The operator's admin lists organizations (A's name and address included): only A's
    # records count here.
    markers = a_markers(org_a, urls, own=False)
    connection.set_schema_to_public()
    operator_client = host_client("localhost")
    operator_client.force_login(operator)
    clients = {"operator": operator_client, SIGNED_OUT: host_client("localhost")}
    clients[REPLAYED] = replayed(signed_in(org_a, "admin"), "localhost")
    problems: dict[str, list[str]] = {"undeclared": [], "platform": [], "leak": [], "replay": [], "500": []}

    for name, url in urls.items():
        access = accesses[name]
        if access is None:
            problems["undeclared"].append(name)
            continue
        answers = {}
        for who, client in clients.items():
            for method in ("get", "post") if name in names_a else ("get",):
                response = getattr(client, method)(url)
                got = answers[who, method] = outcome(response)
                # Nothing of A's is on the platform's host, whoever asks.
                if name in names_a or name in elsewhere:
                    allowed = {"refused", "sign in", "method"}
                else:
                    allowed = expected(access, held[who])
                if got == "error":
                    problems["500"].append(f"{method.upper()} {url} as {who}: {response.status_code}")
                elif got not in allowed:
                    problems["platform"].append(f"{method.upper()} {url} ({name}) as {who}: {response.status_code}")
                if shown := leaked(markers, body(response)):
                    problems["leak"].append(f"{method.upper()} {url} as {who} shows {shown}")
        if answers[REPLAYED, "get"] != answers[SIGNED_OUT, "get"]:
            problems["replay"].append(f"GET {url} with A's session: {answers[REPLAYED, 'get']}")

    report = [f"{kind}:\n  " + "\n  ".join(lines) for kind, lines in problems.items() if lines]
    assert not report, "\n".join(report)
    assert len(urls) > 30, len(urls)
