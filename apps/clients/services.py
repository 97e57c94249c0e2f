"""Writes for clients, contacts, locations and care plans. Each function is one transaction."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.permissions import can
from apps.clients.kinds import SUBMITTED_KIND
from apps.clients.models import CarePlan, Client, ClientContact, ClientLocation, ClientUserObjectPermission
from apps.core import clock
from apps.core.field_pairs import check_position
from apps.core.validators import set_ssn
from apps.tenants.models import Organization

DEFAULT_ID_PATTERN = "C{number:05d}"
ID_PATTERN_MAX_LENGTH = 40
_ID_SPEC = re.compile(r"^(0?[1-9][0-9]?d?|d)?$")


# --- organization settings --------------------------------------------------------------------


def _section(organization) -> dict:
    settings = getattr(organization, "settings", None) or {}
    section = settings.get("clients", {}) if isinstance(settings, dict) else {}
    return section if isinstance(section, dict) else {}


def id_pattern(organization) -> str:
    return str(_section(organization).get("id_pattern") or DEFAULT_ID_PATTERN)


def id_pattern_check(pattern: str) -> str:
    """An ID pattern an organization may choose, stripped, or a ValidationError: text with
    {number} (formatted as Python does, {number:05d}) and optionally {year}, making IDs of at
    most 50 characters. next_client_id falls back to the default for a pattern that fails."""
    pattern = (pattern or "").strip()
    if len(pattern) > ID_PATTERN_MAX_LENGTH:
        raise ValidationError(_("Use at most %(count)d characters.") % {"count": ID_PATTERN_MAX_LENGTH})
    try:
        parts = [(name, spec, conversion) for _text, name, spec, conversion in string.Formatter().parse(pattern)]
    except ValueError:
        raise ValidationError(_("Check the braces: use {number} and {year} only.")) from None
    names = {name for name, _spec, _conversion in parts if name is not None}
    if "number" not in names:
        raise ValidationError(_("The pattern needs {number}, for example C{number:05d}."))
    if sum(1 for name, _spec, _conversion in parts if name == "number") > 1:
        # C{number:05d}{number} would write the number twice: an ID holds one number.
        raise ValidationError(_("Use {number} only once: each ID holds one number."))
    # Only a zero-padded width: any other format (a width of millions, an attribute, !r) is
    # either no ID or a way to make the server build a huge string.
    if names - {"number", "year"} or any(
        name is not None and (conversion or not _ID_SPEC.match(spec or "")) for name, spec, conversion in parts
    ):
        raise ValidationError(_("Use {number} and {year} only, with a width such as {number:05d}."))
    try:
        longest = pattern.format(number=10**9, year=9999)
    except (KeyError, IndexError, ValueError, TypeError):
        raise ValidationError(_("This pattern cannot make an ID; try C{number:05d}.")) from None
    if "{" in longest or "}" in longest:
        # Doubled braces ({{) are Python's literal brace: an ID with a brace in it is a typo.
        raise ValidationError(_("Check the braces: use {number} and {year} only."))
    if len(longest) > 50:
        raise ValidationError(_("IDs from this pattern would be longer than 50 characters."))
    return pattern


def two_person_rule(organization) -> bool:
    """Care plans approved by someone other than their author: on unless turned off."""
    return bool(_section(organization).get("two_person_rule", True))


def next_client_id(organization) -> str:
    """The next identifier from the organization's pattern ({number}, {year}); numbers come
    from a sequence, skipping any already taken by hand."""
    pattern = id_pattern(organization)
    for _attempt in range(1000):
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('clients_client_number_seq')")
            number = cursor.fetchone()[0]
        try:
            candidate = pattern.format(number=number, year=clock.today(organization).year)[:50]
        except (KeyError, IndexError, ValueError):
            candidate = DEFAULT_ID_PATTERN.format(number=number)
        if not Client.objects.filter(client_id__iexact=candidate).exists():
            return candidate
    raise ValidationError(_("No free client ID: check the organization's ID pattern."))


# --- clients ------------------------------------------------------------------------------------


def _check_client(client: Client) -> None:
    errors = {}
    if client.status == Client.Status.DISCHARGED and not client.discharge_date:
        errors["discharge_date"] = _("A discharged client needs a discharge date.")
    if client.discharge_date and client.admission_date and client.discharge_date < client.admission_date:
        errors["discharge_date"] = _("The discharge date cannot be before the admission date.")
    if client.date_of_birth and client.date_of_birth > clock.today():
        errors["date_of_birth"] = _("The date of birth cannot be in the future.")
    if client.client_id and Client.objects.filter(client_id__iexact=client.client_id).exclude(pk=client.pk).exists():
        errors["client_id"] = _("Another client already has this ID.")
    try:
        check_position(client.latitude, client.longitude)
    except ValidationError as exc:
        errors.update({field: messages[0] for field, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)


def client_check(*, client: Client) -> None:
    """Everything client_save refuses, without saving (the admin's form uses it)."""
    _check_client(client)
    if client.location_id and client.status not in Client.CLOSED:
        location = ClientLocation.objects.get(pk=client.location_id)
        taken = Client.objects.filter(location=location).exclude(status__in=Client.CLOSED).exclude(pk=client.pk).count()
        if location.capacity is not None and taken >= location.capacity:
            raise ValidationError({"location": _full(location)})


def _full(location: ClientLocation) -> str:
    return _("%(name)s is full (%(capacity)d places).") % {"name": location.name, "capacity": location.capacity}


def _place(client: Client, previous_location_id) -> None:
    """Keep locations' occupancy true; refuse a place at a full location. The location row
    is locked first, so two placements at once cannot both take its last place."""
    if client.location_id is not None and client.status not in Client.CLOSED:
        location = ClientLocation.objects.select_for_update().get(pk=client.location_id)
        taken = Client.objects.filter(location=location).exclude(status__in=Client.CLOSED).exclude(pk=client.pk).count()
        if location.capacity is not None and taken >= location.capacity:
            raise ValidationError({"location": _full(location)})
    recount_locations([client.location_id, previous_location_id])


def recount_locations(location_ids) -> None:
    ids = {pk for pk in location_ids if pk}
    if not ids:
        return
    counts = dict(
        Client.objects.filter(location_id__in=ids)
        .exclude(status__in=Client.CLOSED)
        .values_list("location_id")
        .annotate(n=Count("id"))
        .values_list("location_id", "n")
    )
    for pk in ids:
        ClientLocation.objects.filter(pk=pk).update(current_occupancy=counts.get(pk, 0))


@transaction.atomic
def client_save(
    *,
    client: Client | None = None,
    actor: User,
    organization: Organization | None = None,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date,
    client_id: str = "",
    middle_name: str = "",
    preferred_name: str = "",
    gender: str = "",
    status: str = Client.Status.ACTIVE,
    admission_date: dt.date | None = None,
    discharge_date: dt.date | None = None,
    location: ClientLocation | None = None,
    primary_diagnosis: str = "",
    address_line1: str = "",
    address_line2: str = "",
    city: str = "",
    state: str = "",
    postal_code: str = "",
    phone: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    secondary_diagnoses: list[dict[str, str]] | None = None,
    allergies: list[dict[str, str]] | None = None,
    dietary_restrictions: list[str] | None = None,
    ssn: str | None = None,
) -> Client:
    """Create a client (no `client`) or update `client`. Every column takes the value given
    (the form and the admin give them all); the lists (diagnoses, allergies, diet) keep what
    is stored when None. `ssn`: None keeps it, "" clears it, anything else is validated and
    stored encrypted."""
    client = client if client is not None else Client()
    previous_location_id = None
    if not client._state.adding:
        previous_location_id = Client.objects.filter(pk=client.pk).values_list("location_id", flat=True).first()
    client.client_id, client.first_name, client.middle_name = client_id, first_name, middle_name
    client.last_name, client.preferred_name, client.date_of_birth = last_name, preferred_name, date_of_birth
    client.gender, client.status = gender, status
    client.admission_date, client.discharge_date = admission_date, discharge_date
    client.location, client.primary_diagnosis = location, primary_diagnosis
    client.address_line1, client.address_line2 = address_line1, address_line2
    client.city, client.state, client.postal_code, client.phone = city, state, postal_code, phone
    client.latitude, client.longitude = latitude, longitude
    if secondary_diagnoses is not None:
        client.secondary_diagnoses = secondary_diagnoses
    if allergies is not None:
        client.allergies = allergies
    if dietary_restrictions is not None:
        client.dietary_restrictions = dietary_restrictions
    set_ssn(client, ssn)
    if not client.client_id:
        client.client_id = next_client_id(organization)
    if client._state.adding:
        client.created_by = actor
    _check_client(client)
    client.save()
    _place(client, previous_location_id)
    return client


@transaction.atomic
def client_set_photo(*, client: Client, file) -> Client:
    from django.urls import reverse

    client.photo = file
    client.photo_url = reverse("files:download", args=[file.pk])
    client.save(update_fields=["photo", "photo_url", "updated_at"])
    return client


def reveal_ssn(*, client: Client, actor, request=None) -> str:
    """The full SSN, for people whose role allows it; every reveal is in the audit log."""
    from apps.audit.services import access_record

    if not can(actor, "clients.reveal_ssn", client):
        raise PermissionDenied
    access_record(obj=client, via="reveal ssn", request=request, user=actor)
    return client.ssn


# --- the care team -----------------------------------------------------------------------------


def _view_client() -> Permission:
    return Permission.objects.get(content_type__app_label="clients", codename="view_client")


@transaction.atomic
def care_team_add(*, client: Client, user) -> None:
    ClientUserObjectPermission.objects.get_or_create(content_object=client, user=user, permission=_view_client())


@transaction.atomic
def care_team_remove(*, client: Client, user) -> None:
    ClientUserObjectPermission.objects.filter(content_object=client, user=user).delete()


# --- contacts ---------------------------------------------------------------------------------


@transaction.atomic
def contact_save(
    *,
    contact: ClientContact | None = None,
    client: Client,
    contact_type: str,
    first_name: str,
    last_name: str,
    relationship: str = "",
    phone_primary: str = "",
    phone_secondary: str = "",
    email: str = "",
    address: str = "",
    is_primary: bool = False,
    can_make_decisions: bool = False,
    notes: str = "",
) -> ClientContact:
    """Create a contact of `client` (no `contact`) or update `contact`. Making a contact
    primary makes the client's previous primary contact ordinary."""
    contact = contact if contact is not None else ClientContact()
    contact.client, contact.contact_type, contact.relationship = client, contact_type, relationship
    contact.first_name, contact.last_name = first_name, last_name
    contact.phone_primary, contact.phone_secondary, contact.email = phone_primary, phone_secondary, email
    contact.address, contact.notes = address, notes
    contact.is_primary, contact.can_make_decisions = is_primary, can_make_decisions
    if contact.is_primary:
        ClientContact.objects.filter(client=client, is_primary=True).exclude(pk=contact.pk).update(is_primary=False)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: ClientContact) -> None:
    contact.delete()


