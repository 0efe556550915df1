"""The source list's rows are built directly (not field by field through DRF): exactly what the
declared fields (the OpenAPI schema) give, in their order, in both languages."""

import datetime as dt

import pytest
from django.utils import translation
from rest_framework import serializers

from sources.api.serializers import SourceSerializer
from sources.models import Source
from sources.selectors import citation_count
from tests.sources.factories import SourceFactory


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_sources_serialise_as_their_fields_say(language):
    SourceFactory(published=dt.date(2022, 11, 2), published_precision="day", accessed=dt.date(2023, 1, 5))
    SourceFactory(published=dt.date(2020, 2, 1), published_precision="month", published_circa=True, source_type="council_minutes")
    SourceFactory(published=None, url="", archive_url="https://archive.example/x", language="zh-Hant", author="李")
    rows = Source.objects.annotate(citation_count=citation_count()).order_by("id")
    with translation.override(language):
        serializer = SourceSerializer()
        for row in rows:
            lean = serializer.to_representation(row)
            assert lean == serializers.ModelSerializer.to_representation(serializer, row)
            assert list(lean) == SourceSerializer.Meta.fields
    assert lean["published"] is None and lean["accessed"] is None
