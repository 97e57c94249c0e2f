"""Forms under hypothesis: every form view of the organization's URLconf (and the platform's)
gets hostile POSTs — NUL bytes, right-to-left marks, emoji, huge numbers, extreme and invalid
dates, wrong types, missing and repeated fields, oversized values, hostile uploads — and must
never answer 500 nor half-save: a POST that is refused changes no row, one that is accepted
leaves data that passes every constraint, deferred ones included.

The forms are read from the pages themselves (apps/core/tests/formfuzz.py): every URL of
apps/core/tests/urlmap.py is fetched and each <form method="post"> found is fuzzed with its
own fields, once per view; a view that takes a POST but shows no form (an action button posts
to it from elsewhere) is fuzzed with the names its source reads. A new form view is covered
the day it lands. The organization admin posts (every permission, so the views get past their
checks), and a DSP posts to their own forms (clock-in and out, visit notes, submissions).
The query strings of the list pages (search, filters, cursors, dates, pages) are fuzzed too.

"Refused" is a 4xx, or a 200 that shows a field error; PostgreSQL's per-transaction counters
say which tables the request wrote, and those tables' rows must be as they were (bookkeeping
as in test_no_get_changes_state.py, plus failed sign-in and second-factor records).

Hypothesis runs derandomized (the same examples every run, so a failure in CI reproduces
locally) without an example database, a few examples per view. Each example runs inside a
savepoint that is rolled back, so examples do not pile up data on one another.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection, transaction
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apps.audit.models import LogEntry
from apps.core import fragments, page_cache
from apps.core.tests.fingerprint import BOOKKEEPING_COLUMNS, ROW_FILTERS, SKIPPED_TABLES
from apps.core.tests.formfuzz import (
    BOUNDARY,
    HOSTILE,
    Form,
    action_form,
    forms_of,
    hostile_text,
    multipart,
    post_body,
    uploads,
)
from apps.core.tests.urlmap import get_urls
from apps.tenants import host_cache
from conftest import host_client, person

pytestmark = pytest.mark.slow

# Examples per view: enough for each to meet a few kinds of hostile value, few enough that
# the whole module stays around two minutes on a 2-core machine. STARLINE_FUZZ_SCALE=10
# multiplies them for a deeper run by hand.
SCALE = int(os.environ.get("STARLINE_FUZZ_SCALE", "1"))
# STARLINE_FUZZ_ONLY=<regex of view names> fuzzes just those views, to reproduce a failure.
ONLY = os.environ.get("STARLINE_FUZZ_ONLY", "")
EXAMPLES = {
    kind: count * SCALE
    for kind, count in {"app": 3, "action": 2, "admin": 2, "admin list": 1, "platform": 3, "query": 2}.items()
}
FUZZ = hypothesis_settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    # No shrinking: a failure is reported with the example that failed (the same on every
    # run), rather than after hundreds more requests looking for a smaller one.
    phases=[Phase.explicit, Phase.generate],
    print_blob=False,
)
# Views whose POST is not a form of the application: ending the session being fuzzed, and
# Twilio's delivery callbacks (a signed request from the SMS provider, refused with 403).
NOT_FUZZED = {"accounts:sign_out", "admin:logout", "notifications:sms_status"}
# What a refused POST may legitimately write (rows, their entries in the audit log, and the
# log's authentication entries), and why.
WRITTEN_ON_REFUSAL = {
    # A failed sign-in or second factor is counted and recorded: that is what locks an
    # attacker out and shows the attempt to the organization.
    "axes.accessattempt",
    "axes.accessfailurelog",
    "accounts.authevent",
}
REFUSAL_TABLES = {label.replace(".", "_") for label in WRITTEN_ON_REFUSAL}
ERROR_MARKERS = ("errorlist", "field-error", "errornote")


def _view_name(path: str, urlconf: str | None = None) -> str | None:
    try:
        match = resolve(urlsplit(path).path, urlconf=urlconf)
    except Resolver404:
        return None
    return match.view_name


class Site:
    """What a person is offered across the pages: one POST form per view name (the one with
    the most fields), the views that refuse GET with 405 (actions, with the names they read),
    and the list pages (those with a search or filter form, or links with a query string),
    each with the keys those use besides the usual list parameters."""

    def __init__(self, client, urls: list[str], urlconf: str | None = None):
        self.forms: dict[str, Form] = {}
        self.pages: dict[str, list[str]] = {}
        for url in urls:
            self._visit(client, url, urlconf)
        self.forms = {name: form for name, form in self.forms.items() if name not in NOT_FUZZED}

    def _visit(self, client, url: str, urlconf: str | None) -> None:
        response = client.get(url)
        if response.status_code == 405:
            name = _view_name(url, urlconf)
            if name and name not in self.forms:
                self.forms[name] = action_form(url, resolve(urlsplit(url).path, urlconf=urlconf).func)
            return
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return
        html = response.content.decode()
        keys = set(re.findall(r'href="\?([\w.-]+)=', html))
        for form in forms_of(url, html):
            if form.method == "get":
                keys |= set(form.field_names)
                continue
            name = _view_name(form.action, urlconf)
            if name is None:
                continue
            known = self.forms.get(name)
            if known is None or len(known.fields) < len(form.fields):
                self.forms[name] = form
        if keys:
            # A list page: it has a search or filter form, or links that page or filter it.
            self.pages[url] = sorted(keys | set(COMMON_KEYS))


class Tables:
    """Which tables a request wrote (PostgreSQL's per-transaction counters: cheap), and a
    fingerprint of just those tables' rows, bookkeeping left out, to compare with the rows
    as they were before the examples started (every example is rolled back)."""

    def __init__(self, schemas: list[str]):
        self.schemas = schemas
        self.baseline: dict[str, tuple] = {}

    def counters(self) -> dict[str, tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT schemaname || '.' || relname, n_tup_ins, n_tup_upd, n_tup_del"
                " FROM pg_stat_xact_user_tables WHERE schemaname = ANY(%s)",
                [self.schemas],
            )
            return {table: tuple(counts) for table, *counts in cursor.fetchall()}

    def fingerprint(self, tables: list[str]) -> dict[str, tuple]:
        if not tables:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_schema || '.' || table_name, array_agg(column_name::text ORDER BY ordinal_position)"
                " FROM information_schema.columns WHERE table_schema || '.' || table_name = ANY(%s)"
                " GROUP BY 1",
                [tables],
            )
            columns = dict(cursor.fetchall())
            parts = []
            for qualified, names in sorted(columns.items()):
                schema, table = qualified.split(".", 1)
                kept = [c for c in names if c not in BOOKKEEPING_COLUMNS.get(table, set())]
                row = "ROW(" + ", ".join(f'"{c}"' for c in kept) + ")::text"
                filters = [condition for prefix, condition in ROW_FILTERS.items() if table.startswith(prefix)]
                if table.startswith("audit_logentry"):
                    labels = ", ".join(f"'{label}'" for label in sorted(WRITTEN_ON_REFUSAL))
                    filters.append(
                        # bandit B608: labels from the models' meta.
                        f"action <> {LogEntry.Action.AUTHENTICATION} AND content_type_id NOT IN"  # nosec B608
                        f' (SELECT id FROM "{schema}".django_content_type'
                        f" WHERE app_label || '.' || model IN ({labels}))"
                    )
                where = f" WHERE {' AND '.join(filters)}" if filters else ""
                parts.append(
                    # bandit B608: schema, table and column names from the catalog.
                    f"SELECT '{qualified}', count(*), md5(coalesce(string_agg({row}, ',' ORDER BY {row}), ''))"  # nosec B608
                    f' FROM "{schema}"."{table}"{where}'
                )
            cursor.execute(" UNION ALL ".join(parts))
            return {table: (count, digest) for table, count, digest in cursor.fetchall()}

    def before(self, tables: list[str]) -> dict[str, tuple]:
        return {t: self.baseline[t] for t in tables if t in self.baseline}

    def take_baseline(self) -> None:
        """Every table as it is outside any example: taken again when something outside the
        examples wrote (a new sign-in)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables"
                " WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE'",
                [self.schemas],
            )
            self.baseline = self.fingerprint([table for (table,) in cursor.fetchall()])


