"""Reads of sources shared by the admin, the API and the pages."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from sources.models import CitationBase, Source


def citation_count():
    """How many claims cite a source, over every citation table of every app (found through the
    model's reverse relations, so this layer needs to know none of them): an expression to annotate
    a Source queryset with, one subquery per table, without join fan-out."""
    total = Value(0)
    for relation in Source._meta.related_objects:
        if issubclass(relation.related_model, CitationBase):
            counts = (
                relation.related_model.objects.filter(source=OuterRef("pk"))
                .order_by()
                .values("source")
                .annotate(n=Count("*"))
                .values("n")
            )
            total = total + Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    return total