# --- locations ----------------------------------------------------------------------------------


@transaction.atomic
def location_save(
    *,
    location: ClientLocation | None = None,
    name: str,
    type: str = "",  # the model's field name; shadows the builtin only here
    address: str = "",
    city: str = "",
    state: str = "",
    zip_code: str = "",
    phone: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    capacity: int | None = None,
    clients_per_staff: int | None = None,
    required_certifications: list[str] | None = None,
    manager: User | None = None,
    is_active: bool = True,
) -> ClientLocation:
    """Create a location (no `location`) or update `location`, every column as given."""
    location = location if location is not None else ClientLocation()
    location.name, location.type, location.phone = name, type, phone
    location.address, location.city, location.state, location.zip_code = address, city, state, zip_code
    location.latitude, location.longitude = latitude, longitude
    location.capacity, location.clients_per_staff = capacity, clients_per_staff
    location.required_certifications = required_certifications or []
    location.manager, location.is_active = manager, is_active
    if ClientLocation.objects.filter(name__iexact=location.name.strip()).exclude(pk=location.pk).exists():
        raise ValidationError({"name": _("Another location already has this name.")})
    location.full_clean(validate_constraints=False)
    if location.capacity is not None and not location._state.adding:
        placed = Client.objects.filter(location=location).exclude(status__in=Client.CLOSED).count()
        if placed > location.capacity:
            raise ValidationError(
                {"capacity": _("%(count)d clients live here now; the capacity cannot be lower.") % {"count": placed}}
            )
    location.save()
    return location


