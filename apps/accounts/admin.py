"""Accounts in the Django admin, for org admins. Access follows role permissions; writes go
through services, so groups, sessions and events stay consistent."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.accounts import selectors, services
from apps.accounts.http import SignedInRequest
from apps.accounts.models import AuthEvent, Role, User, UserSession
from apps.accounts.permissions import can


class UserAdminForm(forms.ModelForm):
    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Someone else already uses this email address."))
        return email

    class Meta:
        model = User
        # No is_superuser, groups or per-user permissions here: access comes from the role,
        # and an admin cannot grant more than roles allow.
        fields = ["email", "first_name", "last_name", "username", "phone", "employee_id", "hire_date", "role", "status"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    list_display = ["email", "first_name", "last_name", "role", "status", "two_factor_enabled", "last_login"]
    list_filter = ["status", "role", "two_factor_enabled", "email_verified"]
    search_fields = ["email", "first_name", "last_name", "employee_id"]
    list_select_related = ["role"]
    readonly_fields = ["email_verified", "two_factor_enabled", "last_login", "created_at", "updated_at"]
    actions = ["revoke_sessions", "reset_two_factor", "unlock", "resend_invitation"]
    ordering = ["last_name", "first_name"]

    def has_add_permission(self, request):
        # People join by invitation (Accounts → People → Invite), which sends the email.
        return False

    def has_delete_permission(self, request, obj=None):
        # Set the status to inactive instead: records keep their author.
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def has_change_permission(self, request, obj=None):
        # Nobody edits themselves here, nor anyone whose role holds more than theirs.
        return super().has_change_permission(request, obj) and (
            obj is None or services.may_manage_user(request.user, obj)
        )

    def has_reset_two_factor_permission(self, request):
        return can(request.user, "accounts.reset_two_factor")

    def has_manage_sessions_permission(self, request):
        return can(request.user, "accounts.manage_sessions")

    def has_invite_permission(self, request):
        return can(request.user, "accounts.invite_user")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["queryset"] = Role.objects.filter(
                pk__in=[r.pk for r in services.assignable_roles(request.user)]
            ).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _each(self, request, queryset, action) -> int:
        done = 0
        for user in queryset:
            try:
                action(user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{user}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR)
        return done

    def save_model(self, request, obj, form, change):
        # The form already wrote into obj; the services compare with what is stored.
        stored = User.objects.get(pk=obj.pk)
        other = [f for f in form.changed_data if f not in ("role", "status")]
        if "email" in other:
            obj.email_verified = False  # a new address has to be proven again
            other.append("email_verified")
        if other:
            obj.save(update_fields=[*other, "updated_at"])
        if "role" in form.changed_data:
            services.user_set_role(user=stored, role=form.cleaned_data["role"], actor=request.user, request=request)
        if "status" in form.changed_data:
            services.user_set_status(
                user=stored, status=form.cleaned_data["status"], actor=request.user, request=request
            )

    @admin.action(description=_("Sign out all their sessions"), permissions=["manage_sessions"])
    def revoke_sessions(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda u: services.sessions_revoke_all(
                user=u, actor=request.user, reason="revoked_by_admin", request=request
            ),
        )
        self.message_user(request, _("Signed out."), messages.SUCCESS)

    @admin.action(description=_("Reset two-factor sign-in"), permissions=["reset_two_factor"])
    def reset_two_factor(self, request, queryset):
        self._each(request, queryset, lambda u: services.two_factor_remove(user=u, actor=request.user, request=request))
        self.message_user(request, _("Two-factor sign-in reset."), messages.SUCCESS)

    @admin.action(description=_("Unlock sign-in after failed attempts"), permissions=["change"])
    def unlock(self, request, queryset):
        self._each(request, queryset, lambda u: services.user_unlock(user=u, actor=request.user, request=request))
        self.message_user(request, _("Unlocked."), messages.SUCCESS)

    @admin.action(description=_("Send the invitation again"), permissions=["invite"])
    def resend_invitation(self, request: SignedInRequest, queryset: QuerySet[User]) -> None:
        base = services.base_url(request=request)
        for user in queryset.filter(status=User.Status.PENDING):
            services.invitation_send(user=user, organization=request.organization, base=base, inviter=request.user)
        self.message_user(request, _("Invitations sent."), messages.SUCCESS)


class RoleAdminForm(forms.ModelForm):
    permissions: forms.ModelMultipleChoiceField[Permission] = forms.ModelMultipleChoiceField(
        label=_("Permissions"),
        queryset=None,
        required=False,
        widget=FilteredSelectMultiple(_("permissions"), is_stacked=False),
    )

    class Meta:
        model = Role
        fields = ["name", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].queryset = selectors.matrix_permissions()
        if not self.instance._state.adding:
            self.fields["permissions"].initial = list(self.instance.group.permissions.values_list("pk", flat=True))

    def validate_unique(self):
        pass  # the service explains a taken name in its own words


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Custom roles are edited here or on the matrix page, both through the same services;
    system roles are read-only everywhere."""

    form = RoleAdminForm
    list_display = ["name", "is_system_role", "description", "permissions_link"]
    list_filter = ["is_system_role"]
    search_fields = ["name", "description"]

    @admin.display(description=_("Permission matrix"))
    def permissions_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("accounts:role_edit", args=[obj.pk]), _("Open"))

    def _may_manage(self, request) -> bool:
        return can(request.user, "accounts.manage_roles")

    def has_add_permission(self, request):
        return self._may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request) and (obj is None or not obj.is_system_role)

    def has_delete_permission(self, request, obj=None):
        return False  # deleting goes through the matrix page, which refuses roles in use

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        ids = [p.pk for p in data["permissions"]]
        try:
            if change:
                services.role_update(
                    role=Role.objects.get(pk=obj.pk),
                    name=data["name"],
                    description=data["description"],
                    permission_ids=ids,
                    actor=request.user,
                    request=request,
                )
            else:
                created = services.role_create(
                    name=data["name"],
                    description=data["description"],
                    permission_ids=ids,
                    actor=request.user,
                    request=request,
                )
                obj.pk = created.pk
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        pass  # the services set the group's permissions


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "ip_address", "created_at", "last_seen_at", "expires_at", "revoked_at", "revoked_reason"]
    list_filter = ["revoked_reason"]
    search_fields = ["user__email", "ip_address"]
    list_select_related = ["user"]
    exclude = ["session_key"]
    readonly_fields = [
        "user",
        "ip_address",
        "user_agent",
        "created_at",
        "last_seen_at",
        "expires_at",
        "revoked_at",
        "revoked_reason",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Sign out the selected sessions"), permissions=["change"])
    def revoke(self, request, queryset):
        for record in queryset.filter(revoked_at__isnull=True):
            services.session_revoke(user_session=record, actor=request.user, reason="revoked_by_admin", request=request)
        self.message_user(request, _("Signed out."), messages.SUCCESS)


@admin.register(AuthEvent)
class AuthEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "email", "actor", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["email", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
