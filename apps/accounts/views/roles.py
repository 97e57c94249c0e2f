"""The roles pages: the list, and each role's permissions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import forms, selectors, services
from apps.accounts.http import SignedInRequest
from apps.accounts.models import Role
from apps.accounts.permissions import can, permission_required
from apps.core.pages import action, form_page


@login_required
@permission_required("accounts.view_role")
def role_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "accounts/roles.html",
        {
            "roles": selectors.role_list(),
            "may_manage": can(request.user, "accounts.manage_roles"),
        },
    )


def _role_form_page(request: SignedInRequest, role: Role | None) -> HttpResponse:
    matrix = selectors.permission_matrix()
    if role is not None:
        chosen = {str(pk) for pk in role.group.permissions.values_list("pk", flat=True)}
        initial = {"name": role.name, "description": role.description, "permissions": sorted(chosen)}
    else:
        initial = {}
    form = forms.RoleForm(request.POST or None, initial=initial)
    read_only = (role is not None and role.is_system_role) or not can(request.user, "accounts.manage_roles")
    if read_only:
        for field in form.fields.values():
            field.disabled = True
        if request.method == "POST":
            raise PermissionDenied

    def save(data: dict[str, Any]) -> Role:
        if role is None:
            return services.role_create(
                name=data["name"],
                description=data["description"],
                permission_ids=data["permissions"],
                actor=request.user,
                request=request,
            )
        return services.role_update(
            role=role,
            name=data["name"],
            description=data["description"],
            permission_ids=data["permissions"],
            actor=request.user,
            request=request,
        )

    selected = set(form["permissions"].value() or [])
    return form_page(
        request,
        form,
        save=save,
        template="accounts/role_form.html",
        context={
            "role": role,
            "matrix": matrix,
            "selected": {str(s) for s in selected},
            "read_only": read_only,
            "actions": selectors.STANDARD_ACTIONS,
        },
        saved_message=_("Role saved."),
        redirect_to="accounts:roles",
    )


@login_required
@permission_required("accounts.manage_roles")
def role_create(request: SignedInRequest) -> HttpResponse:
    return _role_form_page(request, None)


@login_required
@permission_required("accounts.view_role")
def role_edit(request: SignedInRequest, pk: UUID) -> HttpResponse:
    return _role_form_page(request, get_object_or_404(Role.objects.select_related("group"), pk=pk))


@login_required
@permission_required("accounts.manage_roles")
@require_POST
def role_delete(request: SignedInRequest, pk: UUID) -> HttpResponse:
    role = get_object_or_404(Role, pk=pk)
    return action(
        request,
        lambda: services.role_delete(role=role, actor=request.user, request=request),
        done=_("Role deleted."),
        redirect_to="accounts:roles",
        refused_redirect_to=role,
    )
