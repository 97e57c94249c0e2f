"""The registry of rule types: what a compliance rule can check.

Each type has a key (a rule's `rule_type`), a title and description people read, a JSON Schema
its parameters (`rule_definition`) must match, and an evaluator: ONE set-based query that
returns the objects out of compliance as rows, however many there are (no loop over records
in Python, so a nightly run costs a query per rule whatever the organization's size). A row
has the object's `pk`, its `place_id` (a location, for the dashboard; None where it has none) and the
columns its label is written from; `label(row)` and `link(row)` make the finding's stored
label and the URL it links to.

Labels hold names, codes and ISO dates only, never words in one language: the rule's title
says what is wrong, in the reader's language. Clients are named by first name, last initial
and client ID, since people who read findings (HR, auditors) may not see client records.

"Today" is the organization's (apps.core.clock), "now" the instant of the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField, DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator

from apps.accounts import roles

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Moment:
    """When a run looks: the organization's date and the instant."""

    today: dt.date
    now: dt.datetime


@dataclass(frozen=True)
class RuleType:
    key: str
    title: StrOrPromise
    description: StrOrPromise
    schema: dict
    model: str  # "app_label.ModelName" of the objects it finds
    evaluate: Callable[[dict, Moment], QuerySet]
    label: Callable[[dict], str]
    link: Callable[[dict], tuple[str, list]]
    # Who is told about new findings (role names, apps/accounts/roles.py); admins always are.
    responsible: tuple[str, ...] = ()
    # Starter parameters: what the admin's form starts from.
    example: dict = field(default_factory=dict)

    @property
    def view_permission(self) -> str:
        """Who may see this type's findings: whoever may view the records it finds."""
        app_label, model = self.model.split(".")
        return f"{app_label}.view_{model.lower()}"


REGISTRY: dict[str, RuleType] = {}


def register(rule_type: RuleType) -> RuleType:
    Draft202012Validator.check_schema(rule_type.schema)
    REGISTRY[rule_type.key] = rule_type
    return rule_type


def visible_to(user) -> list[str]:
    """The rule types whose findings the person sees: those about records they may open (a
    finding links to its record, and HR has no business with claims' authorizations, nor billing
    with training)."""
    from apps.accounts.permissions import can

    return [key for key, rule_type in REGISTRY.items() if can(user, rule_type.view_permission)]


def choices() -> list[tuple[str, str]]:
    return [(key, str(rule_type.title)) for key, rule_type in sorted(REGISTRY.items())]


def definition_problems(rule_type: RuleType, definition: Any) -> list[tuple[str, str]]:
    """Why `definition` does not fit the type's schema: (parameter, sentence) pairs, the
    parameter "" where the problem is the whole definition (empty when it fits)."""
    problems = []
    for error in sorted(Draft202012Validator(rule_type.schema).iter_errors(definition), key=lambda e: list(e.path)):
        name = str(error.path[0]) if error.path else ""
        if name:
            spec = rule_type.schema.get("properties", {}).get(name, {})
            title = gettext(spec["title"]) if spec.get("title") else name
            problems.append(
                (name, gettext("Parameter “%(name)s”: %(problem)s") % {"name": title, "problem": _problem(error)})
            )
        else:
            problems.append(("", gettext("The parameters: %(problem)s") % {"problem": _problem(error)}))
    return problems


def _problem(error) -> str:
    """jsonschema's finding in the reader's language (its own messages are English and name
    the schema's terms: "-5 is less than the minimum of 0")."""
    limit = error.validator_value
    if error.validator == "minimum":
        return gettext("it must be at least %(limit)s.") % {"limit": limit}
    if error.validator == "exclusiveMinimum":
        return gettext("it must be more than %(limit)s.") % {"limit": limit}
    if error.validator == "maximum":
        return gettext("it must be at most %(limit)s.") % {"limit": limit}
    if error.validator == "maxLength":
        return gettext("it must be at most %(limit)s characters.") % {"limit": limit}
    if error.validator == "type":
        return gettext("that is not a value of the right kind.")
    if error.validator == "enum":
        return gettext("choose one of: %(choices)s.") % {"choices": ", ".join(str(v) for v in limit)}
    if error.validator == "required":
        missing = [name for name in limit if not isinstance(error.instance, dict) or name not in error.instance]
        return gettext("missing: %(names)s.") % {"names": ", ".join(missing)}
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = [str(name) for name in error.instance if name not in known]
        return gettext("this type has no parameter %(names)s.") % {"names": ", ".join(extra)}
    return error.message


