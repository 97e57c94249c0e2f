"""Submissions: the list, a client's Documentation tab, starting a form, filling it in
(draft, submit, correct after rejection), reading it, approving or rejecting it, and its PDF.
Every page that shows a submission's answers is in the audit log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can
from apps.audit.services import access_record
from apps.clients import selectors as clients
from apps.clients.models import Client
from apps.core import clock, pages
from apps.core.forms import add_errors
from apps.core.pdf import pdf_response
from apps.documentation import reading, selectors, services, signing
from apps.documentation.answers import AnswersForm
from apps.documentation.forms.signatures import SignatureForm
from apps.documentation.models import FormSubmission, FormTemplate
from apps.staff.models import Staff


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return None


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (ValueError, TypeError):
        return None


def _filters(request: OrgRequest, **fixed: Any) -> tuple[selectors.Filters, dict[str, str]]:
    """The list's filters from the query string; a value that is not ours (an edited URL) is
    ignored rather than an error."""
    keys = ("template", "status", "client", "author", "by", "from", "to")
    params = {k: request.GET.get(k, "").strip()[:100] for k in keys}
    params["overdue"] = "1" if request.GET.get("overdue") == "1" else ""
    values = {
        "template": _uuid(params["template"]),
        "status": params["status"] if params["status"] in FormSubmission.Status.values else "",
        "client": _uuid(params["client"]),
        "author": _uuid(params["author"]),
        "author_name": params["by"],
        "date_from": _date(params["from"]),
        "date_to": _date(params["to"]),
        "overdue": bool(params["overdue"]),
        **fixed,
    }
    return selectors.Filters(**values), params


def _list_context(request: OrgRequest, filters: selectors.Filters, params: dict) -> dict:
    rows, next_cursor = selectors.page_of(
        selectors.submission_list(request.user, filters), request.GET.get("after", "")[:200]
    )
    return {
        "rows": rows,
        "next_cursor": next_cursor,
        "first_page": not request.GET.get("after"),
        "params": params,
        "filtered": any(params.values()),
        "statuses": FormSubmission.Status.choices,
        "templates": selectors.fillable_templates().order_by("template_name"),
        "may_start": can(request.user, "documentation.add_formsubmission"),
        "may_build": can(request.user, "documentation.view_formtemplate"),
    }


@login_required
def submission_list(request: OrgRequest) -> HttpResponse:
    filters, params = _filters(request)
    context = _list_context(request, filters, params)
    context["search_authors"] = selectors.sees_every_submission(request.user)
    return render(request, "documentation/submissions.html", context)


@login_required
def client_documentation(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    """The Documentation tab inside the client's page, with the client's header."""
    client = clients.get_client_for_user(request.user, pk)
    if not selectors.sees_client_documentation(request.user, client):
        raise PermissionDenied
    flags = clients.tab_flags(request.user, client)
    access_record(obj=client, request=request, via="documentation")
    filters, params = _filters(request, client=client.pk)
    params["client"] = ""
    context = _list_context(request, filters, params)
    return render(request, "documentation/client.html", {"client": client, "tab": "documentation", **flags, **context})


# --- starting and filling in --------------------------------------------------------------------


class StartForm(django_forms.Form):
    template = django_forms.ModelChoiceField(queryset=FormTemplate.objects.none(), label=gettext_lazy("Form"))
    client = django_forms.ModelChoiceField(queryset=Client.objects.none(), required=False, label=gettext_lazy("Client"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = selectors.fillable_templates().order_by("template_name")
        self.fields["client"].queryset = selectors.clients_to_document(user)


@login_required
def submission_start(request: OrgRequest) -> HttpResponse:
    if not can(request.user, "documentation.add_formsubmission"):
        raise PermissionDenied
    initial = {}
    if request.method == "GET":
        initial = {"template": _uuid(request.GET.get("template", "")), "client": _uuid(request.GET.get("client", ""))}
    form = StartForm(request.POST or None, user=request.user, initial=initial)

    def start(template: FormTemplate, client) -> FormSubmission:
        return services.submission_start(
            template=template,
            author=request.user,
            client=client,
            answers=reading.prefill_for_start(template, client=client, author=request.user),
        )

    return pages.form_page(
        request,
        form,
        save=lambda values: start(**values),
        template="documentation/start.html",
        context={},
        saved_message=_("Draft started. Fill in the form, then save or submit it."),
        redirect_to=lambda submission: reverse("documentation:fill", args=[submission.pk]),
    )


def _picker_choices(request: OrgRequest, structure: dict) -> dict[str, list[tuple[str, str]]]:
    """Options of the client and staff pickers, only when the form has such a field."""
    kinds = {spec["type"] for spec in reading.fields(structure)}
    choices: dict[str, list[tuple[str, str]]] = {}
    if "client" in kinds:
        choices["client"] = [(str(c.pk), str(c)) for c in selectors.clients_to_document(request.user)]
    if "staff" in kinds:
        # With the employee ID: two people may share a name.
        choices["staff"] = [
            (str(s.pk), f"{s.last_name}, {s.first_name} ({s.employee_id})")
            for s in Staff.objects.filter(employment_status=Staff.Status.ACTIVE)
            .only("pk", "first_name", "last_name", "employee_id")
            .order_by("last_name", "first_name", "employee_id")
        ]
    return choices


def _own_editable(request: OrgRequest, pk: uuid.UUID) -> FormSubmission:
    submission = selectors.get_submission_for_user(request.user, pk)
    if submission.staff_id != request.user.pk:
        raise PermissionDenied
    return submission


@login_required
def submission_fill(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    """The form itself, on the version the submission was started on. "Save draft" keeps
    unfinished answers (types still checked); "Submit" needs every required answer and, when
    the author signs, the signature. A hidden field is neither required nor kept.

    Not core.pages.form_page: two forms (answers and signature) and two buttons."""
    submission = _own_editable(request, pk)
    if not submission.is_editable:
        messages.info(request, _("This submission can no longer be changed."))
        return redirect(submission)
    structure = submission.template_version.form_structure
    template = submission.form_template
    signs_at_submit = template.signer_steps[:1] == [FormTemplate.Signer.AUTHOR]
    submit = request.method == "POST" and request.POST.get("action") == "submit"
    answers = AnswersForm(
        structure,
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=submission.submission_data,
        draft=not submit,
        choices=_picker_choices(request, structure),
        existing=submission.submission_data,
        zone=clock.zone(request.organization),
    )
    sig_form = SignatureForm(request.POST if submit and signs_at_submit else None, signer_name=str(request.user))
    status = 200
    access_record(obj=submission, request=request, via="edit")
    if request.method == "POST":
        valid = answers.is_valid() and (not (submit and signs_at_submit) or sig_form.is_valid())
        if valid:
            try:
                services.submission_save(
                    submission=submission,
                    actor=request.user,
                    answers=answers.answers,
                    uploads=answers.uploads(),
                    client=_client_from_answers(request, structure, answers.answers) or submission.client,
                    submit=submit,
                    signature=sig_form.signature_input(request) if submit and signs_at_submit else None,
                )
            except ValidationError as exc:
                if submit and signs_at_submit:
                    sig_form.add_service_error(exc)
                else:
                    add_errors(answers, exc)
            else:
                if submit:
                    messages.success(request, _("Submitted."))
                    return redirect(submission)
                messages.success(request, _("Draft saved."))
                return redirect("documentation:fill", submission.pk)
        status = 400
    return render(
        request,
        "documentation/fill.html",
        {
            "submission": submission,
            "template": template,
            "form": answers,
            "sig_form": sig_form,
            "signs_at_submit": signs_at_submit,
            "has_signature_field": any(spec["type"] == "signature" for spec in reading.fields(structure)),
            "events": selectors.events_of(submission),
        },
        status=status,
    )


def _client_from_answers(request: OrgRequest, structure: dict, answers: dict):
    """The client the submission is about: the form's first client field, when it names one
    the person may document (the picker offered only those)."""
    for spec in reading.fields(structure):
        if spec["type"] == "client" and answers.get(spec["key"]):
            return selectors.clients_to_document(request.user).filter(pk=answers[spec["key"]]).first()
    return None


@login_required
@require_POST
def submission_delete(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    submission = _own_editable(request, pk)
    return pages.action(
        request,
        lambda: services.submission_delete_draft(submission=submission, actor=request.user),
        done=_("Draft deleted."),
        redirect_to=reverse("documentation:submissions"),
        refused_redirect_to=submission.get_absolute_url(),
    )


# --- reading, reviewing, printing ----------------------------------------------------------------


class RejectForm(django_forms.Form):
    reason = django_forms.CharField(
        label=gettext_lazy("Reason for rejection"),
        widget=django_forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("The author sees this and corrects the form."),
    )


def _detail_context(request: OrgRequest, submission: FormSubmission) -> dict:
    user = request.user
    signable = submission.status in (FormSubmission.Status.SUBMITTED, FormSubmission.Status.APPROVED)
    step = signing.next_step(submission) if signable else None
    may_review = (
        submission.status == FormSubmission.Status.SUBMITTED
        and can(user, "documentation.approve_formsubmission")
        and submission.staff_id != user.pk
    )
    return {
        "submission": submission,
        "template": submission.form_template,
        "sections": reading.readable_sections(submission),
        "signatures": selectors.signatures_of(submission),
        "events": selectors.events_of(submission),
        "next_step": step,
        "may_edit": submission.is_editable and submission.staff_id == user.pk,
        "may_review": may_review,
        "approver_signs": FormTemplate.Signer.APPROVER in submission.form_template.signer_steps,
        "may_sign": step == FormTemplate.Signer.AUTHOR and submission.staff_id == user.pk,
        "may_send_link": step == FormTemplate.Signer.GUARDIAN and can(user, "documentation.request_signature"),
        "overdue": submission.review_overdue(),
    }


@login_required
def submission_detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    access_record(obj=submission, request=request)
    context = _detail_context(request, submission)
    context["reject_form"] = RejectForm()
    context["sig_form"] = SignatureForm(signer_name=str(request.user))
    return render(request, "documentation/submission.html", context)


def _review_page(request: OrgRequest, submission: FormSubmission, **forms: Any) -> HttpResponse:
    context = _detail_context(request, submission)
    context.setdefault("reject_form", RejectForm())
    context.setdefault("sig_form", SignatureForm(signer_name=str(request.user)))
    context.update(forms)
    return render(request, "documentation/submission.html", context, status=400)


def _refused(request: OrgRequest, submission: FormSubmission, exc: ValidationError, form) -> HttpResponse:
    """A refusal about the form's own fields is shown by them (400); any other (not the
    right status, the author reviewing their own) is a message on the submission's page."""
    if isinstance(form, SignatureForm) and hasattr(exc, "error_dict"):
        form.add_service_error(exc)
        return _review_page(request, submission, sig_form=form)
    if hasattr(exc, "error_dict") and set(exc.error_dict) & set(form.fields):
        add_errors(form, exc)
        return _review_page(request, submission, **{"sig_form" if form.prefix == "sig" else "reject_form": form})
    messages.error(request, " ".join(exc.messages))
    return redirect(submission)


