"""Page numbers for people, keyset cursors for crawlers, one class choosing between them."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.text import is_ascii_digits

# --- Pagination -----------------------------------------------------------------------------------


class LinkHeaderMixin:
    def link_header(self, response, links: dict) -> None:
        parts = [f'<{url}>; rel="{rel}"' for rel, url in links.items() if url]
        if parts:
            response["Link"] = ", ".join(parts)


# Page numbers reach this many rows; deeper, OFFSET would cost a scan, so the cursor takes over.
MAX_PAGED_ROWS = 10_000


def estimated_count(queryset) -> int:
    """The planner's row estimate for a queryset (no scan)."""
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a filter that can match nothing (e.g. `pk__in=[]`)
        return 0
    with connections[queryset.db].cursor() as cur:
        cur.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cur.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def rows_by_ids(queryset, page_slice) -> list:
    """A page in one query that finds its ids first (the ordering and OFFSET on bare rows, in a
    subquery), then computes the full rows for those ids only. PostgreSQL otherwise computes a view's
    per-row subqueries (status, latest event, sources) for every row the OFFSET skips: seconds for
    page 200."""
    return list(queryset.filter(pk__in=page_slice.values("pk")))


class IdsFirstPaginator(Paginator):
    """Django's paginator whose pages read their rows with `rows_by_ids`, so a deep page of an annotated
    list costs what the first does (the public lists), and the first page of a few thousand rows joins its
    places for its own rows only: a place with 1,236 pairings at 300,000 hashed every place twice to
    sort them all, 55 ms, against 4 ms for the page's ids first."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list[bottom:top]
        if hasattr(rows, "values"):
            rows = rows_by_ids(self.object_list, rows)
        return self._get_page(rows, number, self)


# A list this short is always counted exactly, whatever the planner expects.
ALWAYS_COUNTED_ROWS = 1_000

# A list of ids known to have at most this many rows is read whole (PageNumberPagination._read_whole).
WHOLE_ROWS = 5_000


def capped_count(queryset) -> tuple[int, bool]:
    """How many rows `queryset` has, and whether that is exact. The planner's estimate first (no scan):
    above MAX_PAGED_ROWS it is the answer (said to be an estimate), since counting even the first
    MAX_PAGED_ROWS + 1 rows of a list on a date costs ~40 ms at 300,000 pairings — once a count that
    stops at ALWAYS_COUNTED_ROWS + 1 rows (a tenth of that) has shown the list is not short. The
    planner's statistics lag behind big changes (a large import rolled back or many rows deleted leave
    the table's pages behind until autovacuum runs), and "about 10,600 pairings" must never be said of
    30. Else an exact count that stops at MAX_PAGED_ROWS + 1 rows (never a scan of the table); if that
    finds more than the estimate said, the estimate is still the answer. All run on the bare ids,
    without the per-row subqueries of the list."""
    if queryset.query.is_empty():  # `.none()`: nothing to ask the database
        return 0, True
    lean = queryset.order_by().values("pk")
    # A queryset that knows it has few rows (`rows_at_most`) is counted exactly, without the estimate.
    bound = queryset.rows_at_most() if hasattr(queryset, "rows_at_most") else None
    estimate = 0 if bound is not None and bound <= MAX_PAGED_ROWS else estimated_count(lean)
    if estimate > MAX_PAGED_ROWS:
        floor = lean[: ALWAYS_COUNTED_ROWS + 1].count()
        if floor <= ALWAYS_COUNTED_ROWS:
            return floor, True
        return estimate, False
    # A queryset may know a form of itself cheaper to count whole (as many rows: the same with a condition
    # its indexes serve added, or rows of another table matching them one for one). Not for the estimate, which the redundant condition would skew low, nor for
    # the floor above, which stops at the first rows found of a long list.
    if hasattr(queryset, "for_counting"):
        lean = queryset.for_counting()
        if not lean.query.combinator:  # a union is counted as it is
            lean = lean.order_by().values("pk")
    exact = lean[: MAX_PAGED_ROWS + 1].count()
    if exact <= MAX_PAGED_ROWS:
        return exact, True
    return max(estimate, exact), False


class CappedCountPaginator(Paginator):
    """Django's paginator counting with `capped_count`: `count_is_exact` says whether `count` is."""

    count_is_exact = True

    @cached_property
    def count(self):
        count, self.count_is_exact = capped_count(self.object_list)
        return count