def definition_errors(rule_type: RuleType, definition: Any) -> list[str]:
    return [message for _name, message in definition_problems(rule_type, definition)]


def parameters(rule_type: RuleType, definition: dict) -> dict:
    """The definition with each parameter's default filled in."""
    values = {name: spec.get("default") for name, spec in rule_type.schema.get("properties", {}).items()}
    return {**values, **(definition or {})}


# --- schema pieces ---------------------------------------------------------------------------------


def _schema(properties: dict, required: list[str]) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


# Titles are the admin form's labels (apps/compliance/forms.py translates them): marked for
# translation, kept plain strings in the schema.
def _days(title: str, default: int, maximum: int = 366) -> dict:
    return {"type": "integer", "minimum": 0, "maximum": maximum, "default": default, "title": title}


def _text(title: str, default: str = "") -> dict:
    return {"type": "string", "maxLength": 255, "default": default, "title": title}


# --- how objects are named ---------------------------------------------------------------------------


def _person(row: dict, prefix: str) -> str:
    first = row.get(f"{prefix}preferred_name") or row.get(f"{prefix}first_name") or ""
    return f"{first} {row.get(f'{prefix}last_name') or ''}".strip()


def _client(row: dict, prefix: str = "client__") -> str:
    if not row.get(f"{prefix}client_id"):
        return ""
    first = row.get(f"{prefix}preferred_name") or row.get(f"{prefix}first_name") or ""
    last = (row.get(f"{prefix}last_name") or "")[:1]
    return f"{first} {last}. ({row[f'{prefix}client_id']})"


def _join(*parts: object) -> str:
    return " · ".join(str(part) for part in parts if part not in (None, ""))[:255]


def _day(value) -> str:
    return value.isoformat() if value else ""


STAFF_NAME = ("first_name", "preferred_name", "last_name", "employee_id")
CLIENT_NAME = ("first_name", "preferred_name", "last_name", "client_id")


def _names(path: str, names: tuple[str, ...]) -> list[str]:
    return [f"{path}__{name}" for name in names]


def _staff_location(path: str) -> Subquery:
    """A staff member's usual place of work is free text; it names a location when it is one."""
    from apps.clients.models import ClientLocation

    return Subquery(ClientLocation.objects.filter(name__iexact=OuterRef(path)).values("pk")[:1])


def _active_staff():
    from apps.staff.models import Staff

    return Staff.objects.filter(employment_status=Staff.Status.ACTIVE)


def _valid_certification(staff_ref: str, certification_type: Any, on: Any):
    """Certifications of the staff member at `staff_ref` of the type that count on day `on`:
    issued by then, not yet expired, not suspended (the schedule's conflict rule)."""
    from apps.staff.models import Certification

    return (
        Certification.objects.filter(staff_id=OuterRef(staff_ref), certification_type=certification_type)
        .exclude(status=Certification.Status.SUSPENDED)
        .filter(issue_date__lte=on)
        .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=on))
    )


# --- 1. certification_expiring(type, within_days) ---------------------------------------------------------


def certification_expiring(p: dict, at: Moment) -> QuerySet:
    """Current certifications (not renewed, not suspended) of active staff that expire within
    the days given, or have expired without renewal: the finding stays until it is renewed."""
    from apps.staff.models import Certification, Staff

    rows = Certification.objects.filter(
        renewed_by__isnull=True,
        staff__employment_status=Staff.Status.ACTIVE,
        expiry_date__lte=at.today + dt.timedelta(days=p["within_days"]),
    ).exclude(status=Certification.Status.SUSPENDED)
    if p["certification_type"]:
        rows = rows.filter(certification_type=p["certification_type"])
    return rows.values("pk", "staff_id", "certification_type", "expiry_date", *_names("staff", STAFF_NAME)).annotate(
        place_id=_staff_location("staff__work_location")
    )


