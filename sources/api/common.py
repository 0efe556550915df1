"""The building blocks every API resource shares: partial dates, strict query parameters, paging,
CSV and GeoJSON, conditional GET, permissions, throttles and turning service errors into 400s.

Lives in `sources`, the bottom layer, so the `sources`, `twinning` and `campaigns` API packages can
all use it; it imports nothing from the other apps.
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime as dt
import io
import json
from collections import OrderedDict
from typing import Callable

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.dateparse import parse_datetime
from django_filters import rest_framework as django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field, inline_serializer
from rest_framework import pagination, permissions, renderers, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from sources.partialdates import PartialDate, Precision

# --- Partial dates --------------------------------------------------------------------------------


class PartialDateSerializer(serializers.Serializer):
    """A date known to a year, a month or a day, possibly approximate ("circa")."""

    date = serializers.DateField(
        help_text="The first day of the period the date names: 2023-03-01 for March 2023, 2005-01-01 for 2005."
    )
    precision = serializers.ChoiceField(
        choices=Precision.choices, help_text="How much of `date` is known: year, month or day."
    )
    circa = serializers.BooleanField(help_text="True when the sources give the date as approximate.")
    display = serializers.CharField(help_text="The date as a person would write it, at its precision: “March 2023”.")


@extend_schema_field(PartialDateSerializer(allow_null=True))
class PartialDateField(serializers.Field):
    """Read-only: a PartialDate (from a model property) as {"date", "precision", "circa", "display"}."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.as_dict() if value is not None else None


PARTIAL_DATE_PATTERN = r"^(c\. ?)?\d{4}(-\d{2}(-\d{2})?)?$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": PARTIAL_DATE_PATTERN,
        "description": "A partial date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, optionally prefixed `c. ` for circa.",
        "example": "2022-11",
    }
)
class PartialDateInputField(serializers.CharField):
    """Write side of a partial date: "2005", "2023-03", "2022-11-02" or "c. 2005"."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return PartialDate.parse(text)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def to_representation(self, value):
        return value.iso() if isinstance(value, PartialDate) else value


def partial_date_columns(prefix: str, get: Callable | None = None) -> dict[str, Callable]:
    """CSV columns for a serialized partial date: its display text, ISO date, precision, circa flag."""
    get = get or (lambda record: record.get(prefix))

    def part(key):
        return lambda record: (get(record) or {}).get(key, "")

    return {
        prefix: part("display"),
        f"{prefix}_date": part("date"),
        f"{prefix}_precision": part("precision"),
        f"{prefix}_circa": part("circa"),
    }


def plain_columns(*names: str) -> dict[str, Callable]:
    """CSV columns copied as they are from the serialized record."""
    return {name: (lambda record, name=name: record.get(name)) for name in names}


# --- Filters --------------------------------------------------------------------------------------


class PartialDateFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        return PartialDate.parse(value)


class PartialDateFilter(django_filters.CharFilter):
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`. With lookup `gte` compares with the first day of that
    period, with `lte` with its last day, so `..._before=2020` includes all of 2020."""

    field_class = PartialDateFormField

    def filter(self, qs, value):
        if value is None:
            return qs
        day = value.end if self.lookup_expr in ("lte", "lt") else value.date
        return super().filter(qs, day)


class StrictBooleanFormField(forms.CharField):
    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

    def to_python(self, value):
        value = (super().to_python(value) or "").lower()
        if not value:
            return None
        if value in self.TRUE | self.FALSE:
            return value in self.TRUE
        raise DjangoValidationError(f"“{value}” is not a boolean: use true or false.")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """true/false (or 1/0, yes/no); anything else is a 400, not silently ignored."""

    field_class = StrictBooleanFormField

    def __init__(self, *args, **kwargs):
        kwargs["widget"] = forms.TextInput  # not the widget that turns unknown words into "any"
        super().__init__(*args, **kwargs)


class ISODateFormField(forms.DateField):
    input_formats = ["%Y-%m-%d"]


class ISODateFilter(django_filters.DateFilter):
    field_class = ISODateFormField


