from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.audit import selectors
from apps.audit.models import LogEntry


class AuditFilterForm(forms.Form):
    # An email, not a list of everyone: an agency has hundreds of people.
    user = forms.EmailField(label=_("Done by (email)"), required=False, max_length=255)
    resource = forms.ChoiceField(label=_("Resource type"), required=False)
    resource_id = forms.CharField(label=_("Resource ID"), required=False, max_length=255)
    action = forms.TypedChoiceField(
        label=_("Action"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sign_ins = forms.BooleanField(label=_("Include sign-ins and sign-outs"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._types = {label: content_type for label, _name, content_type in selectors.resource_types()}
        # Built per form, in the reader's language (a class attribute would be built once, in English).
        self.fields["action"].choices = [("", _("Any"))] + [
            (value, str(label).capitalize()) for value, label in LogEntry.Action.choices
        ]
        self.fields["resource"].choices = [("", _("Any"))] + [
            (label, name.capitalize()) for label, name, _ct in selectors.filter_types()
        ]

    def clean_user(self):
        email = (self.cleaned_data.get("user") or "").strip().lower()
        if not email:
            return None
        user = User.objects.filter(email=email).only("pk").first()
        if user is None:
            raise forms.ValidationError(_("Nobody here has that email address."))
        return user

    def clean_until(self):
        until = self.cleaned_data.get("until")
        if until and until.year >= 9999:
            raise forms.ValidationError(_("Choose an earlier date."))
        return until

    def clean(self):
        data = super().clean()
        if data.get("resource_id") and not data.get("resource"):
            self.add_error("resource", _("Choose the resource type of that ID."))
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filters(self) -> selectors.Filters:
        if not self.is_bound or not self.is_valid():
            return selectors.Filters()
        data = self.cleaned_data
        zone = timezone.get_current_timezone()

        def start_of(day):
            return timezone.make_aware(datetime.combine(day, time.min), zone) if day else None

        return selectors.Filters(
            actor_id=data["user"].pk if data.get("user") else None,
            content_type=self._types.get(data.get("resource") or ""),
            object_pk=(data.get("resource_id") or "").strip(),
            action=data.get("action"),
            since=start_of(data.get("since")),
            # "To" includes that whole day.
            until=start_of(data["until"] + timedelta(days=1)) if data.get("until") else None,
            sign_ins=bool(data.get("sign_ins")),
        )
