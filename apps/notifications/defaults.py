"""The kinds of notification, and the wording each sends when the organization has not
written its own.

Each kind declares its variables: the only names its templates may use (see rendering.py).
notify() fills them from the caller's `context`; the in-app title and message are rendered
from them first, and emails and texts may use those two plus the person's first name.

Apps register their kinds in AppConfig.ready() with `register(Kind(...))`, so the editor, the
settings page and the sandbox know them the moment the app lands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What every kind's templates may use, whatever the kind.
IN_APP_COMMON = ["organization", "link"]
# Emails and texts go to one person, after the in-app wording is settled.
MESSAGE_COMMON = ["first_name", "organization", "title", "message", "link"]

DEFAULT_EMAIL = {
    "subject": "{{ title }}",
    "text": "{{ first_name }},\n\n{{ message }}\n\n{{ link }}\n\n— {{ organization }}",
    "html": '<p>{{ first_name }},</p><p>{{ message }}</p><p><a href="{{ link }}">{{ link }}</a></p>',
}
DEFAULT_SMS = "{{ title }}: {{ message }}"


@dataclass(frozen=True)
class Kind:
    key: str
    label: StrOrPromise  # lazy translation
    variables: list[str] = field(default_factory=lambda: ["title", "message"])
    title: StrOrPromise = "{{ title }}"  # the in-app title's default wording (lazy translation)
    message: StrOrPromise = "{{ message }}"
    # What the template editor's preview fills the variables with.
    sample: dict[str, StrOrPromise] = field(default_factory=dict)


TYPES: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Add a kind; its own wording must use only its own variables (checked here, so a
    mistake shows at start-up, not as an empty title in someone's notification)."""
    from apps.notifications import rendering

    for wording in (kind.title, kind.message):
        rendering.validate(str(wording), variables_for_kind(kind, "in_app"))
    TYPES[kind.key] = kind


def kind(key: str) -> Kind:
    """The registered kind, or a plain one (title and message as given) for any other key."""
    return TYPES.get(key) or Kind(key=key, label=key)


def variables_for(key: str, channel: str = "email") -> list[str]:
    return variables_for_kind(kind(key), channel)


def variables_for_kind(kind: Kind, channel: str) -> list[str]:
    common = IN_APP_COMMON if channel == "in_app" else MESSAGE_COMMON
    return list(dict.fromkeys([*common, *kind.variables]))


def sample_values(key: str, *, organization: str) -> dict:
    """Made-up values for every variable, for previews: never a real person's data."""
    values = {
        "first_name": "Jordan",
        "organization": organization,
        "title": str(_("Sample title")),
        "message": str(_("This is where the message goes.")),
        "link": "https://example.org/notifications/",
    }
    values.update({name: f"[{name}]" for name in kind(key).variables if name not in values})
    values.update({name: str(value) for name, value in kind(key).sample.items()})
    return values


register(
    Kind(
        key="general.announcement",
        label=_("Announcement"),
        sample={"title": _("Office closed on Friday"), "message": _("The office is closed for the holiday.")},
    )
)
register(
    Kind(
        key="digest.daily",
        label=_("Daily digest of unread notifications"),
        variables=["day", "count"],
        title=_("Your notifications from {{ day }}"),
        message=_("Unread notifications: {{ count }}"),
        sample={"day": "2026-11-24", "count": "3"},
    )
)
