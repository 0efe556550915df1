"""The source form (partial-date and reason pieces come from core.forms)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.forms import PartialDateField, PartialDateModelForm, ReasonFormMixin, partial_date_exclusions
from core.validators import validate_url_characters
from sources.models import Source


class SourceForm(ReasonFormMixin, PartialDateModelForm):
    partial_dates = ("published",)
    published = PartialDateField(label=_("Published"))

    class Meta:
        model = Source
        exclude = partial_date_exclusions("published")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("url", "archive_url"):
            if name in self.fields:
                self.fields[name].validators.append(validate_url_characters)
