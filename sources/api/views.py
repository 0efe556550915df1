from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from core.api.renderers import FORMAT_PARAMETER
from core.api.views import ResearchViewSetMixin, service_errors
from sources import services
from sources.api.serializers import SOURCE_CSV_COLUMNS, SourceSerializer, SourceWriteSerializer
from sources.filters import SourceFilter
from sources.models import Source
from sources.selectors import citation_count


@extend_schema_view(
    list=extend_schema(summary="List sources", parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(summary="One source", parameters=[FORMAT_PARAMETER]),
    create=extend_schema(
        summary="Record a source (curators)",
        description="Returns the existing source (200) when one with this URL is already recorded.",
        request=SourceWriteSerializer,
        responses={201: SourceSerializer, 200: SourceSerializer},
    ),
    partial_update=extend_schema(summary="Correct a source (curators)", request=SourceWriteSerializer, responses=SourceSerializer),
)
class SourceViewSet(
    ResearchViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Documents that support the register's claims."""

    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    csv_columns = SOURCE_CSV_COLUMNS
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = "[0-9]+"  # ASCII digits only: int() would read "١٢" as 12

    page_ids_first = True  # a deep page counts its own sources' citations only (core.api.pagination.rows_by_ids)

    def get_queryset(self):
        return Source.objects.annotate(citation_count=citation_count()).order_by("-published", "title", "id")

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return SourceWriteSerializer
        return SourceSerializer

    def _respond(self, source, code):
        source = self.get_queryset().get(pk=source.pk)
        return Response(SourceSerializer(source, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = SourceWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("reason", None)
        try:
            source, created = services.source_get_or_create(**data, **self.write_context())
        except DjangoValidationError as exc:
            raise service_errors(exc) from None
        return self._respond(source, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def partial_update(self, request, *args, **kwargs):
        source = self.get_object()
        serializer = SourceWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("reason", None)
        try:
            services.source_update(source, **data, **self.write_context())
        except DjangoValidationError as exc:
            raise service_errors(exc) from None
        return self._respond(source, status.HTTP_200_OK)
