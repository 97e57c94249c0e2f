"""Text messages: E.164 numbers, the file provider, and the Twilio adapter against a local
HTTP stand-in that is busy the first time."""

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from apps.accounts.models import User
from apps.accounts.services import base_url
from apps.notifications import services, sms
from apps.notifications.models import Delivery
from conftest import person


@pytest.mark.parametrize(
    ("number", "region", "expected"),
    [
        ("(415) 555-2671", "US", "+14155552671"),
        ("+34 612 34 56 78", "US", "+34612345678"),
        ("612 34 56 78", "ES", "+34612345678"),
    ],
)
def test_numbers_are_stored_and_sent_in_e164(number, region, expected):
    assert sms.to_e164(number, region) == expected


@pytest.mark.parametrize("number", ["", "12", "555-123-4567", "call me"])
def test_what_is_not_a_phone_number_is_refused(number):
    with pytest.raises(sms.InvalidNumber):
        sms.to_e164(number, "US")


def _text(organization, local, phone, django_capture_on_commit_callbacks):
    user = person(organization, local)
    with organization:
        User.objects.filter(pk=user.pk).update(phone=phone)
        user.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            (notification,) = services.notify(
                recipients=[user],
                type="general.announcement",
                title="Shift",
                message="Starts at 7",
                channels=["sms"],
                organization=organization,
            )
        return Delivery.objects.get(notification=notification)


def test_a_text_goes_to_the_normalized_number(org_a, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.SMS_URL = f"file://{tmp_path}"
    delivery = _text(org_a, "dsp", "(415) 555-2671", django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.SENT
    (written,) = [json.loads(p.read_text()) for p in tmp_path.iterdir()]
    assert written == {"to": "+14155552671", "body": "Shift: Starts at 7"}


def test_an_invalid_number_is_reported_not_sent(org_a, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.SMS_URL = f"file://{tmp_path}"
    delivery = _text(org_a, "dsp", "555-0000", django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.FAILED and "not a valid phone number" in delivery.last_error
    assert delivery.attempts == 1 and not list(tmp_path.iterdir())


class _Twilio(BaseHTTPRequestHandler):
    calls: list = []

    def do_POST(self):
        body = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
        _Twilio.calls.append({"path": self.path, "auth": self.headers["Authorization"], "body": body})
        if len(_Twilio.calls) == 1:
            self.send_response(503)
            self.end_headers()
            return
        payload = json.dumps({"sid": "SM123"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def test_the_twilio_adapter_retries_a_busy_provider(org_a, settings, django_capture_on_commit_callbacks):
    _Twilio.calls = []
    server = HTTPServer(("127.0.0.1", 0), _Twilio)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        settings.SMS_URL = f"twilio://AC1:secret@127.0.0.1:{port}?from=%2B15550001111&scheme=http"
        delivery = _text(org_a, "nurse", "+34 612 34 56 78", django_capture_on_commit_callbacks)
    finally:
        server.shutdown()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 2
    assert len(_Twilio.calls) == 2
    call = _Twilio.calls[-1]
    assert call["path"] == "/2010-04-01/Accounts/AC1/Messages.json"
    assert call["auth"] == "Basic " + base64.b64encode(b"AC1:secret").decode()
    assert call["body"] == {
        "To": "+34612345678",
        "From": "+15550001111",
        "Body": "Shift: Starts at 7",
        # Where Twilio reports delivery: this organization's own host.
        "StatusCallback": f"{base_url(organization=org_a)}/notifications/sms/status/",
    }


# --- delivery reports (Twilio's StatusCallback) ---------------------------------------------


def test_the_signature_is_twilios_own():
    # Twilio's published example (auth token 12345): an independent check of the algorithm.
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert sms.twilio_signature(url, params, "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def _sent_text(organization, provider_id):
    with organization:
        notification = services.notify(
            recipients=[person(organization, "dsp")],
            type="general.announcement",
            title="Shift",
            message="Starts at 7",
            channels=["sms"],
        )[0]
        notification.status = "sent"
        notification.save(update_fields=["status"])
        # As deliver_sms leaves it once the provider took the message.
        Delivery.objects.filter(notification=notification).update(status="sent", provider_id=provider_id)
        return Delivery.objects.get(notification=notification)


TOKEN = "secret"


def _report(client, organization, params, *, token=TOKEN):
    url = f"{base_url(organization=organization)}/notifications/sms/status/"
    signature = sms.twilio_signature(url, params, token)
    return client.post("/notifications/sms/status/", params, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def twilio(settings):
    settings.SMS_URL = "twilio://AC1:secret@api.twilio.com?from=%2B15550001111"


def test_a_signed_delivered_report_marks_the_text_and_notification_delivered(org_a, client_a, twilio):
    delivery = _sent_text(org_a, "SM1")
    response = _report(client_a, org_a, {"MessageSid": "SM1", "MessageStatus": "delivered", "AccountSid": "AC1"})
    assert response.status_code == 204
    with org_a:
        delivery.refresh_from_db()
        assert delivery.status == "delivered" and delivery.delivered_at is not None
        assert delivery.notification.status == "delivered"


def test_an_undelivered_report_is_a_failure_admins_can_read(org_a, client_a, twilio):
    delivery = _sent_text(org_a, "SM2")
    _report(client_a, org_a, {"MessageSid": "SM2", "MessageStatus": "undelivered", "ErrorCode": "30003"})
    with org_a:
        delivery.refresh_from_db()
        assert delivery.status == "failed" and "30003" in delivery.last_error
        assert delivery.notification.status == "failed"


def test_unsigned_or_forged_reports_change_nothing(org_a, client_a, twilio):
    delivery = _sent_text(org_a, "SM3")
    params = {"MessageSid": "SM3", "MessageStatus": "delivered"}
    assert _report(client_a, org_a, params, token="not-the-token").status_code == 403
    assert client_a.post("/notifications/sms/status/", params).status_code == 403
    with org_a:
        delivery.refresh_from_db()
        assert delivery.status == "sent"


def test_a_report_reaches_only_its_own_organizations_texts(org_a, org_b, client_b, twilio):
    delivery = _sent_text(org_a, "SM4")
    assert _report(client_b, org_b, {"MessageSid": "SM4", "MessageStatus": "delivered"}).status_code == 204
    with org_a:
        delivery.refresh_from_db()
        assert delivery.status == "sent"


def test_in_between_states_and_providers_without_reports(org_a, client_a, twilio, settings):
    delivery = _sent_text(org_a, "SM5")
    _report(client_a, org_a, {"MessageSid": "SM5", "MessageStatus": "sending"})
    with org_a:
        delivery.refresh_from_db()
        assert delivery.status == "sent"
    settings.SMS_URL = "console://"
    assert client_a.post("/notifications/sms/status/", {"MessageSid": "SM5"}).status_code == 404


def test_a_signature_header_with_strange_characters_is_refused_not_an_error(org_a, client_a, twilio):
    _sent_text(org_a, "SM6")
    response = client_a.post(
        "/notifications/sms/status/", {"MessageSid": "SM6", "MessageStatus": "delivered"}, HTTP_X_TWILIO_SIGNATURE="é€"
    )
    assert response.status_code == 403


def test_a_report_signed_for_another_url_is_refused(org_a, client_a, twilio):
    delivery = _sent_text(org_a, "SM7")
    params = {"MessageSid": "SM7", "MessageStatus": "delivered"}
    signature = sms.twilio_signature(f"http://{org_a.primary_host}/elsewhere/", params, TOKEN)
    response = client_a.post("/notifications/sms/status/", params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403
    with org_a:
        delivery.refresh_from_db()
        assert delivery.status == "sent"