class DateTimeSinceFormField(forms.CharField):
    """An ISO 8601 date or date-time; a date means its midnight UTC."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parsed = None
        try:
            parsed = parse_datetime(value)
            if parsed is None:
                day = dt.date.fromisoformat(value)
                parsed = dt.datetime(day.year, day.month, day.day)
        except ValueError:
            parsed = None
        if parsed is None:
            raise DjangoValidationError(
                f"“{value}” is not an ISO 8601 date or date-time, e.g. 2024-05-01 or 2024-05-01T12:00:00Z."
            )
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise DjangoValidationError(f"“{value}” is out of range.") from None


class UpdatedSinceFilter(django_filters.DateTimeFilter):
    field_class = DateTimeSinceFormField

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault(
            "help_text",
            "Only records changed at or after this moment (ISO 8601 date or date-time, UTC when no offset). "
            "Combine with `paginate=cursor` to sync.",
        )
        super().__init__(**kwargs)


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering`, always ending with `id` so that pages never overlap."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            return qs.order_by(*qs.query.order_by, "id")
        return qs


def either_side(prefix_a: str, prefix_b: str, lookup: str, value) -> Q:
    return Q(**{f"{prefix_a}__{lookup}": value}) | Q(**{f"{prefix_b}__{lookup}": value})


# Query parameters that are not filters but are understood by every list.
PAGING_PARAMS = {"page", "page_size", "paginate", "cursor"}
COMMON_PARAMS = {"format"}
DETAIL_PARAMS = {"format"}


def _choice_values(filter_field) -> list[str]:
    choices = filter_field.extra.get("choices")
    if callable(choices):
        choices = choices()
    if not choices:
        return []
    return [str(value) for value, _label in choices if value != ""]


class StrictFilterBackend(django_filters.DjangoFilterBackend):
    """django-filter, but an unknown query parameter, a repeated single-valued one or a bad value
    answers 400 naming the parameter and what it accepts. Never silently ignored."""

    def allowed_params(self, request, view) -> set[str]:
        allowed = set(COMMON_PARAMS) | set(getattr(view, "extra_query_params", ()))
        if request.method not in permissions.SAFE_METHODS:
            allowed.add("reason")
        if getattr(view, "action", None) in ("list", None):
            allowed |= PAGING_PARAMS
            filterset_class = getattr(view, "filterset_class", None)
            if filterset_class is not None:
                allowed |= set(filterset_class.base_filters)
        return allowed

    def filter_queryset(self, request, queryset, view):
        allowed = self.allowed_params(request, view)
        errors = {}
        for name in request.query_params:
            if name not in allowed:
                errors[name] = [f"Unknown query parameter “{name}”. Allowed here: {', '.join(sorted(allowed))}."]
        if errors:
            raise ValidationError(errors)
        if getattr(view, "action", None) not in ("list", None):
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        for name, filter_field in filterset.filters.items():
            if len(request.query_params.getlist(name)) > 1 and not isinstance(
                filter_field, django_filters.MultipleChoiceFilter
            ):
                errors[name] = [f"“{name}” may be given only once."]
        if errors:
            raise ValidationError(errors)
        if not filterset.is_valid():
            raise ValidationError(explain_filter_errors(filterset))
        return filterset.qs


def explain_filter_errors(filterset) -> dict:
    errors = {}
    for name, messages in filterset.errors.items():
        messages = list(messages)
        filter_field = filterset.filters.get(name)
        if filter_field is not None:
            values = _choice_values(filter_field)
            if values:
                messages.append(f"Allowed values for “{name}”: {', '.join(values)}.")
        errors[name] = messages
    return errors


def resolve_one(model, value: str, *, what: str, param: str, slug_field: str = "slug"):
    """A row by slug or numeric id, for filters like `place=newcastle-upon-tyne` or `place=12`;
    400 naming the parameter when there is none."""
    value = (value or "").strip()
    lookup = Q(**{slug_field: value})
    if value.isdigit() and len(value) < 19:
        lookup |= Q(pk=int(value))
    row = model.objects.filter(lookup).only("pk").first()
    if row is None:
        raise ValidationError({param: [f"No {what} has the slug or id “{value}”."]})
    return row.pk


# --- Pagination -----------------------------------------------------------------------------------


class LinkHeaderMixin:
    def link_header(self, response, links: dict) -> None:
        parts = [f'<{url}>; rel="{rel}"' for rel, url in links.items() if url]
        if parts:
            response["Link"] = ", ".join(parts)


class PageNumberPagination(LinkHeaderMixin, pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size} (the cap); the default is {self.page_size}."]}
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({"page": ["Give a page number: a whole number from 1."]})
        self.page_size_value = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, self.page_size_value)
        number = int(raw)
        if number > max(paginator.num_pages, 1):
            raise ValidationError({"page": [f"There are only {paginator.num_pages} pages at this page size."]})
        self.page = paginator.page(number)
        self.request = request
        return list(self.page)

    def get_paginated_response(self, data):
        response = Response(
            OrderedDict(
                [
                    ("count", self.page.paginator.count),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )
        self.link_header(response, {"next": self.get_next_link(), "prev": self.get_previous_link()})
        return response

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }


class KeysetCursorPagination(LinkHeaderMixin, pagination.BasePagination):
    """Crawling order (updated_at, id), resumable from an opaque cursor. Each page holds rows strictly
    after the last one the client saw, so no row is skipped or repeated; a row changed during the
    crawl moves to the end and is seen again there, with its new content."""

    page_size = 100
    max_page_size = 1000
    cursor_query_param = "cursor"

    def encode(self, row) -> str:
        raw = f"{row.updated_at.isoformat()}|{row.pk}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str):
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            stamp, pk = raw.rsplit("|", 1)
            moment = dt.datetime.fromisoformat(stamp)
            if moment.tzinfo is None:
                raise ValueError
            return moment, int(pk)
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise ValidationError({"cursor": ["Invalid cursor: use the `next` link of the previous page as given."]}) from None

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = request.query_params.get("page_size")
        if size is None:
            self.size = self.page_size
        elif size.isdigit() and 1 <= int(size) <= self.max_page_size:
            self.size = int(size)
        else:
            raise ValidationError({"page_size": [f"Give a whole number from 1 to {self.max_page_size} when crawling."]})
        queryset = queryset.order_by("updated_at", "id")
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor:
            moment, pk = self.decode(cursor)
            queryset = queryset.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, id__gt=pk))
        rows = list(queryset[: self.size + 1])
        self.has_next = len(rows) > self.size
        rows = rows[: self.size]
        self.last = rows[-1] if rows else None
        return rows

    def get_next_link(self):
        if not self.has_next or self.last is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.encode(self.last))

    def get_paginated_response(self, data):
        response = Response(OrderedDict([("next", self.get_next_link()), ("results", data)]))
        self.link_header(response, {"next": self.get_next_link()})
        return response


class ResearchPagination(pagination.BasePagination):
    """Page numbers for people (`page`, `page_size` up to 500); `paginate=cursor` for crawlers."""

    def __init__(self):
        self.delegate = None

    def paginate_queryset(self, queryset, request, view=None):
        mode = request.query_params.get("paginate", "page")
        if mode not in ("page", "cursor"):
            raise ValidationError({"paginate": ["Allowed values for “paginate”: page, cursor."]})
        if mode == "page" and "cursor" in request.query_params:
            raise ValidationError({"cursor": ["A cursor is only used with paginate=cursor."]})
        if mode == "cursor" and "page" in request.query_params:
            raise ValidationError({"page": ["Page numbers are not used with paginate=cursor; follow `next`."]})
        self.delegate = KeysetCursorPagination() if mode == "cursor" else PageNumberPagination()
        return self.delegate.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.delegate.get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "description": "`count`/`previous` are present with page numbers; with `paginate=cursor` only `next` and `results`.",
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number (from 1), with page-number pagination.",
                "schema": {"type": "integer", "minimum": 1},
                "example": 1,
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": "Rows per page: 1–500 with page numbers (default 50), 1–1000 with a cursor (default 100).",
                "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                "example": 100,
            },
            {
                "name": "paginate",
                "in": "query",
                "required": False,
                "description": "`page` (default) or `cursor`: crawl in (updated_at, id) order, following `next` "
                "links, without gaps or repeats. Combine with `updated_since` to sync changes.",
                "schema": {"type": "string", "enum": ["page", "cursor"]},
                "example": "cursor",
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Opaque position from the `next` link of a cursor page.",
                "schema": {"type": "string"},
            },
        ]


# --- Renderers ------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    text = str(value)
    # Spreadsheets run cells starting like a formula; neutralise them (text is never a number here).
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def csv_rows(columns: dict[str, Callable], records) -> io.StringIO:
    """Flat CSV of serialized records with fixed `columns` (header -> function of the record)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(columns))
    for record in records:
        writer.writerow([_cell(fn(record)) for fn in columns.values()])
    return out


