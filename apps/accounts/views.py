"""Sign-in, two-factor, password, invitation, profile, sessions, people, roles, policy."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from apps.accounts import forms, otp, selectors, services
from apps.accounts.models import AuthEvent, BackupCodeDevice, Role, TOTPDevice, User, UserSession
from apps.accounts.permissions import can, permission_required
from apps.accounts.tokens import email_verification_tokens, invitation_tokens
from apps.core import access
from apps.core.fragments import cached_page


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _user_from_uid(uidb64: str) -> User | None:
    try:
        return User.objects.filter(pk=force_str(urlsafe_base64_decode(uidb64))).first()
    except (TypeError, ValueError, OverflowError, ValidationError):
        return None


# --- sign-in ---------------------------------------------------------------------------


_STATUS_MESSAGES = {
    User.Status.PENDING: gettext_lazy(
        "Your account is not active yet: use the link in your invitation email to set a password."
    ),
    User.Status.SUSPENDED: gettext_lazy("Your account is suspended. Contact your administrator."),
    User.Status.INACTIVE: gettext_lazy("Your account is no longer active. Contact your administrator."),
}


@never_cache
def sign_in(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        user = authenticate(request, username=email, password=password)
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if user is not None:
            services.sign_in(request=request, user=user)
            return redirect(_safe_next(request))
        known = User.objects.filter(email=email).first()
        # The targeted account (when there is one) sees the failure in its history.
        services.auth_event_record(kind=AuthEvent.Kind.SIGN_IN_FAILED, request=request, email=email, user=known)
        if known is not None and known.status in _STATUS_MESSAGES and known.check_password(password):
            # The right password for an account that may not sign in: say why.
            form.add_error(None, _STATUS_MESSAGES[known.status])
        else:
            form.add_error(None, _("That email address and password do not match an account here."))
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request, "")}, status=status)


def axes_username(request, credentials=None) -> str:
    """The account a sign-in attempt is for, as django-axes counts it: the lowercased email."""
    value = (credentials or {}).get("username") or request.POST.get("email", "")
    return str(value).strip().lower()[:255]


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' lockout response: a clear message, status 429."""
    email = (credentials or {}).get("username") or request.POST.get("email", "")
    services.auth_event_record(kind=AuthEvent.Kind.LOCKED_OUT, request=request, email=str(email)[:255])
    return render(
        request, "accounts/locked_out.html", {"cooloff_minutes": int(settings.AXES_COOLOFF_TIME * 60)}, status=429
    )


@require_POST
def sign_out(request):
    services.sign_out(request=request)
    messages.success(request, _("You have signed out."))
    return redirect("accounts:sign_in")


