"""QuickWidgets draws the common widgets in Python: the markup must be what Django's own
widget templates give, for every kind, with values, checked options, errors and odd text."""

import datetime as dt
import re

from django import forms

from apps.core.forms import FormRenderer, QuickWidgets

CHOICES = [("a", "Alpha & <b>"), ("b", 'Beta "quoted"'), ("", "None")]


class Everything(forms.Form):
    text = forms.CharField(max_length=20, help_text="Help")
    number = forms.DecimalField(min_value=0, max_value=10)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hour = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    tick = forms.BooleanField(required=False)
    long = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    one = forms.ChoiceField(choices=CHOICES)
    radio = forms.ChoiceField(choices=CHOICES[:2], widget=forms.RadioSelect(attrs={"class": "inline"}))
    several = forms.MultipleChoiceField(choices=CHOICES[:2], widget=forms.CheckboxSelectMultiple)
    upload = forms.FileField(required=False)
    grouped = forms.ChoiceField(choices=[("Group", [("x", "X")]), ("y", "Y")])


DATA = {
    "text": 'a "quote" <script>',
    "number": "12",
    "day": "2026-02-30",
    "hour": "09:30",
    "when": dt.datetime(2026, 3, 8, 2, 30),
    "hidden": "x&y",
    "tick": "on",
    "long": "line one\n<line two>",
    "one": "b",
    "radio": "a",
    "several": ["a", "b"],
    "grouped": "x",
}


def _html(renderer_class, data):
    class Form(Everything):
        default_renderer = renderer_class

    form = Form(data) if data is not None else Form()
    if data is not None:
        form.is_valid()
    return {
        name: re.sub(r">\s+<", "><", str(form[name].as_widget()) + str(form[name].label_tag())).strip()
        for name in form.fields
    }


def test_every_widget_is_drawn_as_djangos_templates_draw_it():
    for data in (None, DATA, {"tick": "", "several": ["b"], "radio": "zz"}):
        quick, templates = _html(QuickWidgets, data), _html(FormRenderer, data)
        assert quick == templates
        assert quick["text"] and "&lt;script&gt;" not in _html(QuickWidgets, None)["text"]


def test_text_is_escaped_and_options_keep_their_state():
    html = _html(QuickWidgets, DATA)
    assert "&quot;quote&quot; &lt;script&gt;" in html["text"]
    assert "Alpha &amp; &lt;b&gt;" in html["one"] and 'value="b" selected' in html["one"]
    assert html["radio"].startswith('<div id="id_radio" class="inline">')
    assert html["several"].count("checked") == 2


def _groups(renderer_class, data, errors=None):
    class Form(Everything):
        default_renderer = renderer_class

    form = Form(data) if data is not None else Form()
    if data is not None:
        form.is_valid()
    for name, message in (errors or {}).items():
        form.add_error(name, message)
    return {name: str(form[name].as_field_group()) for name in form.fields}, str(form)


class WrapperByTemplate(QuickWidgets):
    """The widgets drawn in Python, the field's wrapper by its template: the reference."""

    def render(self, template_name, context, request=None):
        if template_name == self.field_template_name:
            return FormRenderer.render(self, template_name, context, request=request)
        return super().render(template_name, context, request=request)


def test_each_fields_wrapper_is_drawn_as_the_field_template_draws_it_to_the_character():
    """partials/_field.html stays the reference: the Python drawing must match it exactly, for
    plain, checkbox and fieldset fields, with and without help, errors and odd text."""
    cases = [
        (None, None),
        (DATA, None),
        ({"tick": "", "several": ["b"], "radio": "zz"}, None),
        (DATA, {"tick": 'Tick <b>"this"</b>', "radio": "Pick one & only one", "long": "Too long"}),
    ]
    for data, errors in cases:
        quick, templates = _groups(QuickWidgets, data, errors), _groups(WrapperByTemplate, data, errors)
        assert quick == templates
        # And as the templates draw everything, but for the whitespace between tags.
        everything = _groups(FormRenderer, data, errors)
        assert re.sub(r">\s+<", "><", quick[1]) == re.sub(r">\s+<", "><", everything[1])
    html, _whole = _groups(QuickWidgets, DATA, {"tick": "<b>no</b>"})
    assert "&lt;b&gt;no&lt;/b&gt;" in html["tick"] and "field-checkbox" in html["tick"]
    assert html["radio"].startswith('<fieldset class="field field-group"')
    assert '<p class="help" id="id_text_helptext">Help</p>' in html["text"]
