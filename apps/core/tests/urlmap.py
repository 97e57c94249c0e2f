"""Every URL of the organization's URLconf (or the platform's), with real records filling its
parameters.

Shared by the tests that request every URL (no GET changes state, every role against every
URL, fuzzed forms). The URLs are read from the URLconf itself, so a new view is covered
without editing those tests; a new URL with parameters must say here which record fills them
(`get_urls` fails until it does).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from decimal import Decimal

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Which record fills each URL parameter, by URL name ("namespace:name") or, for the admin,
# generically from the model in the name. Values are keys of the `records` fixture.
PARAMETERS = {
    "accounts:password_reset_confirm": {"uidb64": "uidb64", "token": "token"},
    "accounts:invitation_accept": {"uidb64": "uidb64", "token": "token"},
    "accounts:email_verify": {"uidb64": "uidb64", "token": "token"},
    "accounts:session_revoke": {"pk": "session"},
    "accounts:person": {"pk": "person"},
    "accounts:person_sessions_revoke": {"pk": "person"},
    "accounts:person_two_factor_reset": {"pk": "person"},
    "accounts:person_invitation_resend": {"pk": "person"},
    "accounts:person_unlock": {"pk": "person"},
    "accounts:role_edit": {"pk": "role"},
    "accounts:role_delete": {"pk": "role"},
    "audit:history": {"resource": "client_resource", "pk": "client"},
    "audit:access_report": {"resource": "client_resource", "pk": "client"},
    "files:attached": {"label": "client_resource", "pk": "client"},
    "files:detail": {"pk": "file"},
    "files:download": {"pk": "file"},
    "files:share": {"pk": "file"},
    "files:unshare": {"pk": "file", "permission_pk": "file_permission"},
    "files:delete": {"pk": "file"},
    "files:restore": {"pk": "file"},
    "notifications:read": {"pk": "notification"},
    "notifications:template_edit": {"kind": "template_kind", "channel": "template_channel"},
    "notifications:template_preview": {"kind": "template_kind", "channel": "template_channel"},
    "clients:location_edit": {"location_pk": "location"},
    "clients:contact_edit": {"pk": "client", "contact_pk": "contact"},
    "clients:care_plan": {"pk": "client", "plan_pk": "plan"},
    "clients:care_plan_edit": {"pk": "client", "plan_pk": "plan"},
    "clients:care_plan_pdf": {"pk": "client", "plan_pk": "plan"},
    "clients:care_plan_action": {"pk": "client", "plan_pk": "plan", "action": "plan_action"},
    "staff:certification_edit": {"pk": "staff", "cert_pk": "certification"},
    "staff:certification_renew": {"pk": "staff", "cert_pk": "certification"},
    "staff:program_edit": {"program_pk": "program"},
    "scheduling:staff_week": {"staff_id": "staff"},
    "scheduling:feed": {"token": "feed_token"},
    "set_language": {"code": "language"},
    "documentation:client": {"pk": "client"},
    "documentation:visit_note": {"pk": "visit"},
    "documentation:link_sign": {"token": "signing_token"},
    "documentation:template": {"pk": "form_template"},
    "documentation:template_edit": {"pk": "form_template"},
    "documentation:template_export": {"pk": "form_template"},
    "documentation:template_preview": {"pk": "form_template"},
    "documentation:field_create": {"pk": "form_template"},
    "documentation:field_edit": {"pk": "form_template", "key": "field_key"},
    "documentation:field_move": {"pk": "form_template", "key": "field_key", "direction": "direction"},
    "documentation:field_delete": {"pk": "form_template", "key": "field_key"},
    "documentation:section_create": {"pk": "form_template"},
    "documentation:section_edit": {"pk": "form_template", "key": "section_key"},
    "documentation:section_delete": {"pk": "form_template", "key": "section_key"},
    "billing:remittance": {"pk": "remittance"},
    "billing:payer": {"pk": "payer"},
    "billing:payer_edit": {"pk": "payer"},
    "billing:rate_create": {"pk": "payer"},
    "billing:rate_edit": {"pk": "payer", "rate_pk": "payer_rate"},
    "billing:rate_delete": {"pk": "payer", "rate_pk": "payer_rate"},
    "billing:client": {"pk": "client"},
    "billing:coverage_create": {"pk": "client"},
    "billing:coverage_edit": {"pk": "coverage"},
    "billing:coverage_delete": {"pk": "coverage"},
    "billing:claim": {"pk": "claim"},
    "billing:claim_status": {"pk": "claim"},
    "billing:claim_file": {"pk": "claim"},
    "billing:claim_replace": {"pk": "claim"},
    "billing:claim_void": {"pk": "claim"},
    "billing:claim_delete": {"pk": "claim"},
    "billing:claim_line_remove": {"pk": "claim", "line": "claim_line"},
    "billing:authorization": {"pk": "authorization"},
    "billing:authorization_edit": {"pk": "authorization"},
    "billing:billable": {"pk": "billable"},
    "billing:billable_recheck": {"pk": "billable"},
    "billing:billable_void": {"pk": "billable"},
    "reports:export": {"pk": "export"},
    "reports:export_status": {"pk": "export"},
    "reports:export_download": {"pk": "export"},
    "org_stylesheet": {"version": "stylesheet_version"},
}
# The rest take `pk` of the namespace's main record, by the first path segment after it.
DEFAULT_PK = {
    "clients": "client",
    "staff": "staff",
    "scheduling:shift": "shift",
    "scheduling:schedule": "schedule",
    "scheduling:appointment": "appointment",
    "scheduling:visit": "visit",
    "scheduling:clock_out": "visit",
    "documentation": "submission",
    "themes": "custom_theme",
}


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    """(name, parameter names, converter-free route) of every named pattern, recursively."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _routes(pattern, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, set(pattern.pattern.regex.groupindex), prefix + str(pattern.pattern)


