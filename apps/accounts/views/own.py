"""A person's own pages: profile, password change and reset, accepting an invitation, verifying
an email address, their sessions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import forms, selectors, services
from apps.accounts.http import AnyHostRequest, SignedInRequest
from apps.accounts.models import AuthEvent, User, UserSession
from apps.accounts.tokens import email_verification_tokens, invitation_tokens
from apps.accounts.views.sign_in import sign_out
from apps.core.pages import form_page
from apps.core.throttle import throttled

# The pages opened by a token in the address count every request: the token is what a
# guesser varies.
link_throttled = throttled("link", methods=("GET", "POST"))


def _user_from_uid(uidb64: str) -> User | None:
    try:
        return User.objects.filter(pk=force_str(urlsafe_base64_decode(uidb64))).first()
    except (TypeError, ValueError, OverflowError, ValidationError):
        return None


@method_decorator(throttled("password_reset"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.StarlinePasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/emails/password_reset_body.txt"
    html_email_template_name = "accounts/emails/password_reset_body.html"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    request: AnyHostRequest

    def get_extra_email_context(self) -> dict[str, object]:
        organization = self.request.organization
        return {
            "organization": organization,
            "site_name": organization.name if organization else "Starline",
            # The layout's logo is an absolute URL on this host (mail readers fetch it later).
            "base_url": services.base_url(request=self.request),
        }

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        self.extra_email_context = self.get_extra_email_context()
        services.auth_event_record(
            kind=AuthEvent.Kind.PASSWORD_RESET_REQUESTED, request=self.request, email=form.cleaned_data["email"]
        )
        return super().form_valid(form)

    def form_invalid(self, form: PasswordResetForm) -> HttpResponse:
        # 400 as on every form page (apps.core.pages.form_page); Django's view answers 200.
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator(link_throttled, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        assert isinstance(user, User)  # the AUTH_USER_MODEL
        services.password_changed(request=self.request, user=user, how="reset")
        return response

    def form_invalid(self, form: SetPasswordForm) -> HttpResponse:
        # 400 as on every form page (apps.core.pages.form_page); Django's view answers 200.
        return self.render_to_response(self.get_context_data(form=form), status=400)


@link_throttled
def invitation_accept(request: AnyHostRequest, uidb64: str, token: str) -> HttpResponse:
    user = _user_from_uid(uidb64)
    if user is None or user.status != User.Status.PENDING or not invitation_tokens.check_token(user, token):
        return render(request, "accounts/link_invalid.html", {"what": _("invitation")}, status=400)
    invitee = user

    def save(data: dict[str, Any]) -> User:
        services.invitation_accept(request=request, user=invitee, password=data["new_password1"])
        services.sign_in(request=request, user=invitee)
        return invitee

    return form_page(
        request,
        SetPasswordForm(user, request.POST or None),
        save=save,
        template="accounts/invitation_accept.html",
        context={"invitee": user},
        saved_message=_("Welcome! Your account is ready."),
        redirect_to="home",
    )


@link_throttled
def email_verify(request: AnyHostRequest, uidb64: str, token: str) -> HttpResponse:
    user = _user_from_uid(uidb64)
    if user is None or not email_verification_tokens.check_token(user, token):
        return render(request, "accounts/link_invalid.html", {"what": _("verification link")}, status=400)
    services.email_verify(request=request, user=user)
    return render(request, "accounts/email_verified.html", {"verified_user": user})


@login_required
@require_POST
def email_verification_resend(request: SignedInRequest) -> HttpResponse:
    if not request.user.email_verified:
        services.email_verification_send(request=request, user=request.user)
        messages.success(request, _("We sent a new verification link to %(email)s.") % {"email": request.user.email})
    return redirect("accounts:profile")


@login_required
def profile(request: SignedInRequest) -> HttpResponse:
    # The form validates a copy: a ModelForm writes into its instance while validating, and
    # the service must see what changed (a new email address needs verifying).
    form = forms.ProfileForm(request.POST or None, request.FILES or None, instance=User.objects.get(pk=request.user.pk))

    def save(data: dict[str, Any]) -> User:
        # The form's fields are the service's parameters, by name.
        return services.user_update_profile(request=request, user=request.user, **data)

    return form_page(
        request,
        form,
        save=save,
        template="accounts/profile.html",
        saved_message=_("Your profile is saved."),
        redirect_to="accounts:profile",
    )


@login_required
def password_change(request: SignedInRequest) -> HttpResponse:
    # A fresh row: the signed-in user may come from the cache, which holds no password hash.
    user = User.objects.get(pk=request.user.pk)
    return form_page(
        request,
        PasswordChangeForm(user, request.POST or None),
        save=lambda data: services.password_change(request=request, user=user, password=data["new_password1"]),
        template="accounts/password_change.html",
        saved_message=_("Your password is changed. Your other sessions were signed out."),
        redirect_to="accounts:profile",
    )


@login_required
def sessions(request: SignedInRequest) -> HttpResponse:
    current = request.session.session_key
    rows = selectors.active_sessions_for(request.user).order_by("-last_seen_at")
    return render(request, "accounts/sessions.html", {"user_sessions": rows, "current_key": current})


@login_required
@require_POST
def session_revoke(request: SignedInRequest, pk: UUID) -> HttpResponse:
    record = get_object_or_404(UserSession, pk=pk, user=request.user, revoked_at__isnull=True)
    if record.session_key == request.session.session_key:
        return sign_out(request)
    services.session_revoke(user_session=record, actor=request.user, reason="revoked_by_user", request=request)
    messages.success(request, _("That session is signed out."))
    return redirect("accounts:sessions")


@login_required
@require_POST
def sessions_revoke_others(request: SignedInRequest) -> HttpResponse:
    count = services.sessions_revoke_all(
        user=request.user,
        actor=request.user,
        reason="revoked_by_user",
        except_key=request.session.session_key,
        request=request,
    )
    messages.success(request, _("%(count)d other sessions signed out.") % {"count": count})
    return redirect("accounts:sessions")
