"""Two-factor sign-in: the code page, setting up an authenticator, backup codes, turning it off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from apps.accounts import forms, otp, selectors, services
from apps.accounts.http import SignedInRequest
from apps.accounts.models import AuthEvent, BackupCodeDevice, TOTPDevice
from apps.accounts.views.sign_in import safe_next


@never_cache
@login_required
def two_factor_verify(request: SignedInRequest) -> HttpResponse:
    # Not a form_page: a right code signs the second factor in (no service's save), and a
    # wrong one says whether the device is throttled.
    if request.user.is_verified():
        return redirect(safe_next(request))
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
        throttled = False
        for device_class, kind in candidates:
            # Locked while checking, so one code cannot pass two parallel requests.
            with transaction.atomic():
                device = device_class.objects.select_for_update().filter(user=request.user, confirmed=True).first()
                # Asked before the code is checked: a wrong code starts the delay itself, so
                # asking after it would call the very first wrong code one too many.
                throttled = device is not None and not device.verify_is_allowed()[0]
                verified = device is not None and not throttled and device.verify_token(token)
            if verified:
                otp_login(request, device)
                services.auth_event_record(kind=kind, request=request, user=request.user)
                if device_class is BackupCodeDevice:
                    left = device.codes.filter(used_at__isnull=True).count()
                    messages.warning(request, _("Backup code used; %(left)d left.") % {"left": left})
                return redirect(safe_next(request))
        services.auth_event_record(kind=AuthEvent.Kind.TWO_FACTOR_FAILED, request=request, user=request.user)
        form.add_error(
            "token",
            _("Too many wrong codes in a row: wait a few seconds, then enter the current code.")
            if throttled
            else _("That code is not right, or it was already used. Try the next one."),
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": safe_next(request, "")},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
def two_factor_setup(request: SignedInRequest) -> HttpResponse:
    """Show the enrolment in progress; a new secret is made only on an explicit POST.

    A GET that made one would let any page (a link, a cross-site image) replace the code a
    person is scanning, and write audit entries in their name.

    Not a form_page: a confirmed code answers with the new backup codes (shown once), not a
    redirect.
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
    organization = request.organization
    context: dict[str, object] = {
        "form": form,
        "required": selectors.security_policy(organization).requires_two_factor(user),
    }
    if device is not None:
        url = device.config_url(issuer=organization.name if organization else "Starline", account=user.email)
        context.update(qr=otp.qr_svg(url), secret=device.base32_secret)
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@login_required
def two_factor_manage(request: SignedInRequest) -> HttpResponse:
    user = request.user
    policy = selectors.security_policy(request.organization)
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
def two_factor_backup_codes(request: SignedInRequest) -> HttpResponse:
    if not request.user.two_factor_enabled:
        raise Http404
    codes = services.backup_codes_regenerate(user=request.user)
    return render(request, "accounts/two_factor_backup_codes.html", {"codes": codes, "new": False})


@login_required
@require_POST
def two_factor_disable(request: SignedInRequest) -> HttpResponse:
    policy = selectors.security_policy(request.organization)
    if policy.requires_two_factor(request.user):
        messages.error(request, _("Your organization requires two-factor sign-in for you."))
        return redirect("accounts:two_factor_manage")
    services.two_factor_remove(user=request.user, actor=request.user, request=request)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:two_factor_manage")