def _pk_record(name: str) -> str | None:
    namespace = name.partition(":")[0]
    for key, record in DEFAULT_PK.items():
        if name.startswith(key) and (":" in key or namespace == key):
            return record
    return None


def _admin_url(name: str, parameters: set[str], records: dict, urlconf: str) -> str | None:
    """Admin URLs: every registered model's list, add form, and one object's pages."""
    view = name.removeprefix("admin:")
    if parameters == {"object_id"}:
        for model in admin.site._registry:
            prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
            if view.startswith(prefix) and view[len(prefix) :] in {"change", "history", "delete"}:
                obj = _first_object(model)
                return reverse(name, kwargs={"object_id": obj.pk}, urlconf=urlconf) if obj else None
    if parameters == {"app_label"}:
        # An app whose models the host's admin shows (organizations' apps are not on the platform's).
        app_label = "tenants" if urlconf == "starline.urls_public" else "clients"
        return reverse(name, kwargs={"app_label": app_label}, urlconf=urlconf)
    if parameters == {"content_type_id", "object_id"}:
        kwargs = {"content_type_id": records["client_type"], "object_id": records["client"]}
        return reverse(name, kwargs=kwargs, urlconf=urlconf)
    return reverse(name, kwargs={p: records[p] for p in parameters} or None, urlconf=urlconf)


def _first_object(model):
    """The model's first row in the current schema; None where its table is not in this schema
    (the platform's admin lists organizations' models too, whose tables live elsewhere)."""
    from django.db import connection

    if model._meta.db_table not in connection.introspection.table_names():
        return None
    return model._default_manager.order_by("pk").first()


