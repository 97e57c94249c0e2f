"""What the lead's documentation tests share: a small form, a client with a care team."""

from __future__ import annotations

import datetime as dt
from typing import Any

from apps.clients import services as client_services
from apps.clients.models import Client
from apps.documentation import services
from apps.documentation.models import FormTemplate
from conftest import person

NOTE = {
    "sections": [
        {
            "key": "visit",
            "title": {"en": "The visit", "es": "La visita"},
            "fields": [
                {"key": "summary", "type": "textarea", "label": "What happened", "required": True},
                {"key": "hours", "type": "number", "label": "Hours", "min": 0, "max": 24, "step": 0.25},
                {"key": "concern", "type": "yesno", "label": "Any concern?"},
                {
                    "key": "concern_details",
                    "type": "text",
                    "label": "Details",
                    "required": True,
                    "show_if": {"field": "concern", "equals": "yes"},
                },
            ],
        }
    ]
}


def make_client(organization, **fields) -> Client:
    values: dict[str, Any] = {"first_name": "Maria", "last_name": "Lopez", "date_of_birth": dt.date(1990, 5, 17)}
    values |= fields
    with organization:
        return client_services.client_save(
            actor=person(organization, "admin"), organization=organization, ssn=None, **values
        )


def on_team(organization, client: Client, *locals_: str) -> None:
    with organization:
        for local in locals_:
            client_services.care_team_add(client=client, user=person(organization, local))


def make_template(organization, structure=None, **flags) -> FormTemplate:
    with organization:
        return services.template_create(
            actor=person(organization, "manager"),
            template_name=flags.pop("template_name", "Shift note"),
            form_structure=structure or NOTE,
            form_type=flags.pop("form_type", FormTemplate.Type.PROGRESS_NOTE),
            **flags,
        )


def start(organization, template, author="dsp", client=None, answers=None):
    with organization:
        return services.submission_start(
            template=template, author=person(organization, author), client=client, answers=answers
        )
