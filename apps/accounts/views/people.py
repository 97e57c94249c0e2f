"""The people pages, for those who manage them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import forms, selectors, services
from apps.accounts.models import User
from apps.accounts.permissions import can, permission_required
from apps.core import access
from apps.core.fragments import cached_page


def _person(request, pk) -> User:
    """A user of this organization that the viewer may manage, or 404."""
    if not can(request.user, "accounts.view_user"):
        raise Http404
    return get_object_or_404(User.objects.select_related("role"), pk=pk)


@login_required
@permission_required("accounts.view_user")
def people(request):
    search = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    can_invite = can(request.user, "accounts.invite_user")

    def context() -> dict:
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
def invite(request):
    form = forms.InviteForm(request.POST or None, roles=services.assignable_roles(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(request=request, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("accounts:people")
    return render(request, "accounts/invite.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
def person(request, pk):
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
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                with transaction.atomic():
                    if form.cleaned_data["role"] != subject.role:
                        services.user_set_role(
                            user=subject, role=form.cleaned_data["role"], actor=request.user, request=request
                        )
                    services.user_set_status(
                        user=subject, status=form.cleaned_data["status"], actor=request.user, request=request
                    )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Saved."))
                return redirect("accounts:person", pk=subject.pk)
    return render(
        request,
        "accounts/person.html",
        {
            "subject": subject,
            "form": form,
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
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required("accounts.manage_sessions")
@require_POST
def person_sessions_revoke(request, pk):
    subject = _person(request, pk)
    count = services.sessions_revoke_all(user=subject, actor=request.user, reason="revoked_by_admin", request=request)
    messages.success(request, _("%(count)d sessions signed out.") % {"count": count})
    return redirect("accounts:person", pk=subject.pk)


@login_required
@permission_required("accounts.reset_two_factor")
@require_POST
def person_two_factor_reset(request, pk):
    subject = _person(request, pk)
    services.two_factor_remove(user=subject, actor=request.user, request=request)
    messages.success(request, _("Two-factor sign-in was reset; they will set it up again."))
    return redirect("accounts:person", pk=subject.pk)


@login_required
@permission_required("accounts.invite_user")
@require_POST
def person_invitation_resend(request, pk):
    subject = _person(request, pk)
    if subject.status != User.Status.PENDING:
        raise Http404
    services.invitation_send(
        user=subject,
        organization=getattr(request, "organization", None),
        base=services.base_url(request=request),
        inviter=request.user,
    )
    messages.success(request, _("Invitation sent again."))
    return redirect("accounts:person", pk=subject.pk)


@login_required
@permission_required("accounts.change_user")
@require_POST
def person_unlock(request, pk):
    subject = _person(request, pk)
    services.user_unlock(user=subject, actor=request.user, request=request)
    messages.success(request, _("Sign-in unlocked."))
    return redirect("accounts:person", pk=subject.pk)
