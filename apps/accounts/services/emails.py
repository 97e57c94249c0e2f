"""The account emails: branded, with links back to the organization's host."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.models import User
from apps.tenants.models import Organization


def base_url(*, request: HttpRequest | None = None, organization: Organization | None = None) -> str:
    """Where links in emails point: the request's own host, or the organization's when
    there is no request (provisioning from the command line)."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    scheme = "http" if settings.DEBUG else "https"
    port = f":{settings.LINK_PORT}" if settings.LINK_PORT else ""
    host = organization.primary_host if organization is not None else settings.BASE_DOMAIN
    return f"{scheme}://{host}{port}"


def send(*, to: str, template: str, context: dict[str, Any], organization: Organization | None, base: str) -> None:
    """A branded email: subject, text and HTML from templates/accounts/emails/."""
    context = {
        "organization": organization,
        "site_name": organization.name if organization else "Starline",
        "base_url": base,
        **context,
    }
    subject = render_to_string(f"accounts/emails/{template}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"accounts/emails/{template}_body.txt", context),
        to=[to],
    )
    message.attach_alternative(render_to_string(f"accounts/emails/{template}_body.html", context), "text/html")
    message.send()


def signed_link(base: str, name: str, user: User, token: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return base + reverse(name, kwargs={"uidb64": uid, "token": token})