register(
    RuleType(
        key="certification_expiring",
        title=_("Certification expiring"),
        description=_(
            "A staff member's certification expires within the days given (or has expired) and is not renewed."
        ),
        schema=_schema(
            {
                "certification_type": _text(gettext_noop("Certification type (empty: any)")),
                "within_days": _days(gettext_noop("Within days"), 30),
            },
            ["within_days"],
        ),
        model="staff.Certification",
        evaluate=certification_expiring,
        label=lambda r: _join(_person(r, "staff__"), r["certification_type"], _day(r["expiry_date"])),
        link=lambda r: ("staff:certifications", [r["staff_id"]]),
        responsible=(roles.HR_MANAGER,),
        example={"certification_type": "CPR", "within_days": 30},
    )
)


# --- 2. certification_missing(type, roles) --------------------------------------------------------------


def certification_missing(p: dict, at: Moment) -> QuerySet:
    """Active staff (of the roles given; everyone when none) with no valid certification of the
    type today."""
    rows = _active_staff().exclude(Exists(_valid_certification("pk", p["certification_type"], at.today)))
    if p["roles"]:
        rows = rows.filter(user__role__name__in=p["roles"])
    return rows.values("pk", *STAFF_NAME).annotate(place_id=_staff_location("work_location"))


register(
    RuleType(
        key="certification_missing",
        title=_("Certification missing"),
        description=_("An active staff member of the roles given has no valid certification of the type."),
        schema=_schema(
            {
                "certification_type": {**_text(gettext_noop("Certification type")), "minLength": 1},
                "roles": {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1, "maxLength": 150},
                    "uniqueItems": True,
                    "default": [],
                    "title": gettext_noop("Roles (empty: everyone)"),
                },
            },
            ["certification_type"],
        ),
        model="staff.Staff",
        evaluate=certification_missing,
        label=lambda r: _join(_person(r, ""), r["employee_id"]),
        link=lambda r: ("staff:certifications", [r["pk"]]),
        responsible=(roles.HR_MANAGER,),
        example={"certification_type": "CPR", "roles": [roles.DIRECT_SUPPORT, roles.NURSE]},
    )
)


# --- 3. training_overdue(program) --------------------------------------------------------------------------

# The mandatory programs (one by name, or all) that apply to the staff member of the outer row
# (no roles and no titles: everyone; else their account's role or their job title) and that
# they have no passed, unexpired record of: the staff app's matrix rule, as one subquery.
OVERDUE_PROGRAMS = """
ARRAY(
    SELECT p.program_name FROM staff_trainingprogram p
    WHERE p.is_mandatory AND p.is_active AND (%s = '' OR p.program_name = %s)
      AND (
        (NOT EXISTS (SELECT 1 FROM staff_trainingprogram_required_roles rr WHERE rr.trainingprogram_id = p.id)
         AND COALESCE(p.required_job_titles, '[]'::jsonb) = '[]'::jsonb)
        OR EXISTS (
            SELECT 1 FROM staff_trainingprogram_required_roles rr JOIN accounts_user u ON u.role_id = rr.role_id
            WHERE rr.trainingprogram_id = p.id AND u.id = staff_staff.user_id)
        OR EXISTS (
            SELECT 1 FROM jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(p.required_job_titles) = 'array' THEN p.required_job_titles ELSE '[]' END
            ) AS title(name)
            WHERE lower(trim(title.name)) = lower(trim(staff_staff.job_title)))
      )
      AND NOT EXISTS (
        SELECT 1 FROM staff_trainingrecord r
        WHERE r.staff_id = staff_staff.id AND r.program_id = p.id AND r.passed
          AND (r.expires_on IS NULL OR r.expires_on >= %s))
    ORDER BY p.program_name
)
"""


def training_overdue(p: dict, at: Moment) -> QuerySet:
    """Active staff with a mandatory program (the one named, or any) they must have and have
    never passed, or whose last pass has expired."""
    # Constant SQL; the program's name and the date are parameters.
    overdue = RawSQL(OVERDUE_PROGRAMS, [p["program"], p["program"], at.today], output_field=ArrayField(CharField()))  # noqa: S611 # nosec B611
    return (
        _active_staff()
        .annotate(overdue=overdue)
        .filter(overdue__len__gt=0)
        .values("pk", "overdue", *STAFF_NAME)
        .annotate(place_id=_staff_location("work_location"))
    )


