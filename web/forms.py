"""Public forms: each spam-resistant (core.antispam), size-limited and rate-limited in its view."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.antispam import SpamResistantForm
from web.models import CorrectionKind


class CorrectionForm(SpamResistantForm):
    kind = forms.ChoiceField(
        label=_("What is it about?"), choices=CorrectionKind.choices, initial=CorrectionKind.CORRECTION,
        widget=forms.RadioSelect, required=False,
    )
    text = forms.CharField(
        label=_("What should change?"), max_length=5000, min_length=10,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": 5000}),
        help_text=_("Say what is wrong or missing, and what it should say (up to 5,000 characters)."),
    )
    source_url = forms.URLField(
        label=_("A source (link)"), required=False, max_length=1000, assume_scheme="https",
        help_text=_("A council minute, a news report or an official page that shows it, if you have one."),
    )
    email = forms.EmailField(
        label=_("Your e-mail (optional)"), required=False, max_length=254,
        help_text=_("Only if you are happy for a curator to ask you about it. Never published."),
    )

    def __init__(self, *args, about_pairing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if about_pairing:  # from a pairing's page: it is a correction of that pairing
            self.fields["kind"].widget = forms.HiddenInput()
            self.initial["kind"] = CorrectionKind.CORRECTION

    def clean_kind(self):
        return self.cleaned_data.get("kind") or CorrectionKind.CORRECTION


class FollowForm(SpamResistantForm):
    email = forms.EmailField(
        label=_("Your e-mail"), max_length=254,
        help_text=_("We send a link to confirm. Every e-mail has a link to stop them. We never publish or share it."),
    )