class CappedIdsFirstPaginator(CappedCountPaginator, IdsFirstPaginator):
    """IdsFirstPaginator counting with `capped_count`: beyond MAX_PAGED_ROWS the count is the
    planner's estimate (`count_is_exact` is False; pages should say "about") and the page numbers stop
    at the cap — a list that long is narrowed with filters, not paged through."""

    @cached_property
    def num_pages(self):
        pages = super().num_pages
        return pages if self.count_is_exact else max(1, min(pages, MAX_PAGED_ROWS // self.per_page))


class PageNumberPagination(LinkHeaderMixin, pagination.PageNumberPagination):
    django_paginator_class = CappedCountPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not is_ascii_digits(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size} (the cap); the default is {self.page_size}."]}
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not is_ascii_digits(raw) or int(raw) < 1:
            raise ValidationError({"page": ["Give a page number: a whole number from 1."]})
        self.page_size_value = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, self.page_size_value)
        number = int(raw)
        if (number - 1) * self.page_size_value >= MAX_PAGED_ROWS:
            cursor = replace_query_param(request.build_absolute_uri(), "paginate", "cursor")
            cursor = remove_query_param(remove_query_param(cursor, "page"), "page_size")
            raise ValidationError(
                {"page": [f"Page numbers reach the first {MAX_PAGED_ROWS} rows; to go deeper, crawl with a cursor: {cursor}"]}
            )
        if self._read_whole(paginator, queryset, number):
            self.request = request
            return list(self.page)
        if number == 1:
            # The first page and one row more: when that is all there is, the count is the rows read, with
            # no estimate or count asked of the database (a filtered list is often this short).
            rows = list(queryset[: self.page_size_value + 1])
            if len(rows) <= self.page_size_value:
                paginator.__dict__["count"], paginator.count_is_exact = len(rows), True
            self.page = paginator._get_page(rows[: self.page_size_value], 1, paginator)
            self.request = request
            return list(self.page)
        if paginator.count_is_exact:
            self._refuse_past_last(paginator, number)
        self.page = paginator.page(number) if paginator.count_is_exact else paginator._get_page(
            paginator.object_list[(number - 1) * self.page_size_value : number * self.page_size_value], number, paginator
        )
        self.request = request
        if number > 1 and getattr(view, "page_ids_first", False) and not isinstance(self.page.object_list, list):
            self.page.object_list = rows_by_ids(queryset, self.page.object_list)
        return list(self.page)

    @staticmethod
    def _refuse_past_last(paginator, number: int) -> None:
        """A 400 for a page past the last of an exactly counted list."""
        if number > max(paginator.num_pages, 1):
            pages = paginator.num_pages
            there = "There is only 1 page" if pages == 1 else f"There are only {pages} pages"
            raise ValidationError({"page": [f"{there} at this page size; give a page number from 1 to {pages}."]})

    def _read_whole(self, paginator, queryset, number: int) -> bool:
        """A list of ids only (`core.records` of "pk") that knows it has at most WHOLE_ROWS rows
        (`rows_at_most`, e.g. PairingQuerySet.narrowed) is read whole in one query, in its order: its
        count is the rows read and its page a slice of them, where a page and a count would each find
        every row (the page to sort them). False, and nothing read, otherwise."""
        from core.records import record_fields

        bound = queryset.rows_at_most() if hasattr(queryset, "rows_at_most") else None
        if bound is None or bound > WHOLE_ROWS or record_fields(queryset) != ("pk",):
            return False
        rows = list(queryset[:bound])
        paginator.__dict__["count"], paginator.count_is_exact = len(rows), True
        self._refuse_past_last(paginator, number)
        size = self.page_size_value
        self.page = paginator._get_page(rows[(number - 1) * size : number * size], number, paginator)
        return True

    def get_paginated_response(self, data):
        response = Response(
            OrderedDict(
                [
                    ("count", self.page.paginator.count),
                    ("count_is_exact", self.page.paginator.count_is_exact),
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
                "count_is_exact": {
                    "type": "boolean",
                    "description": f"False when the database's planner expects more than {MAX_PAGED_ROWS} rows to match (or more "
                    "do): `count` is then its estimate, usually within a few percent. A list of up to "
                    f"{ALWAYS_COUNTED_ROWS} rows is always counted exactly.",
                },
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
        elif is_ascii_digits(size) and 1 <= int(size) <= self.max_page_size:
            self.size = int(size)
        else:
            raise ValidationError({"page_size": [f"Give a whole number from 1 to {self.max_page_size} when crawling."]})
        queryset = queryset.order_by("updated_at", "id")
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor:
            moment, pk = self.decode(cursor)
            # A row comparison, which the (updated_at, id) index answers as a range: the equivalent
            # `updated_at > m OR (updated_at = m AND id > pk)` is a filter over every row before the
            # cursor (a deep page of a crawl read the whole table, more so when many rows share a time).
            table = connections[queryset.db].ops.quote_name(queryset.model._meta.db_table)
            after = RawSQL(f"({table}.updated_at, {table}.id) > (%s, %s)", (moment, pk), output_field=BooleanField())
            queryset = queryset.filter(after)
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
            "description": "`count`/`count_is_exact`/`previous` are present with page numbers; with `paginate=cursor` "
            f"only `next` and `results`. Page numbers reach the first {MAX_PAGED_ROWS} rows; crawl deeper with a cursor. "
            f"Above {MAX_PAGED_ROWS} matching rows (as the database's planner expects them) `count` is its estimate "
            f"(`count_is_exact: false`); a list of up to {ALWAYS_COUNTED_ROWS} rows is always counted exactly.",
            "properties": {
                "count": {"type": "integer", "example": 123},
                "count_is_exact": {"type": "boolean"},
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
                "description": f"Page number (from 1), with page-number pagination, up to the first {MAX_PAGED_ROWS} rows; "
                "deeper pages answer 400 with the cursor link to use instead (`paginate=cursor`).",
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
                "example": "page",  # the documented examples are used together: `page=1` goes with this
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Opaque position from the `next` link of a cursor page.",
                "schema": {"type": "string"},
            },
        ]


