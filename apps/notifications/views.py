"""Each person's own notifications (the centre, the bell's count, marking read, their
settings); the organization's wording for them; deliveries that did not arrive."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import permission_required
from apps.accounts.services import base_url
from apps.core.pages import form_page
from apps.notifications import defaults, forms, selectors, services, sms
from apps.notifications.models import Delivery, Notification, NotificationTemplate, OrgEmailTemplate


@login_required
def centre(request: OrgRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    priority = request.GET.get("priority", "")
    notifications = selectors.notifications_for(request.user, unread_only=unread_only, priority=priority)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/centre.html",
        {
            "page": page,
            "unread_only": unread_only,
            "priority": priority if priority in Notification.Priority.values else "",
            "priorities": Notification.Priority.choices,
        },
    )


@login_required
def unread(request: OrgRequest) -> JsonResponse:
    """The bell's number for pages that refresh it without reloading (htmx polling)."""
    return JsonResponse({"unread": services.unread_count(request.user)})


@login_required
@require_POST
def read(request: OrgRequest, pk: UUID) -> HttpResponse:
    notification = selectors.get_notification_for_user(request.user, pk)
    services.notification_mark_read(notification=notification)
    target = request.POST.get("next", "")
    # A path on this host only: redirect() takes a bare word for a view's name (a 500).
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:centre")


