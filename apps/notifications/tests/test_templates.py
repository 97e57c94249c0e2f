"""The organization's wording: in-app and text templates used by notify() and the SMS task,
the sandbox on them, the editor with its preview, and who may use it."""

import json

import pytest
from django.core.exceptions import ValidationError

from apps.notifications import services
from apps.notifications.models import Delivery, NotificationTemplate, OrgEmailTemplate
from conftest import person, signed_in

EDIT = "/notifications/templates/general.announcement/{}/"


def _announce(organization, local="dsp", **kwargs):
    with organization:
        return services.notify(
            recipients=[person(organization, local)],
            type="general.announcement",
            title=kwargs.pop("title", "Office closed"),
            message=kwargs.pop("message", "Friday"),
            organization=organization,
            **kwargs,
        )[0]


def test_the_organizations_in_app_wording_is_used_and_only_there(org_a, org_b):
    with org_a:
        services.message_template_save(
            kind="general.announcement",
            channel="in_app",
            subject="📣 {{ title }}",
            body="{{ message }} — {{ organization }}",
            is_active=True,
        )
    mine = _announce(org_a)
    theirs = _announce(org_b)
    assert (mine.title, mine.message) == ("📣 Office closed", f"Friday — {org_a.name}")
    assert (theirs.title, theirs.message) == ("Office closed", "Friday")


def test_a_kinds_variables_come_from_context_and_nothing_else_is_accepted(org_a):
    with org_a:
        (digest,) = services.notify(
            recipients=[person(org_a, "dsp")], type="digest.daily", context={"day": "2026-11-24", "count": 3}
        )
        assert (digest.title, digest.message) == ("Your notifications from Nov 24, 2026", "Unread notifications: 3")
        assert digest.context == {"day": "2026-11-24", "count": "3"}
        with pytest.raises(ValueError, match="has no variable password"):
            services.notify(recipients=[person(org_a, "dsp")], type="digest.daily", context={"password": "x"})


def test_texts_use_the_organizations_text_wording(org_a, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.SMS_URL = f"file://{tmp_path}"
    user = person(org_a, "nurse")
    with org_a:
        type(user).objects.filter(pk=user.pk).update(phone="(415) 555-2671")
        NotificationTemplate.objects.create(
            template_name="Announcement",
            notification_type="general.announcement",
            template_type="sms",
            body="{{ organization }}: {{ title }}. Hi {{ first_name }}!",
        )
    with org_a, django_capture_on_commit_callbacks(execute=True):
        _announce(org_a, "nurse", channels=["sms"])
    (written,) = [json.loads(p.read_text()) for p in tmp_path.iterdir()]
    assert written["body"] == f"{org_a.name}: Office closed. Hi {user.first_name}!"


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("body", "{{ user.password }}"),
        ("body", "{{ _secret }}"),
        ("body", "{{ message.upper }}"),
        ("body", "{% load static %}"),
        ("body", "{{ first_name }}"),  # an email variable: in-app text is written once for everyone
        ("subject", "{{ title|safe }}"),
    ],
)
def test_in_app_wording_is_sandboxed_too(org_a, field, text):
    template = NotificationTemplate(
        template_name="x", notification_type="general.announcement", template_type="in_app", subject="T", body="B"
    )
    setattr(template, field, text)
    with org_a, pytest.raises(ValidationError) as raised:
        template.full_clean()
    assert field in raised.value.message_dict


def test_emails_are_not_written_as_message_templates(org_a):
    template = NotificationTemplate(
        template_name="x", notification_type="general.announcement", template_type="email", body="B"
    )
    with org_a, pytest.raises(ValidationError, match="email templates"):
        template.full_clean()


# --- the editor ----------------------------------------------------------------------------


def test_the_list_shows_each_kind_on_each_channel(org_a):
    with org_a:
        OrgEmailTemplate.objects.create(template_type="digest.daily", subject="S", html_content="<p>H</p>")
    html = signed_in(org_a, "admin").get("/notifications/templates/").content.decode()
    assert "Announcement" in html and "Daily digest of unread notifications" in html
    from apps.notifications import defaults

    cells = 3 * len(defaults.TYPES)  # each kind on email, in-app and text
    assert html.count("Your wording") == 1 and html.count("Shipped wording") == cells - 1
    assert 'href="/notifications/templates/digest.daily/email/"' in html


