"""Each person's own notifications (the centre, the bell's count, marking read, their
settings); the organization's wording for them; deliveries that did not arrive."""

import re

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.accounts.permissions import permission_required
from apps.notifications import defaults, forms, selectors, services, sms
from apps.notifications.models import Delivery, Notification


@login_required
def centre(request):
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
def unread(request):
    """The bell's number for pages that refresh it without reloading (htmx polling)."""
    return JsonResponse({"unread": services.unread_count(request.user)})


@login_required
@require_POST
def read(request, pk):
    notification = selectors.get_notification_for_user(request.user, pk)
    services.notification_mark_read(notification=notification)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:centre")


@login_required
@require_POST
def read_all(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:centre")


@login_required
def preferences(request):
    """Each kind of notification × each channel, on or off (required kinds stay on)."""
    rows = selectors.preference_rows(request.user, organization=getattr(request, "organization", None))
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
def templates(request):
    return render(request, "notifications/templates.html", {"rows": selectors.template_rows()})


@login_required
@permission_required(*TEMPLATE_PERMISSIONS)
def template_edit(request, kind, channel):
    template = selectors.template_for(kind, channel)
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.template_reset(kind=kind, channel=channel)
        messages.success(request, _("Back to the shipped wording."))
        return redirect("notifications:template_edit", kind=kind, channel=channel)
    form = forms.template_form(kind, channel, instance=template, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.template_save(template=form.instance)
        messages.success(request, _("Saved. New messages use this wording."))
        return redirect("notifications:template_edit", kind=kind, channel=channel)
    return render(
        request,
        "notifications/template_edit.html",
        {
            "form": form,
            "kind": defaults.TYPES[kind],
            "channel": channel,
            "channel_label": forms.CHANNELS[channel],
            "customized": not template._state.adding,
        },
        status=400 if request.method == "POST" else 200,
    )


# The preview is a document of its own, shown in a frame on the editor: an admin's HTML
# runs in a sandbox (no scripts, no forms, no same-origin access) with the inline styles
# emails rely on, and nothing else of the page's policy is loosened.
EMAIL_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)
PREVIEW_POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'none'"],
    "connect-src": ["'none'"],
    "font-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["data:", "https:"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'none'"],
    "sandbox": True,
}


@login_required
@permission_required(*TEMPLATE_PERMISSIONS)
@xframe_options_sameorigin
@csp_replace(PREVIEW_POLICY)
def template_preview(request, kind, channel):
    """GET: the saved (or shipped) wording; POST: what the editor holds now, unsaved."""
    template = selectors.template_for(kind, channel)
    form = forms.template_form(kind, channel, instance=template, data=request.POST or None)
    organization = getattr(request, "organization", None)
    context = {"form": form, "channel": channel, "organization": organization}
    if request.method == "POST" and not form.is_valid():
        return render(request, "notifications/template_preview.html", context, status=400)
    preview = services.template_preview(template=form.instance, kind=kind, channel=channel, organization=organization)
    if channel == "email":
        email = render_to_string(
            "notifications/emails/notification_body.html",
            {"body": preview["html"], "organization": organization, "site_name": getattr(organization, "name", "")},
        )
        # The branded email as sent, minus its own <html> and <body>: it sits in this page's.
        preview["document"] = EMAIL_BODY.search(email).group(1)
    return render(request, "notifications/template_preview.html", {**context, "preview": preview})


@login_required
@permission_required("notifications.view_delivery")
def deliveries(request):
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
def sms_status(request):
    """The SMS provider's delivery reports (Twilio's StatusCallback), signed with the
    account's token: unsigned or wrongly signed reports are refused."""
    if sms.callback_token() is None:
        raise Http404
    # Signed over the URL we gave Twilio (tasks.deliver_sms), not whatever scheme and port a
    # proxy in front of us makes the request look like.
    url = sms.status_callback_url(getattr(request, "organization", None))
    if not sms.signature_valid(url, request.POST.dict(), request.headers.get("X-Twilio-Signature", "")):
        return HttpResponseForbidden()
    services.delivery_report(
        channel="sms",
        provider_id=request.POST.get("MessageSid", ""),
        state=sms.TWILIO_FINAL.get(request.POST.get("MessageStatus", ""), ""),
        error=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)