@login_required
@require_POST
def read_all(request: OrgRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:centre")


@login_required
def preferences(request: OrgRequest) -> HttpResponse:
    """Each kind of notification × each channel, on or off (required kinds stay on)."""
    rows = selectors.preference_rows(request.user, organization=request.organization)
    if request.method == "POST":
        services.preferences_save(
            user=request.user,
            choices={
                (c["type"], c["channel"]): c["name"] in request.POST
                for r in rows
                if not r["mandatory"]
                for c in r["cells"]
            },
        )
        messages.success(request, _("Saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"rows": rows, "channels": selectors.CHANNEL_LABELS})


# --- the organization's wording, and what did not arrive ---------------------------------

# Writing, replacing and resetting wording is one job: whoever may do one may do all.
TEMPLATE_PERMISSIONS = tuple(
    f"notifications.{action}_{model}"
    for model in ("orgemailtemplate", "notificationtemplate")
    for action in ("add", "change", "delete")
)


@login_required
@permission_required(*TEMPLATE_PERMISSIONS)
def templates(request: OrgRequest) -> HttpResponse:
    return render(request, "notifications/templates.html", {"rows": selectors.template_rows()})


@login_required
@permission_required(*TEMPLATE_PERMISSIONS)
def template_edit(request: OrgRequest, kind: str, channel: str) -> HttpResponse:
    template = selectors.template_for(kind, channel)
    here = reverse("notifications:template_edit", kwargs={"kind": kind, "channel": channel})
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.template_reset(kind=kind, channel=channel)
        messages.success(request, _("Back to the shipped wording."))
        return redirect(here)
    return form_page(
        request,
        forms.template_form(kind, channel, instance=template, data=request.POST or None),
        save=lambda data: _template_save(kind, channel, data),
        template="notifications/template_edit.html",
        context={
            "kind": defaults.TYPES[kind],
            "channel": channel,
            "channel_label": forms.CHANNELS[channel],
            "customized": not template._state.adding,
        },
        saved_message=_("Saved. New messages use this wording."),
        redirect_to=here,
    )


def _template_save(kind: str, channel: str, data: dict[str, Any]) -> OrgEmailTemplate | NotificationTemplate:
    if channel == "email":
        return services.email_template_save(
            kind=kind,
            subject=data["subject"],
            html_content=data["html_content"],
            text_content=data["text_content"],
            is_active=data["is_active"],
        )
    # A text's form has no title field.
    return services.message_template_save(
        kind=kind, channel=channel, subject=data.get("subject"), body=data["body"], is_active=data["is_active"]
    )


# The preview is a document of its own, shown in a frame on the editor: an admin's HTML
# runs in a sandbox (no scripts, no forms, no same-origin access) with the inline styles
# emails rely on, and nothing else of the page's policy is loosened.
EMAIL_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)
PREVIEW_IMAGES = ["data:", "https:"]
PREVIEW_POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'none'"],
    "connect-src": ["'none'"],
    "font-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": PREVIEW_IMAGES,
    "frame-ancestors": ["'self'"],
    "form-action": ["'none'"],
    "sandbox": True,
}


@login_required
@permission_required(*TEMPLATE_PERMISSIONS)
@xframe_options_sameorigin
def template_preview(request: OrgRequest, kind: str, channel: str) -> HttpResponse:
    """GET: the saved (or shipped) wording; POST: what the editor holds now, unsaved."""
    template = selectors.template_for(kind, channel)
    form = forms.template_form(kind, channel, instance=template, data=request.POST or None)
    organization = request.organization
    # Where the email's images (the logo) come from: this request's own host and port, which
    # the reader's browser surely reaches. Sent emails, with no request, use the organization's
    # host (and LINK_PORT); a development server on another port would break the image here.
    base = base_url(request=request, organization=organization)
    context = {"form": form, "channel": channel, "organization": organization}
    if request.method == "POST" and not form.is_valid():
        return _preview_response(request, context, base, status=400)
    # The saved (or shipped) wording, or on a POST what the editor holds now.
    shown = form.instance
    preview: dict[str, Any]
    if isinstance(shown, OrgEmailTemplate):
        preview = services.email_template_preview(
            kind=kind,
            subject=shown.subject,
            html_content=shown.html_content,
            text_content=shown.text_content,
            organization=organization,
        )
        email = services.email_document(
            html=preview["html"], organization=organization, site_name=organization.name, base=base
        )
        # The branded email as sent, minus its own <html> and <body>: it sits in this page's.
        body = EMAIL_BODY.search(email)
        assert body is not None  # the email's layout always has its <body>
        preview["document"] = body.group(1)
    else:
        preview = services.message_template_preview(
            kind=kind, channel=channel, subject=shown.subject, body=shown.body, organization=organization
        )
    return _preview_response(request, {**context, "preview": preview}, base)


def _preview_response(request: OrgRequest, context: dict, base: str, *, status: int = 200) -> HttpResponse:
    response = render(request, "notifications/template_preview.html", context, status=status)
    # The preview's policy, with the images of the host the email's logo is served from
    # (a development host is plain http, which "https:" leaves out). Set here rather than by
    # csp_replace: the origin is the organization's, known only in the request. The
    # attribute is the one django-csp's own decorators set.
    policy = {**PREVIEW_POLICY, "img-src": [*PREVIEW_IMAGES, base]}
    response._csp_replace = policy  # type: ignore[attr-defined]
    return response


@login_required
@permission_required("notifications.view_delivery")
def deliveries(request: OrgRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    query = request.GET.get("q", "").strip()
    rows = selectors.deliveries(status=status, channel=channel, query=query)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/deliveries.html",
        {
            "page": page,
            "status": status if status in Delivery.Status.values else "",
            "statuses": Delivery.Status.choices,
            "channel": channel,
            "channels": [(c, label) for c, label in forms.CHANNELS.items() if c != "in_app"],
            "query": query,
        },
    )


@csrf_exempt
@require_POST
def sms_status(request: OrgRequest) -> HttpResponse:
    """The SMS provider's delivery reports (Twilio's StatusCallback), signed with the
    account's token: unsigned or wrongly signed reports are refused."""
    if sms.callback_token() is None:
        raise Http404
    # Signed over the URL we gave Twilio (tasks.deliver_sms), not whatever scheme and port a
    # proxy in front of us makes the request look like.
    url = sms.status_callback_url(request.organization)
    if not sms.signature_valid(url, request.POST.dict(), request.headers.get("X-Twilio-Signature", "")):
        return HttpResponseForbidden()
    services.delivery_report(
        channel="sms",
        provider_id=request.POST.get("MessageSid", ""),
        state=sms.TWILIO_FINAL.get(request.POST.get("MessageStatus", ""), ""),
        error=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)
