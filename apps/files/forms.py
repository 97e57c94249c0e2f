from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role, User
from apps.files.models import File, FilePermission


class UploadForm(forms.Form):
    """The file itself arrives through the streaming upload handler; this is the rest."""

    description = forms.CharField(label=_("Description"), max_length=500, required=False)


class FileDetailsForm(forms.ModelForm):
    class Meta:
        model = File
        fields = ["original_filename", "description"]


class ShareForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none(), required=False)
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.none(), required=False)
    rights = forms.MultipleChoiceField(
        label=_("Rights"),
        choices=FilePermission.Right.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[FilePermission.Right.READ],
        help_text=_("Any right includes viewing and downloading."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(status=User.Status.ACTIVE).order_by("first_name", "email")
        self.fields["role"].queryset = Role.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("user") and data.get("role"):
            raise forms.ValidationError(_("Choose a person or a role, not both."))
        if not data.get("user") and not data.get("role"):
            raise forms.ValidationError(_("Choose a person or a role."))
        return data
