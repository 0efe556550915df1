from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, prefetch_related_objects
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.conditional import ConditionalGetMixin
from core.api.filters import resolve_one
from core.api.renderers import (
    FORMAT_PARAMETER,
    LIST_RENDERERS,
    CSVRenderer,
    GeoJSONRenderer,
    JSONRenderer,
    RawJSON,
    WrittenCSV,
    stream_csv_cells,
    stream_csv_lines,
    stream_geojson,
)
from core.api.views import ResearchViewSetMixin, service_errors
from core.records import records
from core.sqlcsv import Unsupported
from core.text import is_ascii_digits
from sources.api.views import SourceViewSet
from sources.filters import SourceFilter
from twinning import services, world
from twinning.api.serializers import (
    AGREEMENT_CSV_COLUMNS,
    EVENT_CSV_COLUMNS,
    PAIRING_CSV_COLUMNS,
    PLACE_CSV_COLUMNS,
    AgreementSerializer,
    AgreementWriteSerializer,
    EventUpdateSerializer,
    EventWithPairingSerializer,
    EventWriteSerializer,
    PairingDetailSerializer,
    PairingExport,
    PairingSerializer,
    PairingUpdateSerializer,
    PairingWriteSerializer,
    PlaceSerializer,
    PlaceWriteSerializer,
    cites,
    pairing_feature,
)
from twinning.api.sqlrows import PairingJSON
from twinning.constants import Status
from twinning.filters import AgreementFilter, EventFilter, PairingFilter, PlaceFilter
from twinning.models import Agreement, AgreementCitation, Event, EventCitation, Pairing, PairingCitation
from twinning.selectors import (
    DECISION_RULE,
    attach_latest_event_records,
    event_records,
    pairing_export_chunks,
    pairing_export_page,
    pairing_records,
    pairing_rows_sql,
    pairings_with_status,
    places_with_pairing_counts,
    register_stats,
    with_has_agreements,
)
from twinning.status import TIMELINE_ORDER

GEOJSON_FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["json", "csv", "geojson"],
    description="Response format: `csv` (or `Accept: text/csv`) for fixed flat columns; `geojson` (or "
    "`Accept: application/geo+json`) for a FeatureCollection of lines between the two places.",
)

EXPORT_FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["csv", "geojson"],
    description="`csv` (the default; or `Accept: text/csv`) or `geojson` (or `Accept: application/geo+json`).",
)

CITATIONS = Prefetch("citations", queryset=EventCitation.objects.select_related("source").order_by("id"))
AGREEMENTS = Prefetch(
    "agreements",
    queryset=Agreement.objects.prefetch_related(
        Prefetch("citations", queryset=AgreementCitation.objects.select_related("source").order_by("id"))
    ).order_by("signed", "id"),
    to_attr="agreement_list",
)


def _validated(serializer_class, request, *, partial=False, context=None):
    serializer = serializer_class(data=request.data, partial=partial, context=context or {})
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    data.pop("reason", None)
    return data