@login_required
@require_POST
def submission_approve(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    if not can(request.user, "documentation.approve_formsubmission"):
        raise PermissionDenied
    signs = FormTemplate.Signer.APPROVER in submission.form_template.signer_steps
    sig_form = SignatureForm(request.POST, signer_name=str(request.user))
    if signs and not sig_form.is_valid():
        return _review_page(request, submission, sig_form=sig_form)
    try:
        services.submission_approve(
            submission=submission, actor=request.user, signature=sig_form.signature_input(request) if signs else None
        )
    except ValidationError as exc:
        return _refused(request, submission, exc, sig_form)
    messages.success(request, _("Approved."))
    return redirect(submission)


@login_required
@require_POST
def submission_reject(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    if not can(request.user, "documentation.approve_formsubmission"):
        raise PermissionDenied
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _review_page(request, submission, reject_form=form)
    try:
        services.submission_reject(submission=submission, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return _refused(request, submission, exc, form)
    messages.success(request, _("Sent back to its author with your reason."))
    return redirect(submission)


@login_required
def submission_pdf(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    from apps.documentation import printing

    submission = selectors.get_submission_for_user(request.user, pk)
    access_record(obj=submission, request=request, via="print")
    pdf = printing.submission_pdf(submission=submission, organization=request.organization)
    return pdf_response(pdf, filename=printing.filename(submission))