def get_named_urls(records: dict, urlconf: str = "starline.urls_tenants") -> dict[str, str]:
    """URL name → a URL of it, parameters filled from `records`, for every named pattern of the
    URLconf (the organization's by default; "starline.urls_public" for the platform's). Call it
    inside the schema the records belong to: admin pages name that schema's first rows."""
    import importlib

    names: dict[str, str] = {}
    unknown = []
    resolver = get_resolver(importlib.import_module(urlconf))  # type: ignore[arg-type]  # a module is accepted too
    for name, parameters, route in _routes(resolver):
        if name.startswith("admin:"):
            url = _admin_url(name, parameters, records, urlconf)
        elif not parameters:
            url = reverse(name, urlconf=urlconf)
        elif name in PARAMETERS:
            kwargs = {p: records[key] for p, key in PARAMETERS[name].items()}
            url = reverse(name, kwargs=kwargs, urlconf=urlconf)
        elif parameters == {"pk"} and _pk_record(name):
            url = reverse(name, kwargs={"pk": records[_pk_record(name)]}, urlconf=urlconf)
        else:
            unknown.append(f"{name} ({route})")
            continue
        if url:
            names[name] = url
    assert not unknown, "say in PARAMETERS which records fill these URLs:\n" + "\n".join(unknown)
    return names


def get_urls(records: dict, urlconf: str = "starline.urls_tenants") -> list[str]:
    return sorted(set(get_named_urls(records, urlconf).values()))


def object_url_names(records: dict, urlconf: str = "starline.urls_tenants") -> set[str]:
    """Names of the URLs that name one of the records (by its UUID or secret token), not only
    constants (a language code, a template kind): another organization must get 404 there.
    Admin pages name rows by the schema's own ids (some integers, the same in every schema)
    and are left out."""
    import importlib

    named = set()
    for name, parameters, _route in _routes(get_resolver(importlib.import_module(urlconf))):  # type: ignore[arg-type]
        if name.startswith("admin:") or not parameters:
            continue
        keys = PARAMETERS[name].values() if name in PARAMETERS else [_pk_record(name)]
        if any(key in OBJECT_RECORDS or isinstance(records.get(key), uuid.UUID) for key in keys):
            named.add(name)
    return named


# Records that are not UUIDs but still name one organization's object.
OBJECT_RECORDS = {"feed_token"}


