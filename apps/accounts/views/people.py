"""The people pages, for those who manage them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import forms, selectors, services
from apps.accounts.http import SignedInRequest
from apps.accounts.models import User
from apps.accounts.permissions import can, permission_required
from apps.core import access
from apps.core.fragments import cached_page
from apps.core.pages import form_page


def _person(request: SignedInRequest, pk: UUID) -> User:
    """A user of this organization that the viewer may manage, or 404."""
    if not can(request.user, "accounts.view_user"):
        raise Http404
    return get_object_or_404(User.objects.select_related("role"), pk=pk)


@login_required
@permission_required("accounts.view_user")
def people(request: SignedInRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    can_invite = can(request.user, "accounts.invite_user")

    def context() -> dict[str, Any]:
        users = selectors.user_list(search=search, status=status if status in User.Status.values else "")
        return {
            "page": Paginator(users, 25).get_page(request.GET.get("page")),
            "search": search,
            "status": status,
            "statuses": User.Status.choices,
            "can_invite": can_invite,
        }

    # Everyone allowed here sees the same people: the page is kept until a person or a role
    # changes (a sign-in writes last_login, so the "Last sign-in" column stays true).
    response, _label = cached_page(
        request, "accounts/people.html", key=(can_invite,), tables=selectors.PEOPLE_TABLES, context=context
    )
    return response


@login_required
@permission_required("accounts.invite_user")
def invite(request: SignedInRequest) -> HttpResponse:
    return form_page(
        request,
        forms.InviteForm(request.POST or None, roles=services.assignable_roles(request.user)),
        save=lambda data: services.user_invite(
            request=request,
            actor=request.user,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
        ),
        template="accounts/invite.html",
        saved_message=lambda user: _("Invitation sent to %(email)s.") % {"email": user.email},
        redirect_to="accounts:people",
    )


@login_required
def person(request: SignedInRequest, pk: UUID) -> HttpResponse:
    subject = _person(request, pk)
    # A staff record holds personal details: who opened it is in its access report.
    access.record(obj=subject, request=request)
    may_manage = services.may_manage_user(request.user, subject)
    may_change = can(request.user, "accounts.change_user") and may_manage
    form = forms.UserAdminForm(
        request.POST or None,
        initial={"role": subject.role, "status": subject.status},
        roles=services.assignable_roles(request.user),
    )
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    return form_page(
        request,
        form,
        save=lambda data: services.user_change_access(
            user=subject, role=data["role"], status=data["status"], actor=request.user, request=request
        ),
        template="accounts/person.html",
        context={
            "subject": subject,
            "may_change": may_change,
            "user_sessions": selectors.active_sessions_for(subject)
            if can(request.user, "accounts.manage_sessions")
            else None,
            "events": subject.auth_events.all()[:20],
            "may_reset_2fa": can(request.user, "accounts.reset_two_factor")
            and subject.two_factor_enabled
            and may_manage,
            "may_manage_sessions": can(request.user, "accounts.manage_sessions") and may_manage,
            "locked_out": may_change and selectors.is_locked_out(subject),
        },
        saved_message=_("Saved."),
    )


@login_required
@permission_required("accounts.manage_sessions")
@require_POST
def person_sessions_revoke(request: SignedInRequest, pk: UUID) -> HttpResponse:
    subject = _person(request, pk)
    count = services.sessions_revoke_all(user=subject, actor=request.user, reason="revoked_by_admin", request=request)
    messages.success(request, _("%(count)d sessions signed out.") % {"count": count})
    return redirect("accounts:person", pk=subject.pk)


@login_required
@permission_required("accounts.reset_two_factor")
@require_POST
def person_two_factor_reset(request: SignedInRequest, pk: UUID) -> HttpResponse:
    subject = _person(request, pk)
    services.two_factor_remove(user=subject, actor=request.user, request=request)
    messages.success(request, _("Two-factor sign-in was reset; they will set it up again."))
    return redirect("accounts:person", pk=subject.pk)


@login_required
@permission_required("accounts.invite_user")
@require_POST
def person_invitation_resend(request: SignedInRequest, pk: UUID) -> HttpResponse:
    subject = _person(request, pk)
    if subject.status != User.Status.PENDING:
        raise Http404
    services.invitation_send(
        user=subject,
        organization=request.organization,
        base=services.base_url(request=request),
        inviter=request.user,
    )
    messages.success(request, _("Invitation sent again."))
    return redirect("accounts:person", pk=subject.pk)


@login_required
@permission_required("accounts.change_user")
@require_POST
def person_unlock(request: SignedInRequest, pk: UUID) -> HttpResponse:
    subject = _person(request, pk)
    services.user_unlock(user=subject, actor=request.user, request=request)
    messages.success(request, _("Sign-in unlocked."))
    return redirect("accounts:person", pk=subject.pk)
