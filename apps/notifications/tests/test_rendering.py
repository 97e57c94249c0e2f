import pytest
from django.core.exceptions import ValidationError

from apps.notifications import rendering
from conftest import person

DECLARED = ["first_name", "organization"]


@pytest.mark.parametrize(
    "template",
    [
        "{{ user.password }}",
        "{{ first_name.__class__ }}",
        "{{ _private }}",
        "{{ first_name|upper }}",
        "{% load static %}",
        "{% for x in y %}{% endfor %}",
        "{{ password }}",
        "{# comment #}",
    ],
)
def test_templates_that_reach_for_more_than_their_variables_are_refused(template):
    with pytest.raises(ValidationError):
        rendering.validate(f"Hello {template}", DECLARED)


def test_declared_variables_render_and_html_is_escaped():
    rendering.validate("Hello {{ first_name }} from {{organization}}", DECLARED)
    values = {"first_name": "<b>Dana</b>", "organization": "Alpha & Co"}
    assert rendering.render("Hi {{ first_name }} ({{ organization }})", values, html=True) == (
        "Hi &lt;b&gt;Dana&lt;/b&gt; (Alpha &amp; Co)"
    )
    assert rendering.render("Hi {{ first_name }}", values, html=False) == "Hi <b>Dana</b>"


def test_objects_are_only_ever_text(org_a):
    # Even if code passes a model by mistake, the template sees its str(), never its fields.
    user = person(org_a, "dsp")
    out = rendering.render("{{ first_name }}", {"first_name": user}, html=True)
    assert out == "Dana Okafor" and "argon2" not in out and user.password not in out


def test_an_organizations_template_is_checked_on_save_and_used_when_active(org_a):
    from apps.notifications.models import OrgEmailTemplate
    from apps.notifications.services import email_content

    values = {"first_name": "Dana", "organization": "Alpha", "title": "Meeting", "message": "At 3", "link": "/x"}
    with org_a:
        assert email_content(template_type="general.announcement", values=values)[0] == "Meeting"
        bad = OrgEmailTemplate(template_type="general.announcement", subject="{{ user.email }}", html_content="x")
        with pytest.raises(ValidationError) as error:
            bad.full_clean()
        assert "subject" in error.value.message_dict
        good = OrgEmailTemplate(
            template_type="general.announcement",
            subject="[{{ organization }}] {{ title }}",
            html_content="<p>{{ message }}</p>",
            text_content="{{ message }}",
        )
        good.full_clean()
        good.save()
        subject, text, html = email_content(template_type="general.announcement", values={**values, "password": "x"})
        assert (subject, text, html) == ("[Alpha] Meeting", "At 3", "<p>At 3</p>")


def test_dates_passed_as_iso_text_read_in_the_languages_format():
    from django.utils import translation

    text = "Due {{ due }} at {{ when }}; ref {{ ref }}"
    values = {"due": "2026-12-05", "when": "2026-12-05 16:21", "ref": "2026-12-05-A"}
    with translation.override("en"):
        assert rendering.render(text, values, html=False) == "Due Dec 5, 2026 at Dec 5, 2026 4:21 PM; ref 2026-12-05-A"
    with translation.override("es"):
        assert rendering.render(text, values, html=False) == "Due 5 dic 2026 at 5 dic 2026 16:21; ref 2026-12-05-A"
