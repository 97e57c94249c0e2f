"""Each person's own notifications: the centre, the bell's count, marking read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.notifications import selectors, services
from apps.notifications.models import Notification


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
