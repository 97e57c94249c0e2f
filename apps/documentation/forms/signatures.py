"""The signature a person gives: drawn (a PNG data URL from the pad) or typed, under the
consent statement shown beside it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.documentation.answers import SIGNATURE_MAX_BYTES, decode_signature
from apps.documentation.models import ElectronicSignature
from apps.documentation.signing import CONSENT_TEXT, SignatureInput


def client_ip(request) -> str | None:
    # REMOTE_ADDR as the server saw it: behind the proxy, gunicorn's forwarded_allow_ips sets it.
    return request.META.get("REMOTE_ADDR") or None


class SignatureForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How to sign"),
        choices=ElectronicSignature.Method.choices,
        initial=ElectronicSignature.Method.DRAWN,
        widget=forms.RadioSelect,
    )
    # Filled by the pad's script (drawn) or typed by the signer (typed).
    drawn = forms.CharField(required=False, widget=forms.HiddenInput, max_length=SIGNATURE_MAX_BYTES * 2)
    typed = forms.CharField(
        label=_("Type your full name"),
        required=False,
        max_length=255,
        help_text=_("Signing with the keyboard? Choose “Typed name” and type your full name here."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    agreed = forms.BooleanField(label=_("I agree to sign electronically."), required=True)

    def __init__(self, *args, signer_name: str = "", **kwargs):
        kwargs.setdefault("prefix", "sig")
        super().__init__(*args, **kwargs)
        self.consent_text = str(CONSENT_TEXT)
        if signer_name:
            # Staff sign with the name on their account, a guardian with the name the link
            # was sent to (signing.sign checks it).
            self.fields["typed"].help_text = _(
                "Signing with the keyboard? Choose “Typed name” and type your full name as it is given here: %(name)s."
            ) % {"name": signer_name}

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        if method == ElectronicSignature.Method.DRAWN:
            if not cleaned.get("drawn"):
                self.add_error("drawn", _("Draw your signature in the box, or choose to type your name."))
            else:
                try:
                    decode_signature(cleaned["drawn"])
                except ValidationError as exc:
                    self.add_error("drawn", exc.messages)
        if method == ElectronicSignature.Method.TYPED and not (cleaned.get("typed") or "").strip():
            self.add_error("typed", _("Type your full name to sign."))
        return cleaned

    def add_service_error(self, exc: ValidationError) -> None:
        """A refusal from signing.sign() shown by the field it is about: the signature under
        the pad or the typed name (whichever was used), the agreement by its checkbox."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        typed = getattr(self, "cleaned_data", {}).get("method") == ElectronicSignature.Method.TYPED
        for key, errors in exc.message_dict.items():
            if key == "signature":
                key = "typed" if typed else "drawn"
            self.add_error(key if key in self.fields else None, errors)

    def signature_input(self, request) -> SignatureInput:
        """After is_valid(): what signing.sign() takes."""
        method = self.cleaned_data["method"]
        return SignatureInput(
            method=method,
            data=self.cleaned_data["drawn"]
            if method == ElectronicSignature.Method.DRAWN
            else self.cleaned_data["typed"],
            consent_text=self.consent_text,
            agreed=bool(self.cleaned_data.get("agreed")),
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:1000],
        )


class SigningLinkForm(forms.Form):
    """Who signs by link: the guardian's (or client's) name and the address the link goes to."""

    signer_name = forms.CharField(label=_("Name of the person who signs"), max_length=255)
    email = forms.EmailField(label=_("Their email address"), max_length=254)
