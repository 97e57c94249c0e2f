"""The organization's own wording for a kind of notification, per channel."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.notifications import defaults
from apps.notifications.models import NotificationTemplate, OrgEmailTemplate

# The channels an admin rewords, and where each channel's wording lives.
CHANNELS = {"email": _("Email"), "in_app": _("In the app"), "sms": _("Text message")}


def _help(kind: str, channel: str) -> str:
    names = ", ".join(f"{{{{ {name} }}}}" for name in defaults.variables_for(kind, channel))
    return _("You can use: %(names)s") % {"names": names}


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = OrgEmailTemplate
        fields = ["subject", "html_content", "text_content", "is_active"]
        widgets = {
            "html_content": forms.Textarea(attrs={"rows": 10, "spellcheck": "true"}),
            "text_content": forms.Textarea(attrs={"rows": 8, "spellcheck": "true"}),
        }
        help_texts = {
            "html_content": _("HTML. Variables are filled in with their values made safe for HTML."),
            "text_content": _("For mail programs that do not show HTML. Left empty, those readers see no body."),
            "is_active": _("Off: the shipped wording is sent instead, and this one is kept."),
        }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].help_text = _help(kind, "email")


class MessageTemplateForm(forms.ModelForm):
    """In-app (a title and a message) or a text message (a message only)."""

    class Meta:
        model = NotificationTemplate
        fields = ["subject", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5, "spellcheck": "true"})}
        help_texts = {"is_active": _("Off: the shipped wording is sent instead, and this one is kept.")}

    def __init__(self, *args, kind: str, channel: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _help(kind, channel)
        if channel == NotificationTemplate.Channel.SMS:
            del self.fields["subject"]
            self.fields["body"].label = _("Text")
        else:
            self.fields["subject"].required = True


def template_form(kind: str, channel: str, *, instance, data=None):
    if channel == "email":
        return EmailTemplateForm(data, instance=instance, kind=kind)
    return MessageTemplateForm(data, instance=instance, kind=kind, channel=channel)
