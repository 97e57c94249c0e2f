from django import template

from apps.accounts.models import User

register = template.Library()

# get_status_display rebuilds a dictionary of choices on every call; long lists call it per row.
_STATUS_LABELS = dict(User.Status.choices)


@register.filter
def status_label(status: str) -> str:
    return str(_STATUS_LABELS.get(status, status))