def records_for(org_a):
    """The demo data in the organization, and one record of each kind a URL names (files go
    to the private root the caller set up: see the `records` fixture in conftest.py)."""
    from django.contrib.contenttypes.models import ContentType

    from apps.accounts.models import User, UserSession
    from apps.accounts.services import roles as role_services
    from apps.billing import claims as billing_claims
    from apps.billing.models import Interchange, PayerRate
    from apps.billing.tests import claims_support as billing
    from apps.clients.models import CarePlan, Client, ClientContact, ClientLocation
    from apps.core.seeding import seeders
    from apps.documentation import services as documentation
    from apps.documentation.models import FormSubmission, FormTemplate
    from apps.files import services as file_services
    from apps.notifications import services as notification_services
    from apps.reports import catalog as report_catalog
    from apps.reports import services as report_services
    from apps.scheduling import services as scheduling_services
    from apps.scheduling.models import Appointment, Schedule, Shift, Visit
    from apps.staff.models import Certification, Staff, TrainingProgram
    from apps.themes import services as theme_services

    with org_a, open(os.devnull, "w") as quiet:
        for _label, seed in seeders():
            seed(org_a, stdout=quiet)
        admin_user = User.objects.get(email="admin@alpha.test")
        plan = CarePlan.objects.order_by("pk")[0]
        client = plan.client
        certification = Certification.objects.order_by("pk")[0]
        file = file_services.file_store_bytes(
            content=b"%PDF-1.4\n%%EOF\n", filename="plan.pdf", actor=admin_user, attach_to=client
        )
        permission = file_services.file_share(
            file=file, actor=admin_user, rights=[], user=User.objects.get(email="manager@alpha.test")
        )[0]
        notification = notification_services.notify(
            recipients=[admin_user], type="system", title="Hello", message="Hello", organization=org_a
        )[0]
        staff = certification.staff
        session = UserSession.objects.order_by("pk").first()
        # A's own copy of a starter template: the starters are cloned with the template schema,
        # the same ids in every organization.
        starter = FormTemplate.objects.order_by("template_name")[0]
        form_template = documentation.template_create(
            actor=admin_user, template_name="Crawler form", form_structure=starter.form_structure
        )
        structure = form_template.form_structure
        # A submitted form (a draft is its author's alone, and ids are random: "the first" by id
        # was a draft in some runs), the same one every run.
        submission = FormSubmission.objects.filter(status=FormSubmission.Status.SUBMITTED).order_by(
            "created_at", "pk"
        ).first() or documentation.submission_start(template=starter, author=User.objects.get(email="dsp@alpha.test"))
        payer = billing.make_payer("No GET Health", edi_payer_id="NOGET1")
        service = billing.make_service()
        rate = PayerRate.objects.create(
            payer=payer, service=service, rate=Decimal("6.25"), effective_from=dt.date(2026, 1, 1)
        )
        billed = billing.make_client(payer, client_id="NOGET0001")
        authorization = billing.make_authorization(billed, payer, service)
        billing.make_billables(billed, payer, service, [dt.date(2026, 11, 2)])
        open_billable = billing.make_billables(billed, payer, service, [dt.date(2026, 12, 1)])[0]
        (claim,) = billing_claims.claims_build(
            start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), payer=payer, actor=admin_user
        )
        export = report_services.export_complete(
            export=report_services.export_record(
                user=admin_user, report=report_catalog.CENSUS, filters={}, format="csv", row_count=1
            ),
            content=b"Location,Active\r\nElm,1\r\n",
            filename="census.csv",
            row_count=1,
        )
        custom_theme = theme_services.theme_create(
            theme_name="Crawler theme", css_variables={"--sl-primary": "#0f766e"}, custom_css=".card{padding:1rem}"
        )
        return {
            "export": export.pk,
            "custom_theme": custom_theme.pk,
            # Any hash: a stale one is sent on to the current stylesheet.
            "stylesheet_version": "0" * 12,
            "client": client.pk,
            "client_type": ContentType.objects.get_for_model(Client).pk,
            "client_resource": "clients.client",
            "plan": plan.pk,
            "plan_action": "approve",
            "contact": (ClientContact.objects.filter(client=client).first() or ClientContact.objects.all()[0]).pk,
            "location": ClientLocation.objects.order_by("pk")[0].pk,
            "staff": staff.pk,
            "certification": certification.pk,
            "program": TrainingProgram.objects.order_by("pk")[0].pk,
            "shift": Shift.objects.order_by("pk")[0].pk,
            "schedule": Schedule.objects.order_by("pk")[0].pk,
            "appointment": Appointment.objects.order_by("pk")[0].pk,
            "visit": Visit.objects.order_by("pk")[0].pk,
            "feed_token": scheduling_services.calendar_feed_issue(staff=Staff.objects.order_by("pk").first()),
            "person": User.objects.get(email="dsp@alpha.test").pk,
            # A role of A's own: system roles are cloned with the template, the same ids in
            # every organization, so one would not tell whose record another organization got.
            "role": role_services.role_create(name="Crawler", actor=admin_user).pk,
            "session": session.pk if session else "00000000-0000-0000-0000-000000000000",
            "file": file.pk,
            "file_permission": permission.pk,
            "notification": notification.pk,
            # A registered kind: the editor answers 404 for any other.
            "template_kind": "schedule.published",
            "template_channel": "email",
            "submission": submission.pk,
            "form_template": form_template.pk,
            "field_key": structure["sections"][0]["fields"][0]["key"],
            "section_key": structure["sections"][0]["key"],
            "direction": "up",
            "signing_token": "not-a-real-token",
            "uidb64": "MQ",
            "token": "set-password",
            "language": "es",
            "payer": payer.pk,
            "payer_rate": rate.pk,
            "coverage": billed.coverages.get().pk,
            "claim": claim.pk,
            "claim_line": claim.lines.get().pk,
            "authorization": authorization.pk,
            "billable": open_billable.pk,
            "remittance": Interchange.objects.create(
                kind=Interchange.Kind.REMITTANCE_835, content="", content_hash="0" * 64, trace_number="T1"
            ).pk,
        }