register(
    RuleType(
        key="training_overdue",
        title=_("Training overdue"),
        description=_(
            "An active staff member has not passed a mandatory training program that applies to them,"
            " or their last pass has expired."
        ),
        schema=_schema({"program": _text(gettext_noop("Program name (empty: every mandatory program)"))}, []),
        model="staff.Staff",
        evaluate=training_overdue,
        label=lambda r: _join(_person(r, ""), ", ".join(r["overdue"])),
        link=lambda r: ("staff:training", [r["pk"]]),
        responsible=(roles.HR_MANAGER,),
        example={"program": ""},
    )
)


# --- 4. care_plan_review_due(days) ------------------------------------------------------------------------


def care_plan_review_due(p: dict, at: Moment) -> QuerySet:
    """Active care plans of current clients whose review date is within the days given, or past."""
    from apps.clients.models import CarePlan, Client

    return (
        CarePlan.objects.filter(status=CarePlan.Status.ACTIVE, review_date__lte=at.today + dt.timedelta(days=p["days"]))
        .exclude(client__status__in=Client.CLOSED)
        .values("pk", "client_id", "title", "review_date", *_names("client", CLIENT_NAME))
        .annotate(place_id=F("client__location_id"))
    )


register(
    RuleType(
        key="care_plan_review_due",
        title=_("Care plan review due"),
        description=_("An active care plan's review date is within the days given, or has passed."),
        schema=_schema({"days": _days(gettext_noop("Within days"), 30)}, ["days"]),
        model="clients.CarePlan",
        evaluate=care_plan_review_due,
        label=lambda r: _join(_client(r), r["title"], _day(r["review_date"])),
        link=lambda r: ("clients:care_plan", [r["client_id"], r["pk"]]),
        responsible=(roles.PROGRAM_MANAGER,),
        example={"days": 30},
    )
)


# --- 5. care_plan_missing(plan_type) ----------------------------------------------------------------------


def care_plan_missing(p: dict, at: Moment) -> QuerySet:
    """Active clients without an active plan of the type in force today."""
    from apps.clients.models import CarePlan, Client

    in_force = CarePlan.objects.filter(
        client_id=OuterRef("pk"), plan_type=p["plan_type"], status=CarePlan.Status.ACTIVE, start_date__lte=at.today
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=at.today))
    return (
        Client.objects.filter(status=Client.Status.ACTIVE)
        .exclude(Exists(in_force))
        .values("pk", *CLIENT_NAME)
        .annotate(place_id=F("location_id"))
    )


register(
    RuleType(
        key="care_plan_missing",
        title=_("Care plan missing"),
        description=_("An active client has no active care plan of the type."),
        schema=_schema(
            {
                "plan_type": {
                    "type": "string",
                    "enum": ["ISP", "behavior", "medical", "dietary", "therapy"],
                    "title": gettext_noop("Plan type"),
                }
            },
            ["plan_type"],
        ),
        model="clients.Client",
        evaluate=care_plan_missing,
        label=lambda r: _client(r, ""),
        link=lambda r: ("clients:care_plans", [r["pk"]]),
        responsible=(roles.PROGRAM_MANAGER,),
        example={"plan_type": "ISP"},
    )
)


# --- 6. authorization_utilization(threshold) -------------------------------------------------------------


def authorization_utilization(p: dict, at: Moment) -> QuerySet:
    """Active authorizations not ended whose used units (services ready to bill or claimed
    under them, as billing counts them) reach the threshold, a percentage of the units."""
    from apps.billing.models import BillableService, ServiceAuthorization

    units: DecimalField = DecimalField(max_digits=12, decimal_places=2)
    used = (
        BillableService.objects.filter(
            authorization=OuterRef("pk"),
            status__in=[BillableService.Status.READY, BillableService.Status.CLAIMED],
        )
        .order_by()
        .values("authorization")
        .annotate(total=Sum("units"))
        .values("total")
    )
    threshold = Decimal(str(p["threshold"])) / 100
    return (
        ServiceAuthorization.objects.filter(status=ServiceAuthorization.Status.ACTIVE, end_date__gte=at.today)
        .annotate(used=Coalesce(Subquery(used, output_field=units), Value(Decimal(0)), output_field=units))
        .filter(used__gte=F("units_authorized") * threshold)
        .values(
            "pk", "authorization_number", "used", "units_authorized", "service__code", *_names("client", CLIENT_NAME)
        )
        .annotate(place_id=F("client__location_id"))
    )