def _written(before: dict, after: dict) -> list[str]:
    tables = [t for t, counts in after.items() if counts != before.get(t, (0, 0, 0))]
    return sorted(
        t for t in tables if t.split(".", 1)[1] not in SKIPPED_TABLES and t.split(".", 1)[1] not in REFUSAL_TABLES
    )


def _refused(response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        html = response.content.decode(errors="replace")
        return any(marker in html for marker in ERROR_MARKERS)
    return False


class Fuzzer:
    """Posts hypothesis' bodies to one form at a time as one signed-in person, and says
    what went wrong with each view (500s, half-saves, broken constraints, files outside
    the storage root)."""

    def __init__(self, organization, local: str | None, tables: Tables, *, client=None):
        self.organization = organization
        self.local = local
        self.tables = tables
        self.client = client or host_client(organization.primary_host)
        self.failures: list[str] = []
        self.sign_in()

    def sign_in(self) -> None:
        if self.local is None:
            self.tables.take_baseline()
            return
        with self.organization:
            self.client.force_login(person(self.organization, self.local))
        # Signing in writes the person's session row outside any example.
        self.tables.take_baseline()

    def signed_in(self) -> bool:
        return self.local is None or "_auth_user_id" in self.client.session

    def post(self, form: Form, body: dict, files: dict) -> Any:
        if form.multipart or files:
            return self.client.post(
                form.action, multipart(body, files), content_type=f"multipart/form-data; boundary={BOUNDARY}"
            )
        return self.client.post(
            form.action, urlencode(body, doseq=True), content_type="application/x-www-form-urlencoded"
        )

    def check(self, name: str, form: Form, body: dict, files: dict) -> None:
        with transaction.atomic():
            counters = self.tables.counters()
            response = self.post(form, body, files)
            assert response.status_code < 500, f"{response.status_code} for {body!r}"
            written = _written(counters, self.tables.counters())
            if _refused(response):
                before = self.tables.before(written)
                after = self.tables.fingerprint(written)
                changed = sorted(t for t in written if after.get(t) != before.get(t))
                assert not changed, f"refused with {response.status_code} yet wrote {changed} for {body!r}"
            else:
                # Constraints checked at COMMIT (deferred foreign keys) are checked now: the
                # test's transaction never commits.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            transaction.set_rollback(True)

    def fuzz(self, name: str, form: Form, examples: int) -> None:
        file_fields = [f.name for f in form.fields if f.kind == "file"]

        @hypothesis_settings(FUZZ, max_examples=examples)
        @given(body=post_body(form), files=st.fixed_dictionaries({}, optional=dict.fromkeys(file_fields, uploads)))
        def example(body, files):
            try:
                self.check(name, form, body, files)
            finally:
                for cache in (page_cache, fragments, host_cache):
                    cache.clear()
                if not self.signed_in():
                    self.sign_in()

        try:
            example()
        except Exception as error:
            notes = "\n    ".join(getattr(error, "__notes__", []))
            self.failures.append(f"{name} ({form.action}): {type(error).__name__}: {error}\n    {notes}")

    def fuzz_all(self, forms: dict[str, Form]) -> None:
        for name, form in sorted(forms.items()):
            if not re.search(ONLY, name):
                continue
            self.fuzz(name, form, EXAMPLES[_kind(name, form)])


def _kind(name: str, form: Form) -> str:
    if name.startswith("admin:"):
        # The changelist's action bar and the delete confirmations are Django's own, the
        # same on every model: one example each.
        return "admin" if name.endswith(("_add", "_change")) else "admin list"
    return "action" if form.page == form.action else "app"


def _files_outside(root, allowed) -> list[str]:
    """Files under `root` (the test's temporary directory) that are not under one of the
    storage roots: a hostile upload name must never place bytes anywhere else."""
    return sorted(
        str(path) for path in root.rglob("*") if path.is_file() and not any(a in path.parents for a in allowed)
    )


@pytest.fixture
def storage_roots(settings, tmp_path, private_root):
    settings.MEDIA_ROOT = tmp_path / "media"
    return [settings.PRIVATE_FILES_ROOT, settings.MEDIA_ROOT]


def _dsp_records(org_a) -> list[str]:
    """The DSP's own pages: a shift starting now (clock-in), a visit under way (clock-out),
    a finished one whose note is due, and a draft form submission of theirs."""
    import datetime as dt
    import zoneinfo
    from decimal import Decimal

    from django.utils import timezone

    from apps.clients.models import Client
    from apps.documentation.models import FormTemplate
    from apps.documentation.tests.support import make_client, on_team, start
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import Visit
    from apps.scheduling.tests.conftest import make_shift, make_staff
    from apps.staff.models import Staff

    dsp = person(org_a, "dsp")
    with org_a:
        staff = Staff.objects.filter(user=dsp).first()
    staff = staff or make_staff(org_a, user=dsp)
    client = make_client(org_a, first_name="Fuzz", last_name="Target")
    site = (Decimal("41.878876"), Decimal("-87.635915"))
    with org_a:
        Client.objects.filter(pk=client.pk).update(latitude=site[0], longitude=site[1])
    on_team(org_a, client, "dsp")
    now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(org_a.timezone)).replace(second=0, microsecond=0)

    def shift(starts: dt.datetime, hours: float):
        ends = starts + dt.timedelta(hours=hours)
        return make_shift(
            org_a,
            day=starts.date(),
            start=starts.strftime("%H:%M"),
            end=ends.strftime("%H:%M") if ends.date() == starts.date() else "23:59",
            staff=staff,
            client=client,
            override="Fuzzing",
        )

    early = now.replace(hour=0, minute=5) if now.hour >= 3 else now - dt.timedelta(hours=3)
    finished_shift = shift(early, 1)
    current_shift = shift(now - dt.timedelta(minutes=2), 1)
    # Whatever the demo location's coordinates, a reason makes any exception acceptable.
    coords: dict[str, Any] = {
        "latitude": site[0],
        "longitude": site[1],
        "accuracy": 10,
        "reason_code": Visit.Reason.values[0],
    }
    with org_a:
        finished = scheduling.visit_clock_in(
            staff=staff, organization=org_a, shift=finished_shift, at=finished_shift.starts_at, **coords
        )
        finished = scheduling.visit_clock_out(
            visit=finished, staff=staff, organization=org_a, at=finished_shift.ends_at, **coords
        )
        template = FormTemplate.objects.filter(is_active=True).order_by("template_name").first()
    draft = start(org_a, template, client=client)
    return [
        reverse("scheduling:shift", kwargs={"pk": current_shift.pk}),
        reverse("scheduling:shift_clock_in", kwargs={"pk": current_shift.pk}),
        reverse("scheduling:visit", kwargs={"pk": finished.pk}),
        reverse("documentation:visit_note", kwargs={"pk": finished.pk}),
        reverse("documentation:fill", kwargs={"pk": draft.pk}),
        reverse("documentation:sign", kwargs={"pk": draft.pk}),
        reverse("documentation:submission", kwargs={"pk": draft.pk}),
    ]


