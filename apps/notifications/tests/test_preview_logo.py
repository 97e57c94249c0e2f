"""The email template's preview shows the organization's logo as the sent email does: the same
image tag, from the organization's own host, and a policy that lets the frame load it."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail

from apps.branding import services as branding_services
from apps.branding.tests.images import image_bytes, upload
from apps.notifications import services
from apps.tenants.models import Organization
from conftest import person, signed_in

PREVIEW = "/notifications/templates/general.announcement/email/preview/"
LOGO_TAG = re.compile(r'<img src="[^"]*/logo\.png\?v=[^"]*"[^>]*>')


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _sent_email_html(org, django_capture_on_commit_callbacks) -> str:
    with org, django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[person(org, "dsp")],
            type="general.announcement",
            title="Office closed",
            message="Closed on Friday.",
            channels=["email"],
            organization=org,
        )
    (sent,) = mail.outbox
    assert isinstance(sent, mail.EmailMultiAlternatives)
    html = sent.alternatives[0][0]
    assert isinstance(html, str)
    return html


def test_the_email_preview_shows_the_logo_exactly_as_the_sent_email(org_a, django_capture_on_commit_callbacks):
    branding_services.branding_update(
        organization=org_a,
        primary_color=org_a.primary_color,
        secondary_color=org_a.secondary_color,
        font_family=org_a.font_family,
        logo=upload(image_bytes(size=(300, 100))),
    )
    org = Organization.objects.get(pk=org_a.pk)
    sent = LOGO_TAG.search(_sent_email_html(org, django_capture_on_commit_callbacks))
    assert sent is not None
    # The same tag, its image served by the host the preview was opened on.
    origin_sent = re.match(r'<img src="(https?://[^/"]+)/', sent.group(0))
    assert origin_sent is not None
    # Sent without a request: the organization's host, with LINK_PORT where one is set.
    assert origin_sent.group(1).endswith(f":{django_settings.LINK_PORT}" if django_settings.LINK_PORT else "localhost")
    expected = sent.group(0).replace(origin_sent.group(1), "http://alpha.localhost", 1)
    for response in (
        signed_in(org, "admin").get(PREVIEW),
        signed_in(org, "admin").post(PREVIEW, {"subject": "Hi {{ first_name }}", "html_content": "<p>x</p>"}),
    ):
        assert response.status_code == 200
        assert expected in response.content.decode()
        shown = LOGO_TAG.search(response.content.decode())
        assert shown is not None
        # The frame may load it from that host, and nothing else is loosened.
        origin = re.match(r'<img src="(https?://[^/"]+)/', shown.group(0))
        assert origin is not None
        policy = dict(part.split(" ", 1) for part in response["Content-Security-Policy"].split("; ") if " " in part)
        assert origin.group(1) in policy["img-src"].split()
        assert policy["script-src"] == "'none'" and policy["default-src"] == "'none'"
        assert "sandbox" in response["Content-Security-Policy"].split("; ")


def test_without_a_logo_neither_the_email_nor_the_preview_shows_one(org_b, django_capture_on_commit_callbacks):
    assert LOGO_TAG.search(_sent_email_html(org_b, django_capture_on_commit_callbacks)) is None
    response = signed_in(org_b, "admin").get(PREVIEW)
    assert response.status_code == 200 and LOGO_TAG.search(response.content.decode()) is None
    assert org_b.name in response.content.decode()


def test_the_preview_loads_the_logo_from_the_host_and_port_it_was_opened_on(org_a, settings):
    # A development server on a port of its own: LINK_PORT (for emails sent without a request)
    # would point the preview's image at a port nothing listens on.
    settings.LINK_PORT = 8000
    branding_services.branding_update(
        organization=org_a,
        primary_color=org_a.primary_color,
        secondary_color=org_a.secondary_color,
        font_family=org_a.font_family,
        logo=upload(image_bytes(size=(300, 100))),
    )
    org = Organization.objects.get(pk=org_a.pk)
    client = signed_in(org, "admin")
    response = client.get(PREVIEW, HTTP_HOST="alpha.localhost:8101")
    assert response.status_code == 200
    tag = LOGO_TAG.search(response.content.decode())
    assert tag is not None
    assert tag.group(0).startswith('<img src="http://alpha.localhost:8101/logo.png?v=')
    policy = dict(part.split(" ", 1) for part in response["Content-Security-Policy"].split("; ") if " " in part)
    assert "http://alpha.localhost:8101" in policy["img-src"].split()