# --- care plans ---------------------------------------------------------------------------------


def _check_plan(plan: CarePlan) -> None:
    errors = {}
    if plan.end_date and plan.end_date < plan.start_date:
        errors["end_date"] = _("The end date cannot be before the start date.")
    if plan.review_date and plan.review_date < plan.start_date:
        errors["review_date"] = _("The review date cannot be before the start date.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def care_plan_save(
    *,
    plan: CarePlan | None = None,
    client: Client,
    actor: User,
    plan_type: str,
    title: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    review_date: dt.date | None = None,
    goals: list[dict[str, str]] | None = None,
    interventions: list[dict[str, str]] | None = None,
    responsible: Iterable[User] = (),
) -> CarePlan:
    """Create a draft plan for `client` (no `plan`) or edit `plan`: drafts and plans under
    review are edited; active plans are revised instead."""
    if plan is not None:
        stored = CarePlan.objects.select_for_update().get(pk=plan.pk)
        if stored.status not in CarePlan.EDITABLE:
            raise ValidationError(_("An active plan is read-only: revise it to change it."))
    else:
        plan = CarePlan(created_by=actor, status=CarePlan.Status.DRAFT)
    plan.client, plan.plan_type, plan.title = client, plan_type, title
    plan.start_date, plan.end_date, plan.review_date = start_date, end_date, review_date
    plan.goals, plan.interventions = goals or [], interventions or []
    plan.responsible_staff = [user.pk for user in responsible]
    _check_plan(plan)
    plan.save()
    return plan


