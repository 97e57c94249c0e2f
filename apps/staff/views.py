"""Staff pages: the directory, a person's tabs (profile, certifications, training; documents
and history live in the files and audit apps), forms, training programs, the compliance
matrix (page and CSV) and the CSV import. Pay appears only for roles with staff.see_pay."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.models import Role
from apps.accounts.permissions import can, permission_required
from apps.audit.services import access_record
from apps.audit.views import history_context
from apps.core import clock
from apps.core.csvexport import csv_response
from apps.core.forms import add_errors
from apps.core.fragments import cached_template
from apps.core.pages import action, form_page
from apps.files import uploads
from apps.staff import forms, imports, selectors, services
from apps.staff.models import Certification, Staff, TrainingProgram, TrainingRecord


@login_required
@permission_required("staff.view_staff")
def directory(request: OrgRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip() for k in ("q", "status", "department", "sort")}
    flags = {
        "may_add": can(request.user, "staff.add_staff"),
        "may_import": can(request.user, "staff.import_staff"),
        "may_see_compliance": can(request.user, "staff.view_certification"),
        "may_see_programs": can(request.user, "staff.view_trainingprogram"),
    }

    def context() -> dict:
        rows = selectors.directory(
            query=params["q"], status=params["status"], department=params["department"], sort=params["sort"] or "name"
        )
        return {
            **flags,
            "page": Paginator(rows, 25).get_page(request.GET.get("page")),
            "params": params,
            "statuses": Staff.Status.choices,
            "departments": selectors.departments(),
        }

    body = cached_template(
        request,
        "staff/partials/_directory_body.html",
        key=tuple(flags.values()),
        tables=selectors.DIRECTORY_TABLES,
        context=context,
    )
    return render(request, "staff/directory.html", {"body": body})


def _page(
    request: OrgRequest, pk: uuid.UUID | Staff, template: str, tab: str, status: int = 200, **extra
) -> HttpResponse:
    staff = pk if isinstance(pk, Staff) else selectors.get_staff(pk)
    access_record(obj=staff, request=request)
    today = clock.today()
    return render(
        request,
        template,
        {
            "staff": staff,
            "tab": tab,
            "today": today,
            "see_pay": selectors.may_see_pay(request.user),
            "may_change": can(request.user, "staff.change_staff"),
            **extra,
        },
        status=status,
    )


@login_required
@permission_required("staff.view_staff")
def detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    from apps.accounts.services import assignable_roles

    return _page(request, pk, "staff/detail.html", "profile", roles=assignable_roles(request.user))


@login_required
@permission_required("staff.view_staff")
def certifications(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    staff = selectors.get_staff(pk)
    today = clock.today()
    rows = [{"cert": c, "state": c.state(today)} for c in staff.certifications.all()]
    return _page(request, pk, "staff/certifications.html", "certifications", rows=rows)


@login_required
@permission_required("staff.view_staff")
def training(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    staff = selectors.get_staff(pk)
    records = staff.training_records.select_related("program")
    return _page(request, pk, "staff/training.html", "training", records=records, form=forms.TrainingRecordForm())


@uploads.streams_upload
@csrf_exempt
@login_required
@permission_required("staff.change_staff")
@require_POST
def photo(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    """The photo streams in through the files app's upload handler (typed from its bytes,
    size-limited, encrypted at rest); CSRF is checked inside, once the handler is set."""
    from apps.accounts.services import assignable_roles

    staff = selectors.get_staff(pk)

    def saved():
        messages.success(request, _("Photo updated."))
        return redirect(staff)

    def refused(error: str):
        # The profile again, with the reason, as a 400.
        messages.error(request, error)
        return _page(request, staff, "staff/detail.html", "profile", status=400, roles=assignable_roles(request.user))

    return uploads.receive_photo(
        request,
        save=lambda stored: services.staff_photo_from_upload(staff=staff, stored=stored, actor=request.user),
        saved=saved,
        refused=refused,
    )


@login_required
@permission_required("staff.view_staff")
def history(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    """The History tab inside the staff member's page (the audit app's entries and rules)."""
    staff = selectors.get_staff(pk)
    context = history_context(request, "staff.staff", staff.pk)
    del context["pk"]  # the page names its record as `staff`
    return _page(request, staff, "staff/history.html", "history", **context)


@login_required
@permission_required("staff.view_staff")
def documents(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    return documents_page(request, pk)


def documents_page(request: OrgRequest, pk: uuid.UUID, *, status: int = 200, **extra) -> HttpResponse:
    """The documents tab inside the staff member's page; the files app renders it here too
    when an upload to it is refused (registered in apps.py)."""
    from apps.files.views import documents_context

    staff = selectors.get_staff(pk)
    context = documents_context(request, staff, **extra)
    return _page(request, staff, "staff/documents.html", "documents", status=status, **context)


def _staff_form_page(request: OrgRequest, staff: Staff | None) -> HttpResponse:
    show_pay = can(request.user, "staff.change_pay")
    form = forms.StaffForm(request.POST or None, instance=staff or Staff(), show_pay=show_pay)

    def save(values: dict[str, Any]) -> Staff:
        columns, pay = services.Pay.split(values)
        return services.staff_save(staff=staff, actor=request.user, request=request, pay=pay, **columns)

    return form_page(
        request, form, save=save, template="staff/form.html", context={"staff": staff}, saved_message=_("Saved.")
    )


@login_required
@permission_required("staff.add_staff")
def create(request: OrgRequest) -> HttpResponse:
    return _staff_form_page(request, None)


@login_required
@permission_required("staff.change_staff")
def edit(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    return _staff_form_page(request, selectors.get_staff(pk))


@login_required
@require_POST
def reveal_ssn(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    staff = selectors.get_staff(pk)
    ssn = services.reveal_ssn(staff=staff, actor=request.user, request=request)
    response = render(request, "staff/partials/_ssn.html", {"staff": staff, "ssn": ssn})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@permission_required("staff.change_staff", "accounts.invite_user")
@require_POST
def create_account(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    staff = selectors.get_staff(pk)
    role_id = request.POST.get("role", "")
    try:
        role = Role.objects.filter(pk=uuid.UUID(role_id)).first() if role_id else None
    except ValueError:
        role = None
    return action(
        request,
        lambda: services.staff_create_account(staff=staff, request=request, actor=request.user, role=role),
        done=_("Account created; an invitation was sent to %(email)s.") % {"email": staff.email},
        redirect_to=staff,
    )


@login_required
def certification_edit(request: OrgRequest, pk: uuid.UUID, cert_pk: uuid.UUID | None = None) -> HttpResponse:
    if not can(request.user, "staff.change_certification" if cert_pk else "staff.add_certification"):
        raise PermissionDenied
    staff = selectors.get_staff(pk)
    cert = get_object_or_404(Certification, pk=cert_pk, staff=staff) if cert_pk else Certification(staff=staff)
    form = forms.CertificationForm(request.POST or None, instance=cert)
    return form_page(
        request,
        form,
        save=lambda values: services.certification_save(certification=cert if cert_pk else None, staff=staff, **values),
        template="staff/certification_form.html",
        context={"staff": staff, "cert": cert if cert_pk else None, "renew": forms.RenewForm()},
        saved_message=_("Certification saved."),
        redirect_to=reverse("staff:certifications", args=[staff.pk]),
    )


@login_required
@permission_required("staff.add_certification")
@require_POST
def certification_renew(request: OrgRequest, pk: uuid.UUID, cert_pk: uuid.UUID) -> HttpResponse:
    staff = selectors.get_staff(pk)
    cert = get_object_or_404(Certification, pk=cert_pk, staff=staff)
    form = forms.RenewForm(request.POST)
    # Not core.pages.form_page: the renew form is the second form of the certification's
    # page (`renew` beside its edit `form`), so a refusal renders that page with both.
    if form.is_valid():
        try:
            services.certification_renew(certification=cert, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Renewed. The previous certification is kept."))
            return redirect("staff:certifications", pk=staff.pk)
    if cert.renewed_by_id:
        # The page shows no renew form for a renewed certification: its refusal goes on top.
        messages.error(request, " ".join(str(error) for error in form.non_field_errors()))
    context = {"staff": staff, "cert": cert, "renew": form, "form": forms.CertificationForm(instance=cert)}
    return render(request, "staff/certification_form.html", context, status=400)


@login_required
@permission_required("staff.add_trainingrecord")
@require_POST
def training_record_add(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    staff = selectors.get_staff(pk)
    form = forms.TrainingRecordForm(request.POST, instance=TrainingRecord(staff=staff))
    # Not core.pages.form_page: the form sits on the training tab, and a refusal renders the
    # tab again (a 400), which records a read of the staff record; a success must not.
    if form.is_valid():
        try:
            services.training_record_save(staff=staff, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Training recorded."))
            return redirect("staff:training", pk=staff.pk)
    records = staff.training_records.select_related("program")
    return _page(request, pk, "staff/training.html", "training", records=records, form=form, status=400)


@login_required
@permission_required("staff.view_trainingprogram")
def programs(request: OrgRequest) -> HttpResponse:
    rows = TrainingProgram.objects.prefetch_related("required_roles").order_by("-is_active", "program_name")
    return render(
        request,
        "staff/programs.html",
        {
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "may_change": can(request.user, "staff.change_trainingprogram"),
        },
    )


@login_required
def program_edit(request: OrgRequest, program_pk: uuid.UUID | None = None) -> HttpResponse:
    needed = "staff.change_trainingprogram" if program_pk else "staff.add_trainingprogram"
    if not can(request.user, needed):
        raise PermissionDenied
    program = get_object_or_404(TrainingProgram, pk=program_pk) if program_pk else TrainingProgram()
    form = forms.ProgramForm(request.POST or None, instance=program)

    def save(values: dict[str, Any]) -> TrainingProgram:
        columns = dict(values)
        return services.program_save(
            program=program if program_pk else None,
            prerequisites=columns.pop("prerequisite_programs"),
            required_job_titles=columns.pop("job_titles"),
            **columns,
        )

    return form_page(
        request,
        form,
        save=save,
        template="staff/program_form.html",
        context={"program": program if program_pk else None},
        saved_message=_("Program saved."),
        redirect_to="staff:programs",
    )


# Lazy: made at import, shown in the reader's language.
STATE_LABELS = {
    "current": gettext_lazy("Current"),
    "expiring": gettext_lazy("Expiring"),
    "expired": gettext_lazy("Expired"),
    "missing": gettext_lazy("Missing"),
}


@login_required
@permission_required("staff.view_staff", "staff.view_certification")
def matrix(request: OrgRequest) -> HttpResponseBase:
    department = request.GET.get("department", "").strip()
    location = request.GET.get("location", "").strip()
    if request.GET.get("format") == "csv":
        return _matrix_csv(selectors.compliance_matrix(department=department, location=location))
    today = clock.today()

    def context() -> dict:
        data = selectors.compliance_matrix(department=department, location=location, today=today)
        return {
            **data,
            "body": _matrix_rows(data["rows"]),
            "department": department,
            "location": location,
            "departments": selectors.departments(),
            "locations": selectors.work_locations(),
            "labels": STATE_LABELS,
        }

    body = cached_template(
        request, "staff/partials/_matrix_body.html", key=(today,), tables=selectors.MATRIX_TABLES, context=context
    )
    return render(request, "staff/matrix.html", {"body": body})


def _matrix_rows(rows) -> str:
    """The matrix's rows as HTML, built here: 500 people × 10 requirements is 5,000 cells,
    which the template language renders ten times slower. Names are escaped; a cell is one
    of five fixed strings made once."""
    cells = {state: f'<td class="cell-{state}">{escape(label)}</td>' for state, label in STATE_LABELS.items()}
    cells[""] = '<td class="cell-na"></td>'
    html = [
        f'<tr><th scope="row"><a href="/staff/{row["staff"].pk}/">'
        f"{escape(row['staff'].last_name)}, {escape(row['staff'].first_name)}</a>"
        # What tells namesakes apart: the employee ID and the job title (or department).
        f" <small>({_who(row['staff'])})</small></th>" + "".join(cells[cell] for cell in row["cells"]) + "</tr>"
        for row in rows
    ]
    return mark_safe("".join(html))  # noqa: S308 - every piece above is escaped or fixed # nosec B308, B703


def _who(person) -> str:
    role = person.job_title or person.department
    return escape(f"{person.employee_id} · {role}" if role else person.employee_id)


def _matrix_csv(data) -> StreamingHttpResponse:
    # Header words translated now, in the request's language, not while the rows stream.
    header = [str(_("Employee ID")), str(_("Name")), str(_("Department")), *[c.label for c in data["columns"]]]
    rows = (
        [r["staff"].employee_id, f"{r['staff'].last_name}, {r['staff'].first_name}", r["staff"].department, *r["cells"]]
        for r in data["rows"]
    )
    return csv_response(rows, header=header, filename=f"compliance-{data['today'].isoformat()}.csv")


@login_required
@permission_required("staff.import_staff", "staff.add_staff")
def staff_import(request: OrgRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        apply = request.POST.get("action") == "import"
        result = imports.staff_import(
            content=form.cleaned_data["content"],
            actor=request.user,
            apply=apply,
            show_pay=can(request.user, "staff.change_pay"),
        )
        if apply and result["created"]:
            count = result["created"]
            messages.success(
                request,
                ngettext("%(count)d staff member imported.", "%(count)d staff imported.", count) % {"count": count},
            )
            return redirect("staff:directory")
    return render(
        request,
        "staff/import.html",
        {
            "form": form,
            "result": result,
            "content": form.cleaned_data.get("content", "") if form.is_bound and form.is_valid() else "",
            "columns": imports.IMPORT_COLUMNS,
        },
        status=400 if (request.method == "POST" and (not form.is_valid() or (result and result["errors"]))) else 200,
    )
