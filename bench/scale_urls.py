"""URLs for bench/bench_scale.py: the project's own, plus two yardsticks for the pairing list —
a bare Django view answering the same first page from one SQL query, and a naive DRF ModelViewSet
(nested ModelSerializers, no select_related: N+1 queries). Both sort as the list does, by the
pairing's indexed copies of its places' names (`sort_a`, `sort_b`), so the ratios compare the code,
not the sort."""

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from rest_framework import pagination, routers, serializers, viewsets

from config.urls import urlpatterns as project_urls
from twinning.models import Pairing, Place

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

urlpatterns = [path("bench/bare/", bare), path("bench/", include(router.urls)), *project_urls]
