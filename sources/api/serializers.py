from __future__ import annotations

from rest_framework import serializers

from core.api.fields import PartialDateAPIField, PartialDateInputField, WriteSerializerMixin, partial_date_columns, plain_columns
from core.validators import validate_url_characters
from sources.constants import SourceType
from sources.models import Source


class SourceSummarySerializer(serializers.ModelSerializer):
    published = PartialDateAPIField(source="published_date")

    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "url", "archive_url", "published", "source_type"]


class CitationSerializer(serializers.Serializer):
    """A source supporting a claim, with where in it (locator) and a short quote."""

    source = SourceSummarySerializer()
    locator = serializers.CharField()
    quote = serializers.CharField()


class SourceSerializer(serializers.ModelSerializer):
    published = PartialDateAPIField(source="published_date")
    source_type_label = serializers.CharField(source="get_source_type_display")
    citation_count = serializers.IntegerField(
        read_only=True, help_text="How many claims (pairings, events, agreements) cite this source."
    )

    class Meta:
        model = Source
        fields = [
            "id", "url", "title", "publisher", "author", "published", "accessed", "archive_url", "language",
            "source_type", "source_type_label", "citation_count", "created_at", "updated_at",
        ]


class SourceWriteSerializer(WriteSerializerMixin, serializers.Serializer):
    url = serializers.URLField(max_length=1000, required=False, allow_blank=True, validators=[validate_url_characters])
    title = serializers.CharField(max_length=500)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    author = serializers.CharField(max_length=200, required=False, allow_blank=True)
    published = PartialDateInputField(required=False, allow_null=True)
    accessed = serializers.DateField(required=False, allow_null=True)
    archive_url = serializers.URLField(max_length=1000, required=False, allow_blank=True, validators=[validate_url_characters])
    language = serializers.CharField(max_length=16, required=False, allow_blank=True)
    source_type = serializers.ChoiceField(choices=SourceType.choices, required=False)
    notes = serializers.CharField(
        required=False, allow_blank=True,
        help_text="Curator notes (how the record was made): kept for curators in the admin, never shown on "
        "public pages or in the API's answers.",
    )


SOURCE_CSV_COLUMNS = {
    **plain_columns("id", "title", "publisher", "author", "url", "archive_url"),
    **partial_date_columns("published"),
    **plain_columns("accessed", "language", "source_type", "citation_count", "updated_at"),
}
