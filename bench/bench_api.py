"""Benchmark: the researcher API at scale (in-process, through the full Django/DRF stack).

Run:  ./bench/run bench/bench_api.py [PAIRINGS] [EVENTS_PER_PAIRING] [--reuse]
(--reuse times the data already in the scratch database instead of building it again.)
Builds its data with bench_status.build in the scratch database (bench_twinwatch), derives every
status through the service, then times the main API calls and counts their queries.
"""

import os
import sys
import time

os.environ.setdefault("TWINWATCH_THROTTLE_ANON", "100000000/minute")
sys.path.insert(0, os.path.dirname(__file__))

from bench_status import build  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from twinning.services import pairing_status_refresh  # noqa: E402


def measure(client, label, url, repeat=3, **headers):
    best, queries, size = None, 0, 0
    for _ in range(repeat):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, **headers)
            elapsed = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        best = elapsed if best is None else min(best, elapsed)
        queries, size = len(captured), len(response.content)
    print(f"{label:<58} {best * 1000:9.1f} ms {queries:3d} queries {size / 1024:9.1f} KiB")
    return response


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 20000
    per = int(args[1]) if len(args) > 1 else 5
    if "--reuse" in sys.argv:
        from twinning.models import Pairing

        pairings = list(Pairing.objects.order_by("pk"))
        n = len(pairings)
        print(f"{n} pairings (reused)")
    else:
        print(f"{n} pairings x {per} events")
        t0 = time.perf_counter()
        pairings = build(n, per)
        for pairing in pairings:
            pairing_status_refresh(pairing=pairing)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print(f"{'build + derive every status':<58} {(time.perf_counter() - t0) * 1000:9.1f} ms")

    client = Client()
    measure(client, "pairings, first page (50)", "/api/v1/pairings/")
    measure(client, "pairings, page 100 of 50", "/api/v1/pairings/?page=100")
    measure(client, "pairings, page_size=500", "/api/v1/pairings/?page_size=500")
    measure(client, "pairings, status=severed", "/api/v1/pairings/?status=severed")
    measure(client, "pairings, countries=GB,CN&status=severed", "/api/v1/pairings/?countries=GB,CN&status=severed")
    measure(client, "pairings, as_of=2010-01-01&status=severed", "/api/v1/pairings/?as_of=2010-01-01&status=severed")
    measure(client, "pairings, q=P12", "/api/v1/pairings/?q=P12")
    measure(client, "pairings CSV, page_size=500", "/api/v1/pairings/?page_size=500&format=csv")
    measure(client, "pairings, cursor page (100)", "/api/v1/pairings/?paginate=cursor")
    measure(client, "pairing detail", f"/api/v1/pairings/{pairings[n // 2].pk}/")
    measure(client, "events, type=decision_sever&date_after=2000", "/api/v1/events/?type=decision_sever&date_after=2000")
    measure(client, "stats", "/api/v1/stats/")
    first = client.get("/api/v1/pairings/")
    start = time.perf_counter()
    response = client.get("/api/v1/pairings/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304
    print(f"{'  -> 304 in':<58} {(time.perf_counter() - start) * 1000:9.1f} ms")

    start, rows, url = time.perf_counter(), 0, "/api/v1/pairings/?paginate=cursor&page_size=1000"
    while url:
        body = client.get(url).json()
        rows += len(body["results"])
        url = body["next"]
    print(f"{'full cursor crawl (page_size=1000)':<58} {(time.perf_counter() - start) * 1000:9.1f} ms {rows} rows")


if __name__ == "__main__":
    main()
