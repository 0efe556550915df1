"""The source form (partial-date and reason pieces come from core.forms)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.forms import PartialDateField, PartialDateModelForm, ReasonFormMixin, partial_date_exclusions
from sources.models import Source


class SourceForm(ReasonFormMixin, PartialDateModelForm):
    partial_dates = ("published",)
    published = PartialDateField(label=_("Published"))

    class Meta:
        model = Source
        exclude = partial_date_exclusions("published")