def test_no_hostile_post_or_query_string_is_a_500_or_half_saved(org_a, records, storage_roots, tmp_path):
    with org_a:
        urls = get_urls(records)

    tables = Tables([org_a.schema_name, "public"])
    admin = Fuzzer(org_a, "admin", tables)
    site = Site(admin.client, urls)
    assert len(site.forms) > 100, sorted(site.forms)
    assert len(site.pages) > 40, sorted(site.pages)
    admin.fuzz_all(site.forms)

    # The DSP's own forms (visit notes, clock-in and out, their submissions), and any other
    # form a DSP is shown that the admin was not.
    dsp_urls = _dsp_records(org_a)
    dsp = Fuzzer(org_a, "dsp", tables)
    dsp_forms = Site(dsp.client, [*DSP_PAGES, *dsp_urls]).forms
    for name in ("scheduling:shift_clock_in", "documentation:visit_note", "documentation:fill"):
        assert name in dsp_forms, f"the DSP's {name} form was not found: {sorted(dsp_forms)}"
    dsp.fuzz_all({name: form for name, form in dsp_forms.items() if name not in site.forms or _is_dsp_facing(name)})

    failures = admin.failures + dsp.failures + _fuzz_queries(admin.client, site.pages)
    assert not failures, f"{len(failures)} views failed under fuzzing:\n" + "\n".join(failures)
    assert not _files_outside(tmp_path, storage_roots)


