"""Words for values stored as codes in clients' structured lists (allergy severity, goal
status), so pages and the printed plan never show `life_threatening` or `not_started`."""

from django import template

from apps.clients import tabs
from apps.clients.forms import GOAL_STATUSES, SEVERITIES

register = template.Library()

_SEVERITY = dict(SEVERITIES)
_GOAL_STATUS = dict(GOAL_STATUSES)


@register.filter
def severity_label(value):
    return _SEVERITY.get(value, value)


@register.filter
def goal_status_label(value):
    return _GOAL_STATUS.get(value, value)


@register.simple_tag
def client_tab_links(keys, client):
    """The registered tabs (clients.tabs) this person sees, as links for the header."""
    return tabs.links(tuple(keys or ()), client.pk)
