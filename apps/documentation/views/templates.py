"""Form templates: the list, creating one, its settings, the builder (sections and fields,
added, edited, moved and deleted), preview, and JSON export and import.

The builder answers htmx with its body alone (`_builder.html`, swapped into the page), and a
plain POST with a redirect back to the page, so it works without JavaScript too. Every change
of the structure goes through services.template_update: validated as a whole (a refusal is
a 400 with the structure's messages and nothing saved) and versioned (a template already
filled in gets a new version).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import permission_required
from apps.core.forms import add_errors
from apps.core.pages import form_page
from apps.documentation import builder, selectors, services
from apps.documentation.answers import YES_NO, AnswersForm
from apps.documentation.forms.templates import (
    FieldForm,
    ImportForm,
    SectionForm,
    TemplateEditForm,
    TemplateSettingsForm,
)
from apps.documentation.models import FormTemplate
from apps.documentation.structure import FIELD_TYPES, field_map, text

VIEW = "documentation.view_formtemplate"
ADD = "documentation.add_formtemplate"
CHANGE = "documentation.change_formtemplate"
PAGE_SIZE = 25


class HtmxRequest(OrgRequest):
    htmx: HtmxDetails  # set by django-htmx's middleware


# --- the list, a new template, its settings -----------------------------------------------------


@login_required
@permission_required(VIEW)
def template_list(request: OrgRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(builder.template_list(query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "documentation/templates/list.html", {"page": page, "query": query})


@login_required
@permission_required(ADD)
def template_create(request: OrgRequest) -> HttpResponse:
    form = TemplateSettingsForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda _data: services.template_create(
            actor=request.user, form_structure=builder.starter_structure(), **form.values()
        ),
        template="documentation/templates/form.html",
        saved_message=_("Form template created. Add its fields below."),
    )


@login_required
@permission_required(CHANGE)
def template_edit(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    template = selectors.get_template(pk)
    form = TemplateEditForm(request.POST or None, initial=TemplateEditForm.initial_for(template))

    def save(data: dict[str, Any]) -> FormTemplate:
        # The settings and the visit-note choice are one change: both or neither.
        with transaction.atomic():
            saved = services.template_update(template=template, actor=request.user, **form.values())
            return services.template_set_visit_note(
                template=saved,
                services=list(data["visit_note_services"]),
                is_default_visit_note=data["is_default_visit_note"],
            )

    return form_page(
        request,
        form,
        save=save,
        template="documentation/templates/form.html",
        context={"template": template},
        saved_message=_("Settings saved."),
    )


# --- the builder --------------------------------------------------------------------------------


def _builder_context(template: FormTemplate, **extra: Any) -> dict[str, Any]:
    fields = field_map(template.form_structure)
    sections = []
    for number, section in enumerate(template.form_structure.get("sections", [])):
        rows = []
        for spec in section.get("fields", []):
            condition = spec.get("show_if")
            rows.append(
                {
                    "spec": spec,
                    "label": text(spec.get("label")),
                    "type_label": FIELD_TYPES.get(spec["type"], spec["type"]),
                    "condition": _condition_text(condition, fields) if condition else "",
                }
            )
        sections.append({"key": section["key"], "title": text(section.get("title")), "number": number, "rows": rows})
    first = sections[0]["rows"][0]["spec"]["key"] if sections and sections[0]["rows"] else None
    last_rows = [s for s in sections if s["rows"]]
    last = last_rows[-1]["rows"][-1]["spec"]["key"] if last_rows else None
    return {
        "template": template,
        "sections": sections,
        "first_key": first,
        "last_key": last,
        "older": builder.older_version_submissions(template),
        "signer_labels": [FormTemplate.Signer(step).label for step in template.signer_steps],
        **extra,
    }


def _condition_text(condition: dict, fields: dict[str, dict]) -> str:
    target = fields.get(condition["field"])
    name = text(target["label"]) if target else condition["field"]
    if "filled" in condition:
        if condition["filled"]:
            return _("when “%(field)s” is answered") % {"field": name}
        return _("when “%(field)s” is not answered") % {"field": name}
    values = condition["in"] if "in" in condition else [condition.get("equals")]
    shown = " / ".join(_value_text(target, value) for value in values)
    return _("when “%(field)s” is %(values)s") % {"field": name, "values": shown}


def _value_text(target: dict | None, value: Any) -> str:
    """A condition's value as the form shows it ("Yes", a choice's label in the reader's
    language), not as it is stored ("yes", the option's value)."""
    if target is None:
        return str(value)
    if target["type"] == "yesno":
        return str(dict(YES_NO).get(str(value), value))
    if target["type"] in ("select", "multiselect"):
        labels = {option["value"]: text(option["label"]) for option in target.get("options", [])}
        return labels.get(str(value), str(value))
    return str(value)


def _builder_page(request: HtmxRequest, template: FormTemplate, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The builder: its body alone for htmx, else the whole page."""
    page = "documentation/partials/_builder.html" if request.htmx else "documentation/templates/detail.html"
    return render(request, page, _builder_context(template, **extra), status=status)


@login_required
@permission_required(VIEW)
def template_detail(request: HtmxRequest, pk: uuid.UUID) -> HttpResponse:
    return _builder_page(request, selectors.get_template(pk))


def _change_structure(request: HtmxRequest, template: FormTemplate, change: Callable[[dict], dict], done: str):
    """One change of the structure, answered as the builder: saved with a note, or refused
    with the reasons (400, nothing saved)."""
    try:
        template = services.template_update(
            template=template, actor=request.user, form_structure=change(template.form_structure)
        )
    except ValidationError as exc:
        return _builder_page(request, template, status=400, problems=exc.messages)
    if request.htmx:
        return _builder_page(request, template, notice=done)
    messages.success(request, done)
    return redirect(template)


def _builder_form(
    request: HtmxRequest,
    template: FormTemplate,
    form: FieldForm | SectionForm,
    *,
    change: Callable[[], dict],
    partial: str,
    page: str,
    done: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A field's or a section's form: inside the builder for htmx, a page of its own
    otherwise. A valid POST saves the new structure; a refusal shows by the form, 400."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = services.template_update(template=template, actor=request.user, form_structure=change())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if request.htmx:
                    return _builder_page(request, saved, notice=done)
                messages.success(request, done)
                return redirect(saved)
    context = {**context, "template": template, "form": form}
    return render(request, partial if request.htmx else page, context, status=status)


@login_required
@permission_required(CHANGE)
def field_edit(request: HtmxRequest, pk: uuid.UUID, key: str | None = None) -> HttpResponse:
    template = selectors.get_template(pk)
    structure = template.form_structure
    spec, section = None, request.GET.get("section", "")
    if key is not None:
        place = builder.locate(structure, key)
        if place is None:
            raise Http404
        section = structure["sections"][place[0]]["key"]
        spec = structure["sections"][place[0]]["fields"][place[1]]
    form = FieldForm(request.POST or None, structure=structure, spec=spec, section=section)
    return _builder_form(
        request,
        template,
        form,
        change=lambda: builder.field_put(
            structure, spec=form.spec(), section=form.cleaned_data["section"], old_key=key
        ),
        partial="documentation/partials/_builder_field.html",
        page="documentation/templates/field_form.html",
        done=_("Field saved."),
        context={"key": key},
    )


@login_required
@permission_required(CHANGE)
@require_POST
def field_move(request: HtmxRequest, pk: uuid.UUID, key: str, direction: str) -> HttpResponse:
    if direction not in (builder.UP, builder.DOWN):
        raise Http404
    template = selectors.get_template(pk)
    return _change_structure(
        request,
        template,
        lambda structure: builder.field_move(structure, key=key, direction=direction),
        _("Field moved."),
    )


@login_required
@permission_required(CHANGE)
@require_POST
def field_delete(request: HtmxRequest, pk: uuid.UUID, key: str) -> HttpResponse:
    template = selectors.get_template(pk)
    return _change_structure(
        request, template, lambda structure: builder.field_remove(structure, key=key), _("Field deleted.")
    )


@login_required
@permission_required(CHANGE)
def section_edit(request: HtmxRequest, pk: uuid.UUID, key: str | None = None) -> HttpResponse:
    template = selectors.get_template(pk)
    structure = template.form_structure
    section = builder.section_of(structure, key) if key is not None else None
    if key is not None and section is None:
        raise Http404
    form = SectionForm(request.POST or None, structure=structure, section=section)
    return _builder_form(
        request,
        template,
        form,
        change=lambda: builder.section_put(structure, values=form.values(), old_key=key),
        partial="documentation/partials/_builder_section.html",
        page="documentation/templates/section_form.html",
        done=_("Section saved."),
        context={"key": key},
    )


@login_required
@permission_required(CHANGE)
@require_POST
def section_delete(request: HtmxRequest, pk: uuid.UUID, key: str) -> HttpResponse:
    template = selectors.get_template(pk)
    return _change_structure(
        request, template, lambda structure: builder.section_remove(structure, key=key), _("Section deleted.")
    )


# --- preview, export, import --------------------------------------------------------------------


@login_required
@permission_required(VIEW)
def template_preview(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    template = selectors.get_template(pk)
    form = AnswersForm(template.form_structure, draft=True)
    for field in form.fields.values():
        field.disabled = True
    return render(request, "documentation/templates/preview.html", {"template": template, "form": form})


@login_required
@permission_required(VIEW)
def template_export(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    template = selectors.get_template(pk)
    body = json.dumps(builder.export_data(template), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = slugify(template.template_name) or "form-template"
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@login_required
@permission_required(ADD)
def template_import(request: OrgRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        save=lambda _data: services.template_create(
            actor=request.user, **{**form.values(), "template_name": builder.free_name(form.values()["template_name"])}
        ),
        template="documentation/templates/import.html",
        saved_message=lambda saved: _("“%(name)s” imported.") % {"name": saved.template_name},
        redirect_to=lambda saved: reverse("documentation:template", args=[saved.pk]),
    )
