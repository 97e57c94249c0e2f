"""Visit notes: the page a clock-out leads to (open the visit's note, or start it), and the
visits whose note is still due."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from apps.accounts.http import OrgRequest
from apps.core import clock
from apps.documentation import selectors, services, starters
from apps.documentation.models import FormSubmission
from apps.documentation.visit_notes import prefill_for_visit
from apps.scheduling.models import Visit
from apps.staff.models import Staff

PAGE_SIZE = 25


def note_url_after_clock_out(visit: Visit, user) -> str | None:
    """Where a clock-out leads: the visit's note page when a note template applies to a visit
    with a client; None otherwise (the shift's page)."""
    if visit.client_id is None or selectors.note_template_for(visit) is None:
        return None
    return reverse("documentation:visit_note", args=[visit.pk])


def _visit_for(user, pk) -> Visit:
    """The visit, for its own staff member or someone who reads every submission; 404 for
    anyone else as for a visit that does not exist."""
    visit = Visit.objects.select_related("staff", "client").filter(pk=pk).first()
    if visit is None:
        raise Http404
    if visit.staff.user_id != user.pk and not selectors.sees_every_submission(user):
        raise Http404
    return visit


def _open(note: FormSubmission, user) -> HttpResponse:
    if note.staff_id == user.pk and note.is_editable:
        return redirect("documentation:fill", note.pk)
    return redirect("documentation:submission", note.pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit_note(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    """The visit's note: opened if it exists; started (POST, by the visit's own staff member)
    if not. A GET never creates it: it shows the button that does."""
    visit = _visit_for(request.user, pk)
    note = FormSubmission.objects.filter(visit=visit).only("pk", "staff_id", "status", "locked_at").first()
    # A draft is its author's until it is submitted: others hear it is being written.
    if note is not None and (note.status != FormSubmission.Status.DRAFT or note.staff_id == request.user.pk):
        return _open(note, request.user)
    template = selectors.note_template_for(visit) if visit.client_id else None
    own = visit.staff.user_id == request.user.pk
    problem = ""
    if note is not None:
        problem = _("The note for this visit is being written: it shows here once it is submitted.")
    elif template is None:
        problem = _("No visit note form applies to this visit: it has no client, or no note form is chosen for it.")
    elif not own:
        problem = _("The note for this visit has not been started yet. Only the person who made the visit writes it.")
    if request.method == "POST" and not problem:
        assert template is not None
        try:
            note = _start(request, visit=visit, template=template)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            return _open(note, request.user)
    return render(
        request,
        "documentation/notes_visit.html",
        {
            "visit": visit,
            "template": template,
            "template_name": starters.display_name(template) if template else "",
            "own": own,
            "problem": problem,
            "visit_start": clock.local(visit.clock_in_at, request.organization),
            "visit_end": clock.local(visit.clock_out_at, request.organization) if visit.clock_out_at else None,
        },
        status=400 if request.method == "POST" else 200,
    )


def _start(request: OrgRequest, *, visit: Visit, template) -> FormSubmission:
    zone = clock.zone(request.organization)
    with transaction.atomic():
        # Two taps on the button (or two tabs) start one note: the second waits, then finds it.
        Visit.objects.select_for_update().filter(pk=visit.pk).first()
        return services.submission_start(
            template=template,
            author=request.user,
            client=visit.client,
            visit=visit,
            service_date=clock.local_date(visit.clock_in_at, request.organization),
            answers=prefill_for_visit(services.template_current_version(template).form_structure, visit, zone),
        )


class DueFilter(forms.Form):
    staff = forms.ModelChoiceField(
        queryset=Staff.objects.none(), required=False, label=gettext_lazy("Staff"), empty_label=gettext_lazy("Anyone")
    )

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["staff"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = options
        field.label_from_instance = lambda s: f"{s.display_name} ({s.employee_id})"  # type: ignore[method-assign]


@login_required
def notes_due(request: OrgRequest) -> HttpResponse:
    """Completed visits without a submitted note: one's own; everyone's (with a filter by
    staff) for those who read every submission."""
    everyone = selectors.sees_every_submission(request.user)
    visits = selectors.notes_due(**({"managed_by": request.user} if everyone else {"staff_user": request.user}))
    form = None
    status = 200
    if everyone:
        options = Staff.objects.filter(pk__in=visits.values("staff_id")).order_by("last_name", "first_name", "pk")
        form = DueFilter(request.GET or None, options=options)
        if form.is_bound:
            if form.is_valid():
                if form.cleaned_data["staff"] is not None:
                    visits = visits.filter(staff=form.cleaned_data["staff"])
            else:
                status = 400
                visits = visits.none()
    started = FormSubmission.objects.filter(visit=OuterRef("pk"))
    visits = visits.annotate(started=Exists(started))
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    for visit in page.object_list:
        visit.local_start = clock.local(visit.clock_in_at, request.organization)
    return render(
        request,
        "documentation/notes_due.html",
        {"page": page, "everyone": everyone, "form": form, "filtered": bool(request.GET.get("staff"))},
        status=status,
    )
