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
