"""Form pieces shared by the apps: the renderer, date inputs."""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class FormRenderer(TemplatesSetting):
    """Every form in the product renders through one accessible template: a label tied to
    its field, help and errors announced with aria-describedby, aria-invalid on errors."""

    form_template_name = "partials/_form.html"
    field_template_name = "partials/_field.html"


def _attrs(attrs: dict) -> SafeString:
    # django/forms/widgets/attrs.html: True is a bare attribute, False leaves it out.
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _input(widget: dict) -> SafeString:
    value = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, _attrs(widget["attrs"])
    )


def _textarea(widget: dict) -> SafeString:
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>', widget["name"], _attrs(widget["attrs"]), widget["value"] or ""
    )


def _select(widget: dict) -> SafeString:
    options = format_html_join(
        "",
        '\n  <option value="{}"{}>{}</option>',
        (
            (option["value"], _attrs(option["attrs"]), option["label"])
            for _group, choices, _index in widget["optgroups"]
            for option in choices
        ),
    )
    return format_html('<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]), options)


def _choices(widget: dict) -> SafeString:
    identifier, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    options = format_html_join(
        "",
        "<div>\n    {}{}\n {}</label></div>",
        (
            (
                format_html('<label for="{}">', option["attrs"]["id"])
                if option["attrs"].get("id")
                else format_html("<label>"),
                _input(option),
                option["label"],
            )
            for _group, choices, _index in widget["optgroups"]
            for option in choices
        ),
    )
    return format_html(
        "<div{}{}>{}\n</div>",
        format_html(' id="{}"', identifier) if identifier else "",
        format_html(' class="{}"', css) if css else "",
        options,
    )


_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in ("text", "number", "email", "url", "password", "hidden", "date", "time", "datetime", "checkbox", "file")
}
_DRAWN = {
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/radio.html": _choices,
    "django/forms/widgets/checkbox_select.html": _choices,
}


def _field_group(field: BoundField) -> SafeString:
    """partials/_field.html drawn in Python, to the character (its line breaks and indents
    too; stripped, as the renderer strips a template's output). Through the template engine,
    this wrapper alone was about a seventh of the branding page's time (measured in-process).
    The template stays the markup's reference: apps/core/tests/test_quick_widgets.py
    compares the two."""
    errors = field.errors
    auto_id = conditional_escape(field.auto_id)
    help_html = (
        format_html('<p class="help" id="{}_helptext">{}</p>', auto_id, mark_safe(str(field.help_text)))  # noqa: S308 - the template's |safe: help texts are the code's own # nosec B308, B703
        if field.help_text
        else ""
    )
    errors_html = (
        format_html(
            '<ul class="errorlist" id="{}_error">{}</ul>',
            auto_id,
            format_html_join("", "<li>{}</li>", ((error,) for error in errors)),
        )
        if errors
        else ""
    )
    error_class = " field-error" if errors else ""
    if field.use_fieldset:
        described = ""
        if field.help_text or errors:
            described = format_html(
                ' aria-describedby="{}{}"',
                format_html("{}_helptext", auto_id) if field.help_text else "",
                format_html(" {}_error", auto_id) if errors else "",
            )
        return format_html(
            '<fieldset class="field field-group{}"{}>\n  <legend>{}</legend>\n  {}\n  {}\n  {}\n</fieldset>',
            error_class,
            described,
            field.label,
            str(field),
            help_html,
            errors_html,
        )
    checkbox = getattr(field.field.widget, "input_type", None) == "checkbox"
    if checkbox:
        body = format_html("\n    {} {}\n  ", str(field), field.label_tag())
    else:
        body = format_html("\n    {}\n    {}\n  ", field.label_tag(), str(field))
    return format_html(
        '<div class="field{}{}">\n  {}\n  {}\n  {}\n</div>',
        error_class,
        " field-checkbox" if checkbox else "",
        body,
        help_html,
        errors_html,
    )


class QuickWidgets(FormRenderer):
    """FormRenderer, with the common widgets drawn in Python: Django renders each widget and
    each of its options through three nested templates, which made a 60-question care form
    spend most of its 70 ms in the template engine. Labels and the field's wrapper
    (partials/_field.html) too. The markup is the templates' own.
    Widgets with option groups, and any other widget, go through the templates."""

    def render(self, template_name, context, request=None):
        if template_name == self.field_template_name and isinstance(context.get("field"), BoundField):
            return _field_group(context["field"])
        if template_name == "django/forms/label.html":
            if not context["use_tag"]:
                return format_html("{}", context["label"])
            tag = context["tag"]
            return format_html("<{}{}>{}</{}>", tag, _attrs(context["attrs"] or {}), context["label"], tag)
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            grouped = any(group for group, _choices, _index in widget.get("optgroups", ()))
            if template_name in _INPUTS:
                return _input(widget)
            if template_name in _DRAWN and not grouped:
                return _DRAWN[template_name](widget)
        return super().render(template_name, context, request=request)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class IsoDates:
    """Dates only as YYYY-MM-DD (what date inputs send): other spellings are ambiguous, and a
    CSV's 02/03/1990 must not quietly become February 3rd."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.input_formats = ["%Y-%m-%d"]


def add_errors(form, exc) -> None:
    """A service's ValidationError shown on the form: by field where it names one the form
    has, above the form otherwise."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ServiceChecked:
    """For admin forms: run the service's own checks in clean(), on the instance as the form
    would save it, so a refusal shows by its field instead of failing on save."""

    def service_check(self, candidate) -> None:  # the form says which check
        raise NotImplementedError

    def clean(self):
        from django.core.exceptions import ValidationError

        data = super().clean()
        candidate = self.instance
        for name, value in data.items():
            if (
                name in self._meta.model._meta._forward_fields_map
                and not self._meta.model._meta.get_field(name).many_to_many
            ):
                setattr(candidate, name, value)
        try:
            self.service_check(candidate)
        except ValidationError as exc:
            add_errors(self, exc)
        return data
