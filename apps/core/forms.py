from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form in the product renders through one accessible template: a label tied to
    its field, help and errors announced with aria-describedby, aria-invalid on errors."""

    form_template_name = "partials/_form.html"
    field_template_name = "partials/_field.html"
