"""Query filters for sources (see twinning.api's source list for `cites`, which needs pairings)."""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters

from core.api.filters import FilterSet, PartialDateFilter, StableOrderingFilter, UpdatedSinceFilter
from sources.constants import SourceType
from sources.models import Source


class SourceFilter(FilterSet):
    publisher = filters.CharFilter(field_name="publisher", lookup_expr="iexact", help_text="Publisher, exactly (any case).")
    type = filters.MultipleChoiceFilter(distinct=False, field_name="source_type", choices=SourceType.choices, help_text="Source type; repeatable.")
    published_after = PartialDateFilter(field_name="published", lookup_expr="gte", help_text="Published on or after this partial date.")
    published_before = PartialDateFilter(
        field_name="published", lookup_expr="lte", help_text="Published on or before the end of this partial date."
    )
    language = filters.CharFilter(field_name="language", lookup_expr="iexact", help_text="BCP 47 language code.")
    q = filters.CharFilter(method="filter_q", help_text="Text in the title, publisher or author.")
    updated_since = UpdatedSinceFilter()
    ordering = StableOrderingFilter(
        fields=(("published", "published"), ("title", "title"), ("updated_at", "updated_at"), ("id", "id")),
        help_text="Sort order: published, title, updated_at, id; prefix `-` to reverse.",
    )

    class Meta:
        model = Source
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(publisher__icontains=value) | Q(author__icontains=value))