DSP_PAGES = ["/", "/scheduling/mine/", "/scheduling/open/", "/documentation/", "/documentation/notes-due/", "/files/"]


def _is_dsp_facing(name: str) -> bool:
    return name.split(":")[0] in {"scheduling", "documentation"} and any(
        word in name for word in ("clock", "visit", "fill", "sign", "note", "claim")
    )


# --- query strings of list pages ---------------------------------------------------------------

COMMON_KEYS = ["q", "page", "cursor", "after", "before", "start", "end", "date", "week", "month", "status", "sort", "o"]


@st.composite
def query(draw, keys: list[str]) -> str:
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4, unique=True))
    pairs = []
    for key in chosen:
        for value in draw(st.lists(hostile_text, min_size=1, max_size=3)):
            pairs.append((key, value))
    return urlencode(pairs)


def _fuzz_query(client, path: str, keys: list[str]) -> None:
    @hypothesis_settings(FUZZ, max_examples=EXAMPLES["query"])
    @given(qs=query(keys))
    def example(qs):
        with transaction.atomic():
            response = client.get(f"{path}?{qs}")
            assert response.status_code < 500, f"{response.status_code} for ?{qs}"
            transaction.set_rollback(True)

    example()


def _fuzz_queries(client, pages: dict[str, list[str]]) -> list[str]:
    failures = []
    for url, keys in sorted(pages.items()):
        try:
            _fuzz_query(client, urlsplit(url).path, keys)
        except Exception as error:
            notes = "\n    ".join(getattr(error, "__notes__", []))
            failures.append(f"{url}: {type(error).__name__}: {error}\n    {notes}")
    return failures


