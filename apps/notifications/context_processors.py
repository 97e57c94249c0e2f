from typing import Any

from django.http import HttpRequest


def unread(request: HttpRequest) -> dict[str, Any]:
    """The header bell's count, computed only when a page draws the bell (a signed-in
    person on an organization's site), and read from the cache."""
    # Every page's context, public hosts' included (no organization, no bell there), so
    # neither attribute is taken for granted.
    user = getattr(request, "user", None)
    if getattr(request, "organization", None) is None or user is None or not user.is_authenticated:
        return {}
    from apps.notifications.services import unread_count

    # Lazy, as the navigation is: pages that never draw the header pay nothing.
    return {"notifications_unread": lambda: unread_count(user)}