@require_POST
def keepalive(request):
    """The 'Stay signed in' button: activity, without leaving the page (401 once the
    session has ended, so the page knows to go to sign-in)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    services.session_touch(request=request)
    return HttpResponse(status=204)


# --- two-factor --------------------------------------------------------------------------


@never_cache
@login_required
def two_factor_verify(request):
    if request.user.is_verified():
        return redirect(_safe_next(request))
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        # Digits go to the authenticator, anything else to the backup codes, so a backup
        # code never counts as a wrong authenticator code (which would throttle it).
        candidates = (
            ((TOTPDevice, AuthEvent.Kind.TWO_FACTOR_VERIFIED),)
            if token.isdigit()
            else ((BackupCodeDevice, AuthEvent.Kind.BACKUP_CODE_USED),)
        )
        for device_class, kind in candidates:
            # Locked while checking, so one code cannot pass two parallel requests.
            with transaction.atomic():
                device = device_class.objects.select_for_update().filter(user=request.user, confirmed=True).first()
                verified = device is not None and device.verify_token(token)
            if verified:
                otp_login(request, device)
                services.auth_event_record(kind=kind, request=request, user=request.user)
                if device_class is BackupCodeDevice:
                    left = device.codes.filter(used_at__isnull=True).count()
                    messages.warning(request, _("Backup code used; %(left)d left.") % {"left": left})
                return redirect(_safe_next(request))
        services.auth_event_record(kind=AuthEvent.Kind.TWO_FACTOR_FAILED, request=request, user=request.user)
        throttled = device is not None and not device.verify_is_allowed()[0]
        form.add_error(
            "token",
            _("Too many wrong codes in a row: wait a few seconds, then enter the current code.")
            if throttled
            else _("That code is not right, or it was already used. Try the next one."),
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _safe_next(request, "")},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
def two_factor_setup(request):
    """Show the enrolment in progress; a new secret is made only on an explicit POST.

    A GET that made one would let any page (a link, a cross-site image) replace the code a
    person is scanning, and write audit entries in their name.
    """
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "start":
        services.totp_enrolment_start(user=user)
        return redirect("accounts:two_factor_setup")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    form = forms.EnrolForm()
    status = 200
    if request.method == "POST":
        form = forms.EnrolForm(request.POST)
        if device is None:
            messages.error(request, _("The setup expired; start again for a new code."))
            return redirect("accounts:two_factor_setup")
        if form.is_valid():
            codes = services.totp_enrolment_confirm(request=request, device=device, token=form.cleaned_data["token"])
            if codes is not None:
                device.refresh_from_db()
                otp_login(request, device)
                return render(request, "accounts/two_factor_backup_codes.html", {"codes": codes, "new": True})
            form.add_error("token", _("That code is not right. Check the time on your phone and try again."))
        status = 400
    organization = getattr(request, "organization", None)
    context = {"form": form, "required": selectors.security_policy(organization).requires_two_factor(user)}
    if device is not None:
        url = device.config_url(issuer=organization.name if organization else "Starline", account=user.email)
        context.update(qr=otp.qr_svg(url), secret=device.base32_secret)
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@login_required
def two_factor_manage(request):
    user = request.user
    policy = selectors.security_policy(getattr(request, "organization", None))
    backup = BackupCodeDevice.objects.filter(user=user).first()
    context = {
        "enabled": user.two_factor_enabled,
        "required": policy.requires_two_factor(user),
        "codes_left": backup.codes.filter(used_at__isnull=True).count() if backup else 0,
    }
    return render(request, "accounts/two_factor_manage.html", context)


@never_cache
@login_required
@require_POST
def two_factor_backup_codes(request):
    if not request.user.two_factor_enabled:
        raise Http404
    codes = services.backup_codes_regenerate(user=request.user)
    return render(request, "accounts/two_factor_backup_codes.html", {"codes": codes, "new": False})


@login_required
@require_POST
def two_factor_disable(request):
    policy = selectors.security_policy(getattr(request, "organization", None))
    if policy.requires_two_factor(request.user):
        messages.error(request, _("Your organization requires two-factor sign-in for you."))
        return redirect("accounts:two_factor_manage")
    services.two_factor_remove(user=request.user, actor=request.user, request=request)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:two_factor_manage")


# --- password reset, invitation, email verification -----------------------------------------


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


# --- profile, password, sessions ---------------------------------------------------------


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


# --- people (admins) ---------------------------------------------------------------------


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


# --- roles ------------------------------------------------------------------------------


@login_required
@permission_required("accounts.view_role")
def role_list(request):
    return render(
        request,
        "accounts/roles.html",
        {
            "roles": selectors.role_list(),
            "may_manage": can(request.user, "accounts.manage_roles"),
        },
    )


def _role_form_page(request, role: Role | None):
    matrix = selectors.permission_matrix()
    if role is not None:
        chosen = {str(pk) for pk in role.group.permissions.values_list("pk", flat=True)}
        initial = {"name": role.name, "description": role.description, "permissions": sorted(chosen)}
    else:
        initial = {}
    form = forms.RoleForm(request.POST or None, initial=initial)
    read_only = role is not None and role.is_system_role
    if read_only or not can(request.user, "accounts.manage_roles"):
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if read_only or not can(request.user, "accounts.manage_roles"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                if role is None:
                    role = services.role_create(
                        name=data["name"],
                        description=data["description"],
                        permission_ids=data["permissions"],
                        actor=request.user,
                        request=request,
                    )
                else:
                    services.role_update(
                        role=role,
                        name=data["name"],
                        description=data["description"],
                        permission_ids=data["permissions"],
                        actor=request.user,
                        request=request,
                    )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Role saved."))
                return redirect("accounts:roles")
    selected = set(form["permissions"].value() or [])
    return render(
        request,
        "accounts/role_form.html",
        {
            "form": form,
            "role": role,
            "matrix": matrix,
            "selected": {str(s) for s in selected},
            "read_only": read_only or not can(request.user, "accounts.manage_roles"),
            "actions": selectors.STANDARD_ACTIONS,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required("accounts.manage_roles")
def role_create(request):
    return _role_form_page(request, None)


@login_required
@permission_required("accounts.view_role")
def role_edit(request, pk):
    return _role_form_page(request, get_object_or_404(Role.objects.select_related("group"), pk=pk))


@login_required
@permission_required("accounts.manage_roles")
@require_POST
def role_delete(request, pk):
    role = get_object_or_404(Role, pk=pk)
    try:
        services.role_delete(role=role, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:role_edit", pk=role.pk)
    messages.success(request, _("Role deleted."))
    return redirect("accounts:roles")


# --- the organization's sign-in policy ---------------------------------------------------------


@login_required
@permission_required("accounts.manage_security")
def security_settings(request):
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    policy = selectors.security_policy(organization)
    form = forms.SecurityPolicyForm(
        request.POST or None,
        initial={
            "idle_minutes": policy.idle_minutes,
            "absolute_hours": policy.absolute_hours,
            "two_factor": policy.two_factor,
            "two_factor_roles": list(policy.two_factor_roles),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.security_policy_update(
                organization=organization, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Sign-in policy saved."))
            return redirect("accounts:security")
    return render(request, "accounts/security.html", {"form": form}, status=400 if request.method == "POST" else 200)


def admin_login_redirect(request):
    """The Django admin signs in through our sign-in (lockout, 2FA, session records).

    Someone already signed in who lands here lacks admin access: tell them so, rather
    than sending them to sign in again (and back here, for ever)."""
    if request.user.is_authenticated:
        raise PermissionDenied
    target = reverse("accounts:sign_in")
    return redirect(f"{target}?next={_safe_next(request, reverse('admin:index'))}")