class ServiceCall:
    """Run a service and turn its ValidationError into a 400 naming the field."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, DjangoValidationError):
            raise service_errors(exc) from None
        return False


# --- Places ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List places", parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(summary="One place", parameters=[FORMAT_PARAMETER]),
    create=extend_schema(summary="Record a place (curators)", request=PlaceWriteSerializer, responses={201: PlaceSerializer}),
    partial_update=extend_schema(summary="Correct a place (curators)", request=PlaceWriteSerializer, responses=PlaceSerializer),
)
class PlaceViewSet(
    ResearchViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    """Cities, towns, counties, provinces: any governed place, with identifiers in other schemes."""

    serializer_class = PlaceSerializer
    filterset_class = PlaceFilter
    csv_columns = PLACE_CSV_COLUMNS
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = "[^/.]+"

    page_ids_first = True  # a deep page counts the pairings of its own places only (pagination.rows_by_ids)

    def get_queryset(self):
        return places_with_pairing_counts().prefetch_related("identifiers").order_by("name", "country", "id")

    def get_object(self):
        return _by_slug_or_pk(self, self.filter_queryset(self.get_queryset()))

    def _respond(self, place, code):
        headers = {"Location": self.reverse_action("detail", args=[place.pk])} if code == 201 else {}
        return Response(PlaceSerializer(self.get_queryset().get(pk=place.pk)).data, status=code, headers=headers)

    def create(self, request, *args, **kwargs):
        data = _validated(PlaceWriteSerializer, request)
        with ServiceCall():
            place = services.place_create(**data, **self.write_context())
        return self._respond(place, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        place = self.get_object()
        data = _validated(PlaceWriteSerializer, request, partial=True)
        identifiers = data.pop("identifiers", None)
        with ServiceCall():
            services.place_update(place, **data, **self.write_context())
            for scheme, value in (identifiers or {}).items():
                services.place_identifier_set(place=place, scheme=scheme, value=value, **self.write_context())
        return self._respond(place, status.HTTP_200_OK)


def _by_slug_or_pk(view, queryset):
    value = view.kwargs[view.lookup_field]
    lookup = {"pk": int(value)} if is_ascii_digits(value) and len(value) < 19 else {"slug": value}
    obj = get_object_or_404(queryset, **lookup)
    view.check_object_permissions(view.request, obj)
    return obj


# --- Pairings -------------------------------------------------------------------------------------


PAIRING_LIST_DESCRIPTION = """Every pairing with its derived status, the date it took that status, when it was
established and ended, both places, the latest event (with its decision details and sources) and the
number of sources. `as_of=YYYY-MM-DD` filters and describes each pairing by its status on that date."""


@extend_schema_view(
    list=extend_schema(summary="List pairings", description=PAIRING_LIST_DESCRIPTION, parameters=[GEOJSON_FORMAT_PARAMETER]),
    retrieve=extend_schema(
        summary="One pairing, with its timeline",
        description="By id or slug. Adds the timeline (every event with its sources and decision details), agreements, "
        "campaigns and petitions. `as_of` describes the status on that date.",
        parameters=[
            GEOJSON_FORMAT_PARAMETER,
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="Describe the status on this date.", examples=[]),
        ],
    ),
    create=extend_schema(summary="Record a pairing (curators)", request=PairingWriteSerializer, responses={201: PairingDetailSerializer}),
    partial_update=extend_schema(
        summary="Change a pairing's notes or confidence (curators)",
        description="The status cannot be set: record an event instead.",
        request=PairingUpdateSerializer,
        responses=PairingDetailSerializer,
    ),
)
class PairingViewSet(
    ResearchViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    """Twin-town, sister-city, friendship and partnership relationships between two places."""

    serializer_class = PairingSerializer
    filterset_class = PairingFilter
    csv_columns = PAIRING_CSV_COLUMNS
    renderer_classes = [*LIST_RENDERERS, GeoJSONRenderer]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = "[^/.]+"
    extra_query_params = ("as_of",)
    filtered_actions = ("export",)
    page_ids_first = True  # see core.api.pagination.rows_by_ids
    detail_serializer_class = PairingDetailSerializer

    def as_of(self) -> dt.date | None:
        if not hasattr(self, "_as_of"):
            raw = self.request.query_params.get("as_of")
            try:
                self._as_of = dt.date.fromisoformat(raw) if raw and len(raw) == 10 else None
            except ValueError:
                self._as_of = None
            if raw and self._as_of is None:
                raise ValidationError({"as_of": ["Give a date as YYYY-MM-DD, e.g. 2022-01-01."]})
        return self._as_of

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A list's page and count: a country's pairings in a status on a date, with more asked, may be read
        # from the date's events (PairingQuerySet.narrowed).
        return queryset.narrowed() if self.action == "list" and hasattr(queryset, "narrowed") else queryset

    def get_queryset(self):
        if self.action in ("list", "export"):
            return pairings_with_status(as_of=self.as_of()).order_by("sort_a", "sort_b", "id")
        # One pairing with its whole timeline.
        return (
            with_has_agreements(pairings_with_status(as_of=self.as_of()))
            .order_by("sort_a", "sort_b", "id")
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=Event.objects.prefetch_related(CITATIONS).order_by(*TIMELINE_ORDER),
                    to_attr="timeline",
                ),
                Prefetch(
                    "citations", queryset=PairingCitation.objects.select_related("source").order_by("id"), to_attr="citation_list"
                ),
            )
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "request", None) is not None and self.action in ("list", "retrieve"):
            context["as_of"] = self.as_of()
        return context

    def get_serializer_class(self):
        return PairingSerializer if self.action == "list" else self.detail_serializer_class

    def get_object(self):
        pairing = _by_slug_or_pk(self, self.filter_queryset(self.get_queryset()))
        # Few pairings have agreements: read them only when there are some (the row says so).
        if pairing.has_agreements:
            prefetch_related_objects([pairing], AGREEMENTS)
        else:
            pairing.agreement_list = []
        by_id = {event.pk: event for event in pairing.timeline}
        pairing.latest_event = by_id.get(pairing.latest_event_id)
        pairing.status_event = by_id.get(pairing.current_status_event_id)
        return pairing

    def json_rows(self) -> PairingJSON | None:
        """The builder of the rows' JSON text, when the database writes this list's rows: a JSON answer
        (twinning.api.sqlrows, byte for byte what the serializer gives), unless it cannot write them
        exactly (e.g. a time zone other than UTC); else None, and the rows are serialised here."""
        if not hasattr(self, "_json_rows"):
            self._json_rows = None
            if self.action == "list" and isinstance(getattr(self.request, "accepted_renderer", None), JSONRenderer):
                try:
                    self._json_rows = PairingJSON(as_of=self.as_of())
                except Unsupported:
                    pass
        return self._json_rows

    def csv_export(self) -> PairingExport | None:
        """The writer of a CSV page's lines, when the database writes them: a CSV list (the export's lines
        for the page's rows: the same bytes as the records' CSV, which tests hold), unless it cannot write
        them exactly (e.g. a time zone other than UTC); else None, and the cells are written here."""
        if not hasattr(self, "_csv_export"):
            self._csv_export = None
            if self.action == "list" and isinstance(getattr(self.request, "accepted_renderer", None), CSVRenderer):
                export = PairingExport(as_of=self.as_of())
                try:
                    export.csv_sql("SELECT")
                except Unsupported:
                    pass
                else:
                    self._csv_export = export
        return self._csv_export

    def csv_page(self, ids: list[int], export: PairingExport) -> WrittenCSV:
        """The CSV lines of these pairings, in this order, as the database writes the export's lines."""
        lines = {}
        for (line,) in pairing_export_page(ids, export.csv_sql, as_of=self.as_of()):
            lines[int(line.split(",", 1)[0])] = line  # the first cell is the id
        return WrittenCSV("".join(lines[pk] for pk in ids if pk in lines))

    def list_rows(self, queryset):
        if self.json_rows() is not None or self.csv_export() is not None:
            # The page's ids, and a crawl's cursor keys (500 timestamps parsed for nothing on a CSV page).
            crawl = self.request.query_params.get("paginate") == "cursor"
            return records(queryset, "pk", "updated_at") if crawl else records(queryset, "pk")
        # The list's rows are only serialised: read them as Records (no model instances).
        return pairing_records(queryset)

    def prepare_rows(self, rows):
        if self.csv_export() is not None:  # the lines come from csv_page
            return
        builder = self.json_rows()
        if builder is None:
            attach_latest_event_records(rows)
            return
        texts = pairing_rows_sql([row.pk for row in rows], builder.sql, builder.params, as_of=self.as_of())
        # A row deleted between the two queries (a merge) is left out, as it would be a moment later.
        rows[:] = [row for row in rows if row.pk in texts]
        for row in rows:
            row.json = RawJSON(texts[row.pk])

    def list(self, request, *args, **kwargs):
        export = self.csv_export()
        if export is not None:
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            return self.get_paginated_response(self.csv_page([row.pk for row in page], export))
        if self.json_rows() is None:
            return super().list(request, *args, **kwargs)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([row.json for row in page])

    EXPORT_CHUNK = 2000

    def export_rows(self, queryset, build):
        """`build(row)` for every row of `queryset` (`pairing_export_chunks`: one streamed query, taken a
        chunk at a time), in the request's language: constant memory at any size."""
        language = translation.get_language()
        for chunk in pairing_export_chunks(queryset, as_of=self.as_of(), chunk_size=self.EXPORT_CHUNK):
            with translation.override(language):  # the stream runs after the request's middleware
                built = [build(row) for row in chunk]
            yield from built

    def export_lines(self, queryset, wrap):
        """The export's CSV lines as the database writes them (`wrap`: PairingExport.csv_sql), a chunk
        of lines at a time, as UTF-8 bytes."""
        for chunk in pairing_export_chunks(queryset, as_of=self.as_of(), chunk_size=self.EXPORT_CHUNK, wrap=wrap):
            yield "".join([row[0] for row in chunk]).encode()

    @extend_schema(
        summary="Every matching pairing, streamed as CSV or GeoJSON",
        description="The whole pairing list (the same filters and `as_of` as the list, no pages), in id order, "
        "streamed: CSV (the default, the list's fixed columns) or `format=geojson`. For the whole register "
        "in one download; to sync changes, crawl the list with `paginate=cursor` and `updated_since`.",
        parameters=[EXPORT_FORMAT_PARAMETER],
        filters=True,
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/geo+json"): OpenApiTypes.OBJECT,
            (400, "text/csv"): OpenApiTypes.STR,
            (400, "application/geo+json"): OpenApiTypes.OBJECT,
            # Input refused before the view runs (a NUL byte in any parameter: core.middleware) is JSON.
            (400, "application/json"): OpenApiTypes.OBJECT,
        },
    )
    @action(detail=False, methods=["get"], url_path="export", renderer_classes=[CSVRenderer, GeoJSONRenderer])
    def export(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        if "ordering" not in request.query_params:
            queryset = queryset.order_by("id")
        export = PairingExport(as_of=self.as_of())
        if request.accepted_renderer.format == "geojson":
            features = self.export_rows(queryset, export.feature)
            response = StreamingHttpResponse(stream_geojson(lambda f: f, features), content_type="application/geo+json")
            name = "pairings.geojson"
        else:
            try:
                export.csv_sql("SELECT")  # written by the database when it can write it exactly…
            except Unsupported:  # …else cell by cell here (the same bytes)
                cells = self.export_rows(queryset, export.csv_cells)
                body = stream_csv_cells(PAIRING_CSV_COLUMNS, cells)
            else:
                body = stream_csv_lines(PAIRING_CSV_COLUMNS, self.export_lines(queryset, export.csv_sql))
            response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
            name = "pairings.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        patch_vary_headers(response, ("Accept", "Accept-Language"))
        return response

    @staticmethod
    def geojson_feature(record):
        return pairing_feature(record)

    def _respond(self, pairing, code):
        self._as_of = None
        self.kwargs[self.lookup_field] = str(pairing.pk)
        obj = self.get_object()
        headers = {"Location": self.reverse_action("detail", args=[pairing.pk])} if code == 201 else {}
        return Response(self.get_serializer(obj).data, status=code, headers=headers)

    def create(self, request, *args, **kwargs):
        data = _validated(PairingWriteSerializer, request)
        data["citations"] = cites(data.pop("sources", []))
        with ServiceCall():
            pairing = services.pairing_create(**data, **self.write_context())
        return self._respond(pairing, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        pairing = self.get_object()
        data = _validated(PairingUpdateSerializer, request, partial=True)
        with ServiceCall():
            services.pairing_update(pairing, **data, **self.write_context())
        return self._respond(pairing, status.HTTP_200_OK)


# --- Events ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List events (decisions, reviews, agreements…)", parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(summary="One event", parameters=[FORMAT_PARAMETER]),
    create=extend_schema(
        summary="Record an event (curators)",
        description="The pairing's status is re-derived. An event that changes the status needs at least one source.",
        request=EventWriteSerializer,
        responses={201: EventWithPairingSerializer},
    ),
    partial_update=extend_schema(
        summary="Correct an event (curators)", request=EventUpdateSerializer, responses=EventWithPairingSerializer
    ),
    destroy=extend_schema(
        summary="Delete an event (editors)",
        parameters=[OpenApiParameter("reason", OpenApiTypes.STR, description="Why, for the history.")],
    ),
)
class EventViewSet(ResearchViewSetMixin, viewsets.ModelViewSet):
    """Dated events of every pairing's timeline, with the decision's details and its sources."""

    serializer_class = EventWithPairingSerializer
    filterset_class = EventFilter
    csv_columns = EVENT_CSV_COLUMNS
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return (
            Event.objects.select_related("pairing__place_a", "pairing__place_b")
            .prefetch_related(CITATIONS)
            .order_by(*TIMELINE_ORDER)
        )

    def list_rows(self, queryset):
        # A page's ids (and cursor keys) first, from the bare events (an index in timeline order); the
        # events with their pairings and sources for those ids only (prepare_rows). Read in one query
        # with the joins, a page deep in the list joined every row the OFFSET skipped.
        return records(queryset.prefetch_related(None).select_related(None), "pk", "updated_at")

    def prepare_rows(self, rows):
        if getattr(self, "action", None) != "list":
            return
        loaded = event_records([row.pk for row in rows], with_pairing=True)  # Records: only serialised
        rows[:] = [loaded[row.pk] for row in rows if row.pk in loaded]  # one deleted meanwhile is left out

    def _respond(self, event, code):
        obj = self.get_queryset().get(pk=event.pk)
        headers = {"Location": self.reverse_action("detail", args=[event.pk])} if code == 201 else {}
        return Response(EventWithPairingSerializer(obj).data, status=code, headers=headers)

    def create(self, request, *args, **kwargs):
        data = _validated(EventWriteSerializer, request)
        data["citations"] = cites(data.pop("sources", []))
        with ServiceCall():
            event = services.event_record(**data, **self.write_context())
        return self._respond(event, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        event = self.get_object()
        data = _validated(EventUpdateSerializer, request, partial=True)
        if "sources" in data:
            data["citations"] = cites(data.pop("sources"))
        with ServiceCall():
            services.event_update(event, **data, **self.write_context())
        return self._respond(event, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        event = self.get_object()
        reason = request.query_params.get("reason") or self.write_context()["reason"]
        with ServiceCall():
            services.event_delete(event, user=request.user, reason=reason)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Agreements -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List agreements", parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(summary="One agreement", parameters=[FORMAT_PARAMETER]),
    create=extend_schema(summary="Record an agreement (curators)", request=AgreementWriteSerializer, responses={201: AgreementSerializer}),
)
class AgreementViewSet(
    ResearchViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Charters, agreements and memoranda of the pairings, with their terms and sources."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    csv_columns = AGREEMENT_CSV_COLUMNS
    http_method_names = ["get", "post", "head", "options"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return Agreement.objects.prefetch_related(
            Prefetch("citations", queryset=AgreementCitation.objects.select_related("source").order_by("id"))
        ).order_by("signed", "id")

    def create(self, request, *args, **kwargs):
        data = _validated(AgreementWriteSerializer, request)
        data["citations"] = cites(data.pop("sources", []))
        with ServiceCall():
            agreement = services.agreement_record(**data, **self.write_context())
        obj = self.get_queryset().get(pk=agreement.pk)
        headers = {"Location": self.reverse_action("detail", args=[agreement.pk])}
        return Response(AgreementSerializer(obj).data, status=status.HTTP_201_CREATED, headers=headers)


# --- Sources (with `cites`, which needs pairings) ------------------------------------------------


class SourceWithPairingFilter(SourceFilter):
    cites = filters.CharFilter(
        method="filter_cites",
        help_text="Sources cited for this pairing (by slug or id): for the pairing itself, its events or its agreements.",
    )

    class Meta(SourceFilter.Meta):
        pass

    def filter_cites(self, qs, name, value):
        pk = resolve_one(Pairing, value, what="pairing", param="cites")
        return qs.filter(
            Exists(PairingCitation.objects.filter(source=OuterRef("pk"), pairing_id=pk))
            | Exists(EventCitation.objects.filter(source=OuterRef("pk"), event__pairing_id=pk))
            | Exists(AgreementCitation.objects.filter(source=OuterRef("pk"), agreement__pairing_id=pk))
        )


class SourceWithPairingViewSet(SourceViewSet):
    filterset_class = SourceWithPairingFilter


# --- Stats ----------------------------------------------------------------------------------------


def _counts(qs, field) -> dict:
    return {row[field]: row["n"] for row in qs.values(field).annotate(n=Count("id")).order_by(field)}


class StatsView(ConditionalGetMixin, APIView):
    """Totals: pairings by status and relationship, the most-paired countries, and decisions per year."""

    renderer_classes = LIST_RENDERERS[:2]

    @extend_schema(
        summary="Totals for the whole register",
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json"], description="Only JSON.")],
        responses=inline_serializer(
            "Stats",
            fields={
                "generated_at": serializers.DateTimeField(),
                "places": serializers.IntegerField(),
                "pairings": serializers.IntegerField(),
                "events": serializers.IntegerField(),
                "sources": serializers.IntegerField(),
                "pairings_by_status": serializers.DictField(child=serializers.IntegerField()),
                "pairings_by_evidence": inline_serializer(
                    "PairingsByEvidence",
                    fields={
                        "verified": serializers.IntegerField(help_text="Status brought by a curator's sourced event."),
                        "listed": serializers.IntegerField(help_text="Status brought only by Wikidata listings."),
                        "unknown": serializers.IntegerField(help_text="No status known."),
                    },
                ),
                "verified_pairings_by_status": serializers.DictField(
                    child=serializers.IntegerField(), help_text="Pairings by status, counting only curator-verified ones."
                ),
                "listed_pairings_by_status": serializers.DictField(
                    child=serializers.IntegerField(), help_text="Pairings by status, counting only those known from Wikidata alone."
                ),
                "pairings_by_relationship": serializers.DictField(child=serializers.IntegerField()),
                "countries": serializers.ListField(
                    child=inline_serializer(
                        "CountryStats",
                        fields={
                            "country": serializers.CharField(),
                            "pairings": serializers.IntegerField(),
                            "severed": serializers.IntegerField(),
                            "verified": serializers.IntegerField(),
                            "listed": serializers.IntegerField(),
                        },
                    )
                ),
                "decision_rule": serializers.CharField(help_text="How decisions are counted."),
                "years": serializers.ListField(
                    child=serializers.IntegerField(), help_text="Every year from the first decision to the last, zero years included."
                ),
                "decisions_by_year": serializers.ListField(
                    child=inline_serializer(
                        "DecisionYear",
                        fields={
                            "year": serializers.IntegerField(),
                            "event_type": serializers.CharField(),
                            "count": serializers.IntegerField(
                                help_text="Decisions (see decision_rule): one vote covering two pairings counts once."
                            ),
                            "events": serializers.IntegerField(help_text="Decision events behind them (one per pairing)."),
                            "pairings": serializers.IntegerField(help_text="Pairings these decisions concern."),
                        },
                    )
                ),
            },
        ),
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - {"format"})
        if unknown:
            raise ValidationError({name: ["Unknown query parameter. Allowed here: format."] for name in unknown})
        stats = register_stats()
        evidence = stats["evidence"]
        return Response(
            {
                "generated_at": stats["generated_at"],
                "places": stats["places"],
                "pairings": stats["pairings"],
                "events": stats["events"],
                "sources": stats["sources"],
                "pairings_by_status": evidence["by_status"],
                "pairings_by_evidence": evidence["by_evidence"],
                "verified_pairings_by_status": evidence["verified_by_status"],
                "listed_pairings_by_status": evidence["listed_by_status"],
                "pairings_by_relationship": stats["pairings_by_relationship"],
                "countries": [
                    {"country": c["country"], "pairings": c["pairings"], "severed": c["by_status"].get(Status.SEVERED, 0),
                     "verified": c["verified"], "listed": c["listed"]}
                    for c in stats["countries"]
                ],
                "decision_rule": DECISION_RULE,
                "years": stats["years"],
                "decisions_by_year": [
                    {"year": d["year"], "event_type": d["event_type"], "count": d["decisions"],
                     "events": d["events"], "pairings": d["pairings"]}
                    for d in stats["decisions"]
                ],
            }
        )


class DriftView(APIView):
    """The drift watch: pairings ended here but still listed by Wikidata without an end time, and
    pairings listed in an older Wikidata snapshot but gone from the latest; each with the decision
    recorded here, its sources and QuickStatements lines adding end time (P582) with the source (P854)."""

    renderer_classes = LIST_RENDERERS[:2]

    @extend_schema(
        summary="Where Wikidata and the register's decisions disagree",
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json"], description="Only JSON.")],
        responses=inline_serializer(
            "Drift",
            fields={
                "snapshot": serializers.DateField(allow_null=True),
                "count": serializers.IntegerField(),
                "results": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        snapshot = world.latest_snapshot()
        results = []
        for row in world.drift_rows():
            decision = row.decision
            results.append({
                "kind": row.kind,
                "kind_label": row.kind_label,
                "pairing": {
                    "id": row.pairing.pk, "slug": row.pairing.slug, "url": request.build_absolute_uri(row.pairing.get_absolute_url()),
                    "place_a": {"id": row.pairing.place_a_id, "name": row.pairing.place_a.name, "country": row.pairing.place_a.country},
                    "place_b": {"id": row.pairing.place_b_id, "name": row.pairing.place_b.name, "country": row.pairing.place_b.country},
                    "status": row.pairing.status,
                    "status_label": world.status_label(row.pairing.status, row.pairing.status_since),
                },
                "decision": None if decision is None else {
                    "id": decision.pk, "event_type": decision.event_type, "date": decision.when.as_dict(),
                    "sources": [{"id": s.pk, "title": s.title, "url": s.url} for s in row.sources],
                },
                "listing": {
                    "snapshot": row.listing.snapshot.date, "item_qid": row.listing.item_qid, "item_label": row.listing.item_label,
                    "twin_qid": row.listing.twin_qid, "twin_label": row.listing.twin_label, "direction": row.listing.direction,
                    "missing_since": row.listing.missing_since,
                },
                "quickstatements": row.quickstatements,
            })
        return Response({"snapshot": snapshot.date if snapshot else None, "count": len(results), "results": results})