register(
    RuleType(
        key="authorization_utilization",
        title=_("Authorization nearly used up"),
        description=_("An active authorization has used the percentage given of its units, or more."),
        schema=_schema(
            {
                "threshold": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 1000,
                    "default": 80,
                    "title": gettext_noop("Percent used"),
                }
            },
            ["threshold"],
        ),
        model="billing.ServiceAuthorization",
        evaluate=authorization_utilization,
        label=lambda r: _join(
            r["authorization_number"], _client(r), r["service__code"], f"{r['used']}/{r['units_authorized']}"
        ),
        link=lambda r: ("billing:authorization", [r["pk"]]),
        responsible=(roles.BILLING,),
        example={"threshold": 80},
    )
)


# --- 7. authorization_expiring(days) ---------------------------------------------------------------------


def authorization_expiring(p: dict, at: Moment) -> QuerySet:
    """Active authorizations ending within the days given with no renewal: no other active or
    pending authorization of the client and service starting by the day after it ends."""
    from apps.billing.models import ServiceAuthorization

    renewal = ServiceAuthorization.objects.filter(
        client_id=OuterRef("client_id"),
        service_id=OuterRef("service_id"),
        status__in=[ServiceAuthorization.Status.ACTIVE, ServiceAuthorization.Status.PENDING],
        start_date__lte=OuterRef("end_date") + dt.timedelta(days=1),
        end_date__gt=OuterRef("end_date"),
    ).exclude(pk=OuterRef("pk"))
    return (
        ServiceAuthorization.objects.filter(
            status=ServiceAuthorization.Status.ACTIVE,
            end_date__gte=at.today,
            end_date__lte=at.today + dt.timedelta(days=p["days"]),
        )
        .exclude(Exists(renewal))
        .values("pk", "authorization_number", "end_date", "service__code", *_names("client", CLIENT_NAME))
        .annotate(place_id=F("client__location_id"))
    )


register(
    RuleType(
        key="authorization_expiring",
        title=_("Authorization ending without renewal"),
        description=_("An active authorization ends within the days given and no renewal follows it."),
        schema=_schema({"days": _days(gettext_noop("Within days"), 30)}, ["days"]),
        model="billing.ServiceAuthorization",
        evaluate=authorization_expiring,
        label=lambda r: _join(r["authorization_number"], _client(r), r["service__code"], _day(r["end_date"])),
        link=lambda r: ("billing:authorization", [r["pk"]]),
        responsible=(roles.BILLING,),
        example={"days": 30},
    )
)


# --- 8. evv_exception_unresolved(days) --------------------------------------------------------------------

VISIT_COLUMNS = (
    "pk",
    "clock_in_at",
    "service_code",
    "staff_id",
    *_names("staff", STAFF_NAME),
    *_names("client", CLIENT_NAME),
)


def _visit_location():
    # A visit at a home names the home; an in-home visit the client's residence.
    return Coalesce(F("location_id"), F("client__location_id"))


def evv_exception_unresolved(p: dict, at: Moment) -> QuerySet:
    """Visits clocked out with EVV exceptions nobody has resolved, at least the days given ago."""
    from apps.scheduling.models import Visit

    return (
        Visit.objects.filter(status=Visit.Status.EXCEPTION, clock_out_at__lte=at.now - dt.timedelta(days=p["days"]))
        .values(*VISIT_COLUMNS)
        .annotate(place_id=_visit_location())
    )


def _visit_label(r: dict) -> str:
    return _join(_person(r, "staff__"), _client(r), r["service_code"], r["clock_in_at"].date().isoformat())


register(
    RuleType(
        key="evv_exception_unresolved",
        title=_("EVV exception unresolved"),
        description=_("A visit's verification exception is still unresolved the days given after clock-out."),
        schema=_schema({"days": _days(gettext_noop("Days after clock-out"), 3)}, ["days"]),
        model="scheduling.Visit",
        evaluate=evv_exception_unresolved,
        label=_visit_label,
        link=lambda r: ("scheduling:visit", [r["pk"]]),
        responsible=(roles.SCHEDULER, roles.PROGRAM_MANAGER),
        example={"days": 3},
    )
)


