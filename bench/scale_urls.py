"""URLs for bench/bench_scale.py: the project's own, plus yardsticks for the pairing list —
- `bench/bare/same/`: a bare Django view answering the same first page from one SQL query: the same
  bytes for every row (places, status and latest events with their sources, labels, dates), the whole
  answer written by PostgreSQL and sent as it comes, with no count but the table's statistics, no
  validation, caching or content negotiation. bench_scale.py checks that its rows are the API's, byte
  for byte. It is the issue's yardstick: what one query costs to answer the same page.
- `bench/bare/`: a bare view answering a slimmer page (8 fields a row, the places' names and
  countries, no events or sources) from one SQL query: what a list of a third of the content costs.
- `bench/naive/`: a naive DRF ModelViewSet (nested ModelSerializers, no select_related: N+1 queries).
All sort as the list does, by the pairing's indexed copies of its places' names (`sort_a`, `sort_b`),
so the ratios compare the code, not the sort."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from rest_framework import pagination, routers, serializers, viewsets

from config.urls import urlpatterns as project_urls
from twinning.api.sqlrows import PairingJSON
from twinning.models import Pairing, Place
from twinning.selectors import PAIRING_RECORD_FIELDS, pairings_with_status

BARE_SQL = """
SELECT p.id, p.slug, p.relationship, p.status, p.status_since, p.status_since_precision,
       a.id, a.slug, a.name, a.country, b.id, b.slug, b.name, b.country
FROM twinning_pairing p JOIN twinning_place a ON a.id = p.place_a_id JOIN twinning_place b ON b.id = p.place_b_id
ORDER BY p.sort_a, p.sort_b, p.id LIMIT 50
"""


def bare(request):
    with connection.cursor() as cur:
        cur.execute(BARE_SQL)
        rows = cur.fetchall()
    results = [
        {
            "id": r[0], "slug": r[1], "relationship": r[2], "status": r[3],
            "status_since": r[4].isoformat() if r[4] else None, "status_since_precision": r[5],
            "place_a": {"id": r[6], "slug": r[7], "name": r[8], "country": r[9]},
            "place_b": {"id": r[10], "slug": r[11], "name": r[12], "country": r[13]},
        }
        for r in rows
    ]
    return JsonResponse({"results": results})


SAME_PAGE_SQL: dict = {}


def same_page_sql() -> tuple[str, list]:
    """One query answering the API's first page whole: its 50 rows' JSON as the API writes it (the
    project's SQL for the rows, so the bytes are the same), in the list's order, inside the page's
    envelope; the count is the table's row estimate. Built once, as a developer would write it down."""
    if not SAME_PAGE_SQL:
        first = Pairing.objects.order_by("sort_a", "sort_b", "id").values("pk")[:50]
        base = pairings_with_status().filter(pk__in=first).order_by().values_list(*PAIRING_RECORD_FIELDS)
        base_sql, base_params = base.query.sql_with_params()
        builder = PairingJSON()
        SAME_PAGE_SQL["sql"] = f"""
            WITH page AS (SELECT id, sort_a, sort_b FROM twinning_pairing ORDER BY sort_a, sort_b, id LIMIT 50),
            written AS ({builder.sql(base_sql)})
            SELECT '{{"count":' || (SELECT reltuples::bigint FROM pg_class WHERE oid = 'twinning_pairing'::regclass)
                   || ',"count_is_exact":false,"next":' || to_json(%s::text) || ',"previous":null,"results":['
                   || string_agg(w.j, ',' ORDER BY p.sort_a, p.sort_b, p.id) || ']}}'
            FROM page p JOIN written w (id, j) ON w.id = p.id
        """
        SAME_PAGE_SQL["params"] = [*base_params, *builder.params]
    return SAME_PAGE_SQL["sql"], SAME_PAGE_SQL["params"]


def bare_same(request):
    sql, params = same_page_sql()
    with connection.cursor() as cur:
        cur.execute(sql, [*params, request.build_absolute_uri("/api/v1/pairings/?page=2")])
        (body,) = cur.fetchone()
    return HttpResponse(body, content_type="application/json")


class NaivePlace(serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = ["id", "slug", "name", "country"]


class NaivePairing(serializers.ModelSerializer):
    place_a = NaivePlace()
    place_b = NaivePlace()

    class Meta:
        model = Pairing
        fields = ["id", "slug", "relationship", "status", "status_since", "status_since_precision", "place_a", "place_b"]


class NaivePages(pagination.PageNumberPagination):
    page_size = 50


class NaiveViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = NaivePages
    serializer_class = NaivePairing
    queryset = Pairing.objects.order_by("sort_a", "sort_b", "id")
    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    filter_backends = []


router = routers.SimpleRouter()
router.register("naive", NaiveViewSet, basename="naive")

urlpatterns = [path("bench/bare/same/", bare_same), path("bench/bare/", bare), path("bench/", include(router.urls)), *project_urls]
