"""A person's own pages: profile, password change and reset, accepting an invitation, verifying
an email address, their sessions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import forms, selectors, services
from apps.accounts.models import AuthEvent, User, UserSession
from apps.accounts.tokens import email_verification_tokens, invitation_tokens
from apps.accounts.views.sign_in import sign_out


def _user_from_uid(uidb64: str) -> User | None:
    try:
        return User.objects.filter(pk=force_str(urlsafe_base64_decode(uidb64))).first()
    except (TypeError, ValueError, OverflowError, ValidationError):
        return None


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.StarlinePasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/emails/password_reset_body.txt"
    html_email_template_name = "accounts/emails/password_reset_body.html"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_extra_email_context(self):
        organization = getattr(self.request, "organization", None)
        return {"organization": organization, "site_name": organization.name if organization else "Starline"}

    def form_valid(self, form):
        self.extra_email_context = self.get_extra_email_context()
        services.auth_event_record(
            kind=AuthEvent.Kind.PASSWORD_RESET_REQUESTED, request=self.request, email=form.cleaned_data["email"]
        )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(request=self.request, user=form.user, how="reset")
        return response


def invitation_accept(request, uidb64, token):
    user = _user_from_uid(uidb64)
    if user is None or user.status != User.Status.PENDING or not invitation_tokens.check_token(user, token):
        return render(request, "accounts/link_invalid.html", {"what": _("invitation")}, status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(request=request, user=user, password=form.cleaned_data["new_password1"])
        services.sign_in(request=request, user=user)
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitee": user},
        status=400 if request.method == "POST" else 200,
    )


def email_verify(request, uidb64, token):
    user = _user_from_uid(uidb64)
    if user is None or not email_verification_tokens.check_token(user, token):
        return render(request, "accounts/link_invalid.html", {"what": _("verification link")}, status=400)
    services.email_verify(request=request, user=user)
    return render(request, "accounts/email_verified.html", {"verified_user": user})


@login_required
@require_POST
def email_verification_resend(request):
    if not request.user.email_verified:
        services.email_verification_send(request=request, user=request.user)
        messages.success(request, _("We sent a new verification link to %(email)s.") % {"email": request.user.email})
    return redirect("accounts:profile")


@login_required
def profile(request):
    # The form validates a copy: a ModelForm writes into its instance while validating, and
    # the service must see what changed (a new email address needs verifying).
    form = forms.ProfileForm(request.POST or None, request.FILES or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.user_update_profile(
            request=request,
            user=request.user,
            email=data["email"],
            **{k: data[k] for k in services.PROFILE_FIELDS if k in data},
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
def password_change(request):
    # A fresh row: the signed-in user may come from the cache, which holds no password hash.
    form = PasswordChangeForm(User.objects.get(pk=request.user.pk), request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        previous_key = request.session.session_key
        update_session_auth_hash(request, user)
        services.password_changed(request=request, user=user, how="changed", previous_session_key=previous_key)
        messages.success(request, _("Your password is changed. Your other sessions were signed out."))
        return redirect("accounts:profile")
    return render(
        request, "accounts/password_change.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@login_required
def sessions(request):
    current = request.session.session_key
    rows = selectors.active_sessions_for(request.user).order_by("-last_seen_at")
    return render(request, "accounts/sessions.html", {"user_sessions": rows, "current_key": current})


@login_required
@require_POST
def session_revoke(request, pk):
    record = get_object_or_404(UserSession, pk=pk, user=request.user, revoked_at__isnull=True)
    if record.session_key == request.session.session_key:
        return sign_out(request)
    services.session_revoke(user_session=record, actor=request.user, reason="revoked_by_user", request=request)
    messages.success(request, _("That session is signed out."))
    return redirect("accounts:sessions")


@login_required
@require_POST
def sessions_revoke_others(request):
    count = services.sessions_revoke_all(
        user=request.user,
        actor=request.user,
        reason="revoked_by_user",
        except_key=request.session.session_key,
        request=request,
    )
    messages.success(request, _("%(count)d other sessions signed out.") % {"count": count})
    return redirect("accounts:sessions")