class CSVRenderer(renderers.BaseRenderer):
    """Lists as CSV with the view's fixed `csv_columns`; UTF-8 with a byte-order mark so that
    spreadsheets read non-Latin names correctly. Errors are rendered as `parameter,message` rows."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        if response is not None and response.status_code >= 400 or not hasattr(view, "csv_columns"):
            return ("\ufeff" + csv_rows({"parameter": lambda r: r[0], "message": lambda r: r[1]}, _error_rows(data)).getvalue()).encode()
        if isinstance(data, dict) and "results" in data:
            records = data["results"]
        elif isinstance(data, list):
            records = data
        else:
            records = [data]
        return ("\ufeff" + csv_rows(view.csv_columns, records).getvalue()).encode()


def _error_rows(data):
    if isinstance(data, dict):
        for key, value in data.items():
            for message in value if isinstance(value, list) else [value]:
                yield key, message
    elif data is not None:
        yield "detail", data


class GeoJSONRenderer(renderers.BaseRenderer):
    """A FeatureCollection; the view's `geojson_feature(record)` builds each feature."""

    media_type = "application/geo+json"
    format = "geojson"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        if response is not None and response.status_code >= 400:
            return json.dumps(data, ensure_ascii=False).encode()
        if isinstance(data, dict) and "results" in data:
            body = {"type": "FeatureCollection", "features": [view.geojson_feature(r) for r in data["results"]]}
            for key in ("count", "next", "previous"):
                if key in data:
                    body[key] = data[key]
        else:
            body = view.geojson_feature(data)
        return json.dumps(body, ensure_ascii=False, default=str).encode()