def test_an_admin_saves_an_email_and_the_next_email_uses_it(org_a, mailoutbox, django_capture_on_commit_callbacks):
    client = signed_in(org_a, "admin")
    page = client.get(EDIT.format("email")).content.decode()
    assert "{{ first_name }}" in page  # starts from the shipped wording
    response = client.post(
        EDIT.format("email"),
        {
            "action": "save",
            "subject": "News: {{ title }}",
            "html_content": "<p>Dear {{ first_name }}, {{ message }}</p>",
            "text_content": "Dear {{ first_name }}, {{ message }}",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    with org_a, django_capture_on_commit_callbacks(execute=True):
        _announce(org_a, "dsp", channels=["email"], message="<b>Friday</b>")
    (mail,) = mailoutbox
    assert mail.subject == "News: Office closed"
    assert mail.body == f"Dear {person(org_a, 'dsp').first_name}, <b>Friday</b>"
    assert "&lt;b&gt;Friday&lt;/b&gt;" in mail.alternatives[0][0]  # escaped in HTML


def test_a_template_reaching_for_a_password_is_refused_where_it_was_written(org_a):
    client = signed_in(org_a, "admin")
    response = client.post(
        EDIT.format("email"),
        {"action": "save", "subject": "{{ user.password }}", "html_content": "<p>x</p>", "is_active": "on"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not allowed" in html and 'id="id_subject_error"' in html
    with org_a:
        assert not OrgEmailTemplate.objects.exists()


def test_the_preview_renders_sample_values_in_a_sandbox_and_saves_nothing(org_a):
    client = signed_in(org_a, "admin")
    response = client.post(
        EDIT.format("email") + "preview/",
        {"subject": "Hi {{ first_name }}", "html_content": "<p>{{ message }}</p><script>alert(1)</script>"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hi Jordan" in html and "The office is closed for the holiday." in html
    policy = set(response["Content-Security-Policy"].split("; "))
    assert {"sandbox", "script-src 'none'", "default-src 'none'", "frame-ancestors 'self'"} <= policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    with org_a:
        assert not OrgEmailTemplate.objects.exists()
    refused = client.post(EDIT.format("email") + "preview/", {"subject": "{{ nope }}", "html_content": "x"})
    assert refused.status_code == 400 and "not a variable of this message" in refused.content.decode()


def test_the_text_preview_counts_messages(org_a):
    client = signed_in(org_a, "admin")
    html = client.post(EDIT.format("sms") + "preview/", {"body": "{{ message }} " + "x" * 200}).content.decode()
    assert "2 text messages" in html
    html = client.get(EDIT.format("in_app") + "preview/").content.decode()
    assert "<strong>Office closed on Friday</strong>" in html


def test_going_back_to_the_shipped_wording(org_a):
    with org_a:
        NotificationTemplate.objects.create(
            template_name="A", notification_type="general.announcement", template_type="sms", body="Mine"
        )
    client = signed_in(org_a, "admin")
    assert "Use the shipped wording" in client.get(EDIT.format("sms")).content.decode()
    assert client.post(EDIT.format("sms"), {"action": "reset"}).status_code == 302
    with org_a:
        assert not NotificationTemplate.objects.exists()


@pytest.mark.parametrize("url", ["/notifications/templates/nope/email/", "/notifications/templates/digest.daily/fax/"])
def test_unknown_kinds_and_channels_are_not_found(org_a, url):
    assert signed_in(org_a, "admin").get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/notifications/templates/", EDIT.format("email"), EDIT.format("sms") + "preview/", "/notifications/deliveries/"],
)
def test_people_without_the_permission_cannot_open_the_admin_pages(org_a, url):
    assert signed_in(org_a, "dsp").get(url).status_code == 403


def test_another_organization_sees_and_changes_only_its_own_wording(org_a, org_b):
    with org_a:
        OrgEmailTemplate.objects.create(template_type="general.announcement", subject="Alpha only", html_content="x")
    beta = signed_in(org_b, "admin")
    assert "Alpha only" not in beta.get(EDIT.format("email")).content.decode()
    beta.post(EDIT.format("email"), {"action": "reset"})
    beta.post(EDIT.format("email"), {"action": "save", "subject": "Beta", "html_content": "y", "is_active": "on"})
    with org_a:
        assert list(OrgEmailTemplate.objects.values_list("subject", flat=True)) == ["Alpha only"]
    with org_b:
        assert list(OrgEmailTemplate.objects.values_list("subject", flat=True)) == ["Beta"]


# --- what did not arrive -------------------------------------------------------------------


def test_admins_see_failed_deliveries_with_the_reason(one_minute, org_a, org_b, django_assert_max_num_queries):
    for local in ("dsp", "nurse"):
        notification = _announce(org_a, local, title=f"For {local}")
        with org_a:
            Delivery.objects.create(
                notification=notification, channel="sms", status="failed", last_error=f"bad number {local}"
            )
    beta = _announce(org_b, "dsp", title="Beta's")
    with org_b:
        Delivery.objects.create(notification=beta, channel="sms", status="failed", last_error="beta error")
    client = signed_in(org_a, "admin")
    client.get("/notifications/deliveries/")  # the session's first reads (from the database without Redis)
    with django_assert_max_num_queries(12):
        html = client.get("/notifications/deliveries/?status=failed").content.decode()
    assert "bad number dsp" in html and "bad number nurse" in html and "beta error" not in html
    html = client.get("/notifications/deliveries/?q=For+nurse").content.decode()
    assert "bad number nurse" in html and "bad number dsp" not in html
    beta_page = signed_in(org_b, "admin").get("/notifications/deliveries/").content.decode()
    assert "beta error" in beta_page and "bad number" not in beta_page
