"""The email every notification type sends when the organization has not written its own.

Each type declares its variables: the only names its templates may use (see rendering.py).
Every type also gets the common ones below.
"""

from django.utils.translation import gettext_lazy as _

COMMON_VARIABLES = ["first_name", "organization", "title", "message", "link"]

DEFAULT_EMAIL = {
    "subject": "{{ title }}",
    "text": "{{ first_name }},\n\n{{ message }}\n\n{{ link }}\n\n— {{ organization }}",
    "html": '<p>{{ first_name }},</p><p>{{ message }}</p><p><a href="{{ link }}">{{ link }}</a></p>',
}

# type -> (label, extra variables). Apps add their types as they land.
TYPES: dict[str, tuple] = {
    "general.announcement": (_("Announcement"), []),
    "digest.daily": (_("Daily digest of unread notifications"), []),
}


def variables_for(template_type: str) -> list[str]:
    _label, extra = TYPES.get(template_type, ("", []))
    return [*COMMON_VARIABLES, *extra]