# --- 9. visit_note_missing(hours) --------------------------------------------------------------------------


def visit_note_missing(p: dict, at: Moment) -> QuerySet:
    """Visits with a client, clocked out at least the hours given ago, with no note submitted
    (a draft is not a note yet; documentation's "notes due" rule)."""
    from apps.documentation.models import FormSubmission
    from apps.scheduling.models import Visit

    note = FormSubmission.objects.filter(visit_id=OuterRef("pk")).exclude(status=FormSubmission.Status.DRAFT)
    return (
        Visit.objects.filter(client__isnull=False, clock_out_at__lte=at.now - dt.timedelta(hours=p["hours"]))
        .exclude(Exists(note))
        .values(*VISIT_COLUMNS)
        .annotate(place_id=_visit_location())
    )


register(
    RuleType(
        key="visit_note_missing",
        title=_("Visit note missing"),
        description=_("A visit with a client ended the hours given ago or more, and its note is not submitted."),
        schema=_schema(
            {
                "hours": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 8784,
                    "default": 24,
                    "title": gettext_noop("Hours after clock-out"),
                }
            },
            ["hours"],
        ),
        model="scheduling.Visit",
        evaluate=visit_note_missing,
        label=_visit_label,
        link=lambda r: ("scheduling:visit", [r["pk"]]),
        responsible=(roles.PROGRAM_MANAGER,),
        example={"hours": 24},
    )
)


# --- 10. unsigned_submission(template, days) --------------------------------------------------------------

# Signatures still in force against the signer steps the template asks for (one, the
# author's, when it names none).
SIGNATURES_SHORT = """
(SELECT count(*) FROM documentation_electronicsignature s
  WHERE s.form_submission_id = documentation_formsubmission.id AND s.voided_at IS NULL)
< GREATEST(jsonb_array_length(
    CASE WHEN jsonb_typeof(documentation_formtemplate.signers) = 'array'
         THEN documentation_formtemplate.signers ELSE '[]' END), 1)
"""


def unsigned_submission(p: dict, at: Moment) -> QuerySet:
    """Submitted (or approved) forms of a template that requires signatures, submitted at least
    the days given ago, still short of their signatures. The template is named by its starter
    key (incident_report…) or its name; empty for every template."""
    from django.db.models import BooleanField

    from apps.documentation.models import FormSubmission

    rows = FormSubmission.objects.filter(
        form_template__requires_signature=True,
        status__in=[FormSubmission.Status.SUBMITTED, FormSubmission.Status.APPROVED],
        submitted_at__lte=at.now - dt.timedelta(days=p["days"]),
    )
    if p["template"]:
        rows = rows.filter(Q(form_template__starter=p["template"]) | Q(form_template__template_name=p["template"]))
    return (
        rows.filter(RawSQL(SIGNATURES_SHORT, [], output_field=BooleanField()))  # noqa: S611 - constant SQL # nosec B611
        .values("pk", "service_date", "form_template__template_name", *_names("client", CLIENT_NAME))
        .annotate(place_id=F("client__location_id"))
    )


register(
    RuleType(
        key="unsigned_submission",
        title=_("Form not signed"),
        description=_("A submitted form that needs signatures still lacks some the days given after it was submitted."),
        schema=_schema(
            {
                "template": _text(gettext_noop("Form template: starter key or name (empty: every form)")),
                "days": _days(gettext_noop("Days after submission"), 7),
            },
            ["days"],
        ),
        model="documentation.FormSubmission",
        evaluate=unsigned_submission,
        label=lambda r: _join(r["form_template__template_name"], _client(r), _day(r["service_date"])),
        link=lambda r: ("documentation:submission", [r["pk"]]),
        responsible=(roles.PROGRAM_MANAGER,),
        example={"template": "", "days": 7},
    )
)


# --- 11. incident_not_reviewed(hours) ---------------------------------------------------------------------


