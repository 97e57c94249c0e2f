"""The clients' CSV import: every row checked by the client form, then all rows saved
through client_save in one transaction, or none (apps.core.imports runs it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.clients import services
from apps.clients.forms import ClientForm
from apps.clients.models import COLUMNS, Client, ClientLocation
from apps.core.imports import run_import
from apps.tenants.models import Organization


def clients_import(*, content: str, actor: User, organization: Organization, apply: bool) -> dict[str, Any]:
    """Check every row of a CSV (the columns in IMPORT_COLUMNS; location by name), and when
    `apply` and nothing is wrong, create them all in one transaction."""
    locations = {loc.name.strip().lower(): loc.pk for loc in ClientLocation.objects.all()}

    def prepare(row: dict[str, str]) -> list[str]:
        name = row.pop("location", "")
        row["status"] = row.get("status") or Client.Status.ACTIVE
        if not name:
            return []
        if name.lower() in locations:
            row["location"] = str(locations[name.lower()])
            return []
        return [_("No location is called “%(name)s”.") % {"name": name}]

    def save(form: forms.BaseForm) -> None:
        data = form.cleaned_data
        services.client_save(
            actor=actor, organization=organization, ssn=data["ssn"], **{column: data[column] for column in COLUMNS}
        )

    return run_import(
        content=content,
        required=["first_name", "last_name", "date_of_birth"],
        form_for=lambda row: ClientForm(data=row),
        prepare=prepare,
        unique="client_id",
        save=save,
        apply=apply,
    )
