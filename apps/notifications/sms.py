"""Text messages: numbers in E.164, and the provider that sends them.

`SMS_URL` picks the provider, like EMAIL_URL picks the mail backend:
- `console://` (default): the message is written to the log, nothing leaves the machine;
- `file:///path/to/dir`: one file per message (development, tests);
- `twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=+15550001111`: Twilio's Messages API
  over HTTPS (the host can point elsewhere, e.g. a local stand-in, with `scheme=http`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings

from apps.core.phones import InvalidNumber, to_e164

__all__ = ["InvalidNumber", "ProviderError", "send", "to_e164"]

logger = logging.getLogger(__name__)


class ProviderError(OSError):
    """A provider that could not take the message now (network, 5xx, rate limit): retried."""


def send(*, to: str, body: str, status_callback: str = "") -> str:
    """Send one message to an E.164 number; returns the provider's id for it. Providers
    that report delivery call `status_callback` (see views.sms_status)."""
    url = urllib.parse.urlsplit(settings.SMS_URL)
    if url.scheme == "console":
        logger.warning("SMS to %s: %s", to, body)
        return f"console-{uuid.uuid4().hex}"
    if url.scheme == "file":
        message_id = f"file-{uuid.uuid4().hex}"
        directory = Path(url.path)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{message_id}.json").write_text(json.dumps({"to": to, "body": body}))
        return message_id
    if url.scheme == "twilio":
        return _twilio(url, to=to, body=body, status_callback=status_callback)
    raise ValueError(f"Unknown SMS_URL scheme: {url.scheme!r}")


def _twilio(url, *, to: str, body: str, status_callback: str) -> str:
    options = dict(urllib.parse.parse_qsl(url.query))
    scheme = options.get("scheme", "https")
    if scheme not in ("https", "http"):
        raise ValueError(f"SMS provider scheme must be https or http, not {scheme!r}")
    account, token = urllib.parse.unquote(url.username or ""), urllib.parse.unquote(url.password or "")
    endpoint = (
        f"{scheme}://{url.hostname}{f':{url.port}' if url.port else ''}/2010-04-01/Accounts/{account}/Messages.json"
    )
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above; the host is configuration
        endpoint,
        data=urllib.parse.urlencode(
            {"To": to, "From": options.get("from", ""), "Body": body}
            | ({"StatusCallback": status_callback} if status_callback else {})
        ).encode(),
        headers={"Authorization": "Basic " + base64.b64encode(f"{account}:{token}".encode()).decode()},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the URL is configuration # nosec B310
            return json.loads(response.read())["sid"]
    except urllib.error.HTTPError as exc:
        if exc.code == 429 or exc.code >= 500:
            raise ProviderError(f"SMS provider answered {exc.code}") from exc
        # 4xx: this message will never be accepted (a bad number, a bad account): no retry.
        raise ValueError(f"SMS provider refused the message: {exc.code} {exc.read()[:200]!r}") from exc
    except (urllib.error.URLError, TimeoutError) as exc:
        raise ProviderError(str(exc)) from exc


# --- delivery reports --------------------------------------------------------------------

# Twilio's message states, as our delivery states; the in-between ones change nothing.
TWILIO_FINAL = {"delivered": "delivered", "undelivered": "failed", "failed": "failed"}


def status_callback_url(organization) -> str:
    """Where the provider reports on a message: the organization's own host (its reports
    are then read in its own schema). The callback's signature is checked over this URL."""
    from django.urls import reverse

    from apps.accounts.services import base_url

    return f"{base_url(organization=organization)}{reverse('notifications:sms_status')}"


def callback_token() -> str | None:
    """The secret that signs the provider's status callbacks, or None when the provider
    sends none (console, file)."""
    url = urllib.parse.urlsplit(settings.SMS_URL)
    if url.scheme != "twilio":
        return None
    return urllib.parse.unquote(url.password or "")


def twilio_signature(url: str, params: dict, token: str) -> str:
    """Twilio's X-Twilio-Signature: HMAC-SHA1 over the full URL followed by each POST
    parameter's name and value, sorted by name, base64-encoded."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def signature_valid(url: str, params: dict, signature: str) -> bool:
    token = callback_token()
    # Bytes: compare_digest refuses str with non-ASCII characters, which a forged header may hold.
    expected = twilio_signature(url, params, token).encode() if token else b""
    return bool(token) and hmac.compare_digest(expected, (signature or "").encode("utf-8", "replace"))