def incident_not_reviewed(p: dict, at: Moment) -> QuerySet:
    """Incident reports submitted at least the hours given ago and still waiting for review."""
    from apps.documentation.models import FormSubmission, FormTemplate

    return (
        FormSubmission.objects.filter(
            form_template__form_type=FormTemplate.Type.INCIDENT_REPORT,
            status=FormSubmission.Status.SUBMITTED,
            submitted_at__lte=at.now - dt.timedelta(hours=p["hours"]),
        )
        .values("pk", "service_date", "form_template__template_name", *_names("client", CLIENT_NAME))
        .annotate(place_id=F("client__location_id"))
    )


register(
    RuleType(
        key="incident_not_reviewed",
        title=_("Incident not reviewed"),
        description=_("An incident report has waited for review the hours given or more."),
        schema=_schema(
            {
                "hours": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 8784,
                    "default": 24,
                    "title": gettext_noop("Hours after submission"),
                }
            },
            ["hours"],
        ),
        model="documentation.FormSubmission",
        evaluate=incident_not_reviewed,
        label=lambda r: _join(r["form_template__template_name"], _client(r), _day(r["service_date"])),
        link=lambda r: ("documentation:submission", [r["pk"]]),
        responsible=(roles.PROGRAM_MANAGER,),
        example={"hours": 24},
    )
)


# --- 12. shift_without_qualified_staff(days_ahead) ------------------------------------------------------


# A certification type the shift's location or service requires that its staff member does not
# hold on the shift's day: issued by then, not expired, not suspended (the schedule's own rule).
UNQUALIFIED = """
EXISTS (
    SELECT 1 FROM jsonb_array_elements_text(
        COALESCE((SELECT CASE WHEN jsonb_typeof(l.required_certifications) = 'array'
                  THEN l.required_certifications END
                  FROM clients_clientlocation l WHERE l.id = scheduling_shift.location_id), '[]')
        || COALESCE((SELECT CASE WHEN jsonb_typeof(v.required_certifications) = 'array'
                     THEN v.required_certifications END
                     FROM scheduling_service v WHERE v.id = scheduling_shift.service_id), '[]')
    ) AS required(kind)
    WHERE NOT EXISTS (
        SELECT 1 FROM staff_certification c
        WHERE c.staff_id = scheduling_shift.staff_id AND c.certification_type = required.kind
          AND c.status <> 'suspended' AND c.issue_date <= scheduling_shift.shift_date
          AND (c.expiry_date IS NULL OR c.expiry_date >= scheduling_shift.shift_date))
)
"""


def shift_without_qualified_staff(p: dict, at: Moment) -> QuerySet:
    """Shifts still to come within the days given that nobody qualified works: open ones, ones
    whose staff member is no longer active, and ones whose staff member lacks a certification
    the location or the service requires on that day."""
    from django.db.models import BooleanField

    from apps.scheduling.models import Shift
    from apps.staff.models import Staff

    unqualified = RawSQL(UNQUALIFIED, [], output_field=BooleanField())  # noqa: S611 - constant SQL # nosec B611
    return (
        Shift.objects.filter(
            status__in=[Shift.Status.SCHEDULED, Shift.Status.CONFIRMED],
            starts_at__gte=at.now,
            shift_date__lte=at.today + dt.timedelta(days=p["days_ahead"]),
        )
        .filter(Q(staff__isnull=True) | ~Q(staff__employment_status=Staff.Status.ACTIVE) | Q(unqualified))
        .values("pk", "shift_date", "start_time", "location__name", "service__code", *_names("staff", STAFF_NAME))
        .annotate(place_id=F("location_id"))
    )


register(
    RuleType(
        key="shift_without_qualified_staff",
        title=_("Shift without qualified staff"),
        description=_(
            "A shift in the days ahead is open, or its staff member is not active or lacks a certification"
            " the location or the service requires."
        ),
        schema=_schema({"days_ahead": _days(gettext_noop("Days ahead"), 7, maximum=90)}, ["days_ahead"]),
        model="scheduling.Shift",
        evaluate=shift_without_qualified_staff,
        label=lambda r: _join(
            r["shift_date"].isoformat(),
            r["start_time"].strftime("%H:%M"),
            r["location__name"],
            r["service__code"],
            _person(r, "staff__") or "—",
        ),
        link=lambda r: ("scheduling:shift", [r["pk"]]),
        responsible=(roles.SCHEDULER,),
        example={"days_ahead": 7},
    )
)
