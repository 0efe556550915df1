"""Benchmark: search (twinning/search.py) at world scale, through the full Django/DRF stack.

Run against a database holding the demo and the Wikidata world import (README: load_demo, then
import_wikidata), never the test database:

    DATABASE_URL=postgres://…/dev_search DJANGO_DEBUG=1 .venv/bin/python bench/bench_search.py [REPEAT]

Prints, per request, the median (p50) wall time and SQL time (as Django times it) and the best wall
time over REPEAT runs (default 25), and the number of SQL queries; then the EXPLAIN ANALYZE time of
the place-matching query. Also times the unfiltered API list, for comparison on a busy machine.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TWINWATCH_THROTTLE_ANON", "100000000/minute")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models.expressions import RawSQL  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from twinning import search  # noqa: E402
from twinning.models import Pairing, Place, PlaceName  # noqa: E402

QUERIES = ["nottinghm ningpo", "Nottingham – Ningbo", "Peking", "BANES", "諾丁漢", "san", "newcastle upon tyne taiyuan", "xyzzy"]


def measure(label, fn, repeat):
    times, sql, count = [], [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        count = len(captured)
        sql.append(sum(float(q["time"]) for q in captured.captured_queries))
    print(
        f"{label:<50} p50 {statistics.median(times) * 1000:7.1f} ms (SQL {statistics.median(sql) * 1000:6.1f} ms)"
        f"  best {min(times) * 1000:7.1f} ms  {count:2d} queries"
    )


def main():
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    print(f"{Place.objects.count()} places, {PlaceName.objects.count()} other names, {Pairing.objects.count()} pairings")
    client = Client()

    def get(url, params):
        def call():
            response = client.get(url, params)
            assert response.status_code == 200, (url, params, response.status_code)
        return call

    for q in QUERIES:
        measure(f"selector search({q!r})", lambda q=q: search.search(q), repeat)
    measure("API /api/v1/pairings/ (no q, for comparison)", get("/api/v1/pairings/", {}), repeat)
    for q in QUERIES:
        measure(f"API /api/v1/pairings/?q={q}", get("/api/v1/pairings/", {"q": q}), repeat)
    for q in ("nottinghm", "Peking", "san"):
        measure(f"API /api/v1/places/?q={q}", get("/api/v1/places/", {"q": q}), repeat)
    for q in ("nottinghm ningpo", "xyzzy"):
        measure(f"page /pairings/?q={q}", get("/pairings/", {"q": q}), repeat)
    for q in ("notti", "nottinghm ningpo"):
        measure(f"suggest /search/suggest/?q={q}", get("/search/suggest/", {"q": q}), repeat)

    qs = Place.objects.filter(pk__in=RawSQL(*search._candidate_ids(["nottinghm", "ningpo"])))
    plan = qs.explain(analyze=True)
    print("place candidates (UNION of trigram index scans):", plan.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