@transaction.atomic
def care_plan_submit(*, plan: CarePlan) -> CarePlan:
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != CarePlan.Status.DRAFT:
        raise ValidationError(_("Only a draft can be sent for review."))
    if not plan.goals:
        raise ValidationError(_("Add at least one goal before sending the plan for review."))
    plan.status = CarePlan.Status.UNDER_REVIEW
    plan.save(update_fields=["status", "updated_at"])
    _ask_approvers(plan)
    return plan


def _ask_approvers(plan: CarePlan) -> None:
    """Everyone who may approve care plans, but the author, hears that one waits."""
    from apps.notifications import services as notifications

    approvers = User.objects.filter(
        status=User.Status.ACTIVE, role__group__permissions__codename="approve_careplan"
    ).distinct()
    if plan.created_by_id is not None:
        approvers = approvers.exclude(pk=plan.created_by_id)
    notifications.notify(
        recipients=list(approvers),
        type=SUBMITTED_KIND.key,
        context={"client": plan.client.display_name, "plan": plan.title},
        link=plan.get_absolute_url(),
        channels=["in_app", "email"],
    )


@transaction.atomic
def care_plan_approve(*, plan: CarePlan, actor, organization=None) -> CarePlan:
    """Under review → active, by someone allowed to approve (and, under the two-person rule,
    not its author). The plan it revises, if any, is archived; the approved PDF is stored."""
    plan = CarePlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
    if not can(actor, "clients.approve_careplan"):
        raise PermissionDenied
    if plan.status != CarePlan.Status.UNDER_REVIEW:
        raise ValidationError(_("Only a plan under review can be approved."))
    if two_person_rule(organization) and plan.created_by_id == actor.pk:
        raise ValidationError(_("Someone other than the plan's author must approve it."))
    plan.status = CarePlan.Status.ACTIVE
    plan.approved_by, plan.approved_date = actor, timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_date", "updated_at"])
    if plan.previous_id:
        for previous in CarePlan.objects.select_for_update().filter(pk=plan.previous_id, status=CarePlan.Status.ACTIVE):
            previous.status = CarePlan.Status.ARCHIVED
            previous.save(update_fields=["status", "updated_at"])  # saved one by one: audited
    from apps.clients import printing

    printing.store_approved_pdf(plan=plan, actor=actor, organization=organization)
    return plan


@transaction.atomic
def care_plan_revise(*, plan: CarePlan, actor) -> CarePlan:
    """A new draft from an active (or expired) plan; the original stays as it was."""
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (CarePlan.Status.ACTIVE, CarePlan.Status.EXPIRED):
        raise ValidationError(_("Only an active or expired plan is revised; edit a draft directly."))
    if plan.revisions.filter(status__in=CarePlan.EDITABLE).exists():
        raise ValidationError(_("A revision of this plan is already in progress."))
    return CarePlan.objects.create(
        client=plan.client,
        plan_type=plan.plan_type,
        title=plan.title,
        start_date=max(plan.start_date, clock.today()),
        end_date=plan.end_date if plan.end_date and plan.end_date >= clock.today() else None,
        review_date=None,
        goals=plan.goals,
        interventions=plan.interventions,
        responsible_staff=plan.responsible_staff,
        created_by=actor,
        previous=plan,
        version=plan.version + 1,
    )


@transaction.atomic
def care_plan_archive(*, plan: CarePlan) -> CarePlan:
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == CarePlan.Status.ARCHIVED:
        return plan
    plan.status = CarePlan.Status.ARCHIVED
    plan.save(update_fields=["status", "updated_at"])
    return plan


def care_plans_expire(*, day: dt.date | None = None) -> int:
    """Active plans whose end date has passed become expired (a scheduled job)."""
    day = day or clock.today()
    expired = 0
    with transaction.atomic():
        for plan in CarePlan.objects.select_for_update().filter(status=CarePlan.Status.ACTIVE, end_date__lt=day):
            plan.status = CarePlan.Status.EXPIRED
            plan.save(update_fields=["status", "updated_at"])  # one by one, so the audit log has each
            expired += 1
    return expired


# --- photo ---------------------------------------------------------------------------------------


@transaction.atomic
def client_photo_from_upload(*, client: Client, stored, actor) -> Client:
    """A photo uploaded through the files app's streaming handler: the files app checks and
    thumbnails it (nothing is kept of a refused one), and the thumbnail becomes the photo."""
    from apps.files import services as files

    thumbnail = files.photo_from_upload(
        stored=stored, actor=actor, attach_to=client, filename=f"{client.client_id}-photo.jpg"
    )
    return client_set_photo(client=client, file=thumbnail)