LIST_RENDERERS = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["json", "csv"],
    description="Response format; `csv` (same as `Accept: text/csv`) gives fixed, flat, documented columns.",
)


# --- Permissions -------------------------------------------------------------------


class CuratorWritePermission(permissions.DjangoModelPermissions):
    """Anyone reads. Creating and changing need the model's add/change permission (the Curators and
    Editors groups have them); deleting needs the delete permission (Editors only)."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().has_permission(request, view)


# --- Views ----------------------------------------------------------------------------------------


def service_errors(exc: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as a DRF 400, keyed by field where the service names one."""
    if getattr(exc, "code", None) == "source_required":
        return ValidationError({"sources": exc.messages})
    if hasattr(exc, "error_dict"):
        return ValidationError({k if k != "__all__" else "non_field_errors": v for k, v in exc.message_dict.items()})
    return ValidationError({"non_field_errors": exc.messages})


class ConditionalGetMixin:
    """ETag on every successful GET (a hash of the representation) and 304 on If-None-Match, so
    clients polling a list or a record pay nothing when it has not changed."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not getattr(response, "streaming", False):
            response.render()
            set_response_etag(response)
            patch_vary_headers(response, ("Accept", "Accept-Language"))
            conditional = get_conditional_response(request._request, etag=response.get("ETag"), response=response)
            if conditional is not response:
                return conditional
        return response


class WriteSerializerMixin(serializers.Serializer):
    """Rejects body fields the serializer does not know (e.g. `status`, which is derived), and
    carries the `reason` recorded in the history."""

    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=100, write_only=True,
        help_text="Why this change is made; stored in the record's history with your user name.",
    )

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                writable = sorted(name for name, f in self.fields.items() if not f.read_only)
                raise ValidationError(
                    {name: [f"Unknown or read-only field. Writable fields: {', '.join(writable)}."] for name in unknown}
                )
        return attrs


ERROR_SCHEMA = inline_serializer(
    "Error",
    fields={
        "detail": serializers.CharField(required=False, help_text="What went wrong, when it concerns no single field."),
    },
)

__all__ = [
    "CSVRenderer",
    "ConditionalGetMixin",
    "CuratorWritePermission",
    "GeoJSONRenderer",
    "ISODateFilter",
    "PartialDateField",
    "PartialDateFilter",
    "PartialDateInputField",
    "ResearchPagination",
    "StableOrderingFilter",
    "StrictBooleanFilter",
    "StrictFilterBackend",
    "UpdatedSinceFilter",
    "WriteSerializerMixin",
    "csv_rows",
    "either_side",
    "partial_date_columns",
    "plain_columns",
    "resolve_one",
    "service_errors",
]


class ResearchViewSetMixin(ConditionalGetMixin):
    """What every API resource shares: strict filters, page/cursor pagination, CSV, conditional
    GET, curator writes. Writes are implemented per resource through the services."""

    filter_backends = [StrictFilterBackend]
    pagination_class = ResearchPagination
    permission_classes = [CuratorWritePermission]
    renderer_classes = LIST_RENDERERS
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_renderers(self):
        request = getattr(self, "request", None)
        if request is not None and request.method not in ("GET", "HEAD"):
            # writes (and OPTIONS) answer in JSON, whatever format was asked
            return [renderers.JSONRenderer(), renderers.BrowsableAPIRenderer()]
        return super().get_renderers()

    def perform_content_negotiation(self, request, force=False):
        if request.method == "OPTIONS":  # the description of an endpoint is JSON, whatever the format asked
            return renderers.JSONRenderer(), renderers.JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def prepare_rows(self, rows: list) -> None:
        """Load what a page of rows needs beyond its queryset (a constant number of queries)."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self.prepare_rows(page)
        return page

    def write_context(self):
        data = self.request.data
        reason = data.get("reason", "") if hasattr(data, "get") else ""
        return {"user": self.request.user, "reason": reason or "Recorded through the API"}