# --- the platform (public schema): operators' admin and the public pages ------------------------


def _platform_urls() -> list[str]:
    """The public pages and the platform admin of each model whose table is in the public
    schema (the organization's models are not served on the platform's host)."""
    from django.contrib import admin

    from apps.tenants.models import Organization

    public_tables = set(connection.introspection.table_names())
    urls = ["/", "/accounts/sign-in/", "/accounts/password/reset/", "/admin/", "/admin/password_change/"]
    for model in admin.site._registry:
        if model._meta.db_table not in public_tables:
            continue
        prefix = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls += [prefix, f"{prefix}add/"]
        objects = model._default_manager.order_by("pk")
        obj = (objects.filter(subdomain="alpha") if model is Organization else objects).first()
        if obj is not None:
            urls.append(f"{prefix}{obj.pk}/change/")
    return urls


def test_no_hostile_post_or_query_on_the_platform_is_a_500_or_half_saved(db, storage_roots):
    from django.contrib.auth import get_user_model

    connection.set_schema_to_public()
    operator = get_user_model().objects.create_superuser(email="operator@platform.test", password=None)
    client = host_client("localhost")
    client.force_login(operator)
    fuzzer = Fuzzer(None, None, Tables(["public"]), client=client)
    site = Site(client, _platform_urls(), urlconf="starline.urls_public")
    assert any(name.startswith("admin:tenants_organization") for name in site.forms), sorted(site.forms)
    for name, form in sorted(site.forms.items()):
        fuzzer.fuzz(name, form, EXAMPLES["platform"])
    failures = fuzzer.failures + _fuzz_queries(client, site.pages)
    assert not failures, f"{len(failures)} platform views failed under fuzzing:\n" + "\n".join(failures)


OVERSIZED = {
    "a value of 3 MB": urlencode({"first_name": "a" * 3_000_000}),
    "1,001 fields": urlencode([(f"f{n}", "x") for n in range(1001)]),
    "one field 1,001 times": urlencode([("last_name", "x")] * 1001),
}


@pytest.mark.parametrize("body", OVERSIZED.values(), ids=OVERSIZED.keys())
def test_an_oversized_post_is_refused_with_400_and_saves_nothing(org_a, body):
    from apps.clients.models import Client

    with org_a:
        clients = Client.objects.count()
    admin = host_client(org_a.primary_host)
    with org_a:
        admin.force_login(person(org_a, "admin"))
    signed_out = host_client(org_a.primary_host)
    for client, url in [
        (admin, "/clients/new/"),
        (admin, "/admin/clients/client/add/"),
        (signed_out, "/accounts/sign-in/"),
        (signed_out, "/accounts/password/reset/"),
    ]:
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, url
    with org_a:
        assert Client.objects.count() == clients


def test_the_hostile_values_include_every_kind_the_issue_names():
    kinds = {
        "NUL": "\x00",
        "right-to-left": "\u202e",
        "emoji": "👩",
        "huge number": "9" * 400,
        "year one": "0001-01-01",
        "year 9999": "9999-12-31",
        "invalid day": "2026-02-30",
    }
    for kind, needle in kinds.items():
        assert any(needle in value for value in HOSTILE), kind
