from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from apps.accounts import selectors
from apps.accounts.models import Role, User
from apps.core.phones import clean_phone


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=255,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip().replace(" ", "")


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class StarlinePasswordResetForm(PasswordResetForm):
    """Django's reset form, for our user model (status instead of is_active) and our
    branded emails, which name the organization."""

    email = forms.EmailField(
        label=_("Email address"), max_length=255, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email):
        for user in User.objects.filter(email__iexact=email.strip(), status=User.Status.ACTIVE):
            if user.has_usable_password():
                yield user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "username", "phone", "profile_picture"]
        widgets = {"profile_picture": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Blank in the model, where accounts made outside these pages may lack them; required
        # here as on the invitation form, so a person cannot blank their own name.
        for name in ("first_name", "last_name"):
            self.fields[name].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Someone else already uses this email address."))
        return email

    def clean_username(self):
        return self.cleaned_data["username"] or None

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_profile_picture(self):
        picture = self.cleaned_data.get("profile_picture")
        if picture and hasattr(picture, "size") and picture.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Choose a picture under 5 MB."))
        return picture


class _RoleChoiceMixin:
    """Offers only the roles the person filling the form may give (see services)."""

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roles is not None:
            self.fields["role"].queryset = Role.objects.filter(pk__in=[r.pk for r in roles]).order_by("name")


class InviteForm(_RoleChoiceMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=255)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.order_by("name"))


class UserAdminForm(_RoleChoiceMixin, forms.Form):
    """What an admin changes about someone on the people page."""

    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.order_by("name"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=User.Status.choices)


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    permissions = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = [(str(p.pk), p.codename) for p in selectors.matrix_permissions()]

    def clean_permissions(self):
        return [int(pk) for pk in self.cleaned_data["permissions"]]


TWO_FACTOR_CHOICES = [
    (selectors.TWO_FACTOR_OPTIONAL, _("Optional: each person decides")),
    (selectors.TWO_FACTOR_ROLES, _("Required for the roles chosen below")),
    (selectors.TWO_FACTOR_EVERYONE, _("Required for everyone")),
]


class SecurityPolicyForm(forms.Form):
    idle_minutes = forms.IntegerField(
        label=_("Sign out after this many idle minutes"),
        min_value=1,
        max_value=240,
        help_text=_("People see a warning a minute before."),
    )
    absolute_hours = forms.IntegerField(
        label=_("Sign out after this many hours, however active"), min_value=1, max_value=24
    )
    two_factor = forms.ChoiceField(label=_("Two-factor sign-in"), choices=TWO_FACTOR_CHOICES, widget=forms.RadioSelect)
    two_factor_roles = forms.MultipleChoiceField(
        label=_("Roles that must use two-factor sign-in"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["two_factor_roles"].choices = [(str(r.pk), r.display_name) for r in Role.objects.order_by("name")]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("two_factor") == selectors.TWO_FACTOR_ROLES and not cleaned.get("two_factor_roles"):
            self.add_error("two_factor_roles", _("Choose at least one role."))
        return cleaned
