"""Spam resistance for public forms without a third-party captcha: a honeypot field people never see
(bots fill it) and a signed time stamp of when the form was shown (bots post at once, or replay an old
form). Mix `SpamResistantForm` into a form and render `{{ form.website }}{{ form.shown }}` hidden."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

SALT = "core.antispam.shown"


def _min_seconds() -> int:
    return int(getattr(settings, "PUBLIC_FORM_MIN_SECONDS", 3))


def _max_seconds() -> int:
    return int(getattr(settings, "PUBLIC_FORM_MAX_SECONDS", 24 * 3600))


class SpamResistantForm(forms.Form):
    website = forms.CharField(
        label=_("Leave this empty"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["shown"] = signing.TimestampSigner(salt=SALT).sign("form")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("This form could not be accepted. Please try again."), code="honeypot")
        signer = signing.TimestampSigner(salt=SALT)
        try:
            signer.unsign(cleaned.get("shown") or "", max_age=_max_seconds())
        except signing.SignatureExpired:
            raise forms.ValidationError(_("This form was open too long. Please send it again."), code="expired") from None
        except signing.BadSignature:
            raise forms.ValidationError(_("This form could not be accepted. Please try again."), code="tampered") from None
        if _min_seconds():
            try:
                signer.unsign(cleaned["shown"], max_age=_min_seconds())
            except signing.SignatureExpired:
                pass  # older than the minimum: a person had time to read and type
            else:
                raise forms.ValidationError(_("That was sent very fast. Please check it and send it again."), code="too_fast")
        return cleaned

    def refresh_stamp(self) -> None:
        """Re-show a refused form with a fresh time stamp (the old one is in its data)."""
        data = self.data.copy()
        data["shown"] = signing.TimestampSigner(salt=SALT).sign("form")
        self.data = data
