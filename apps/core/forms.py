"""Form pieces shared by the apps: the renderer, date inputs."""

from django import forms
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form in the product renders through one accessible template: a label tied to
    its field, help and errors announced with aria-describedby, aria-invalid on errors."""

    form_template_name = "partials/_form.html"
    field_template_name = "partials/_field.html"


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
