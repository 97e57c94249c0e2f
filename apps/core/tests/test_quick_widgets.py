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
