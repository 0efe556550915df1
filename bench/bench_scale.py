"""One table of what readers wait for, at the scale of the data in the database (in-process, through
the full Django stack with Django's test client; p50/p95 of BENCH_RUNS runs, default 15).

Run on generated data (see bench/generate.py):
    BENCH_DB=bench_perf_20k ./bench/run bench/bench_scale.py            # or with DATABASE_URL set:
    DJANGO_SETTINGS_MODULE=config.settings PYTHONPATH=. python bench/bench_scale.py [--slow]

Prints each request's p50/p95, query count and size; the yardsticks for the first page of the pairing
list, as ratios (bench/scale_urls.py: a bare view writing the same page, checked byte for byte, from one
query; a bare view of a slimmer page; a naive viewset); then a full CSV export and a full cursor crawl.
Public pages and anonymous API reads are answered from a cache keyed by the register's version: `1st ms`
is the first (cold) request, p50/p95 what every later reader waits; the API's "computed" rows empty the
cache before every request (what a reader waits for just after a write). Then the sitemap, the full streamed CSV
export (time and peak RSS growth) and the cursor crawl.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TWINWATCH_THROTTLE_ANON", "100000000/minute")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

import orjson  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from twinning.models import Pairing, Place  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def measure(client, url, runs=RUNS, computed=False):
    """p50/p95 of `runs` requests; `computed`: with the cache emptied before each one, so every request
    computes its answer (what a reader waits for just after a write)."""
    times, queries, size = [], 0, 0
    for _ in range(runs):
        if computed:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            content = body_of(response)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code, content[:300])
        queries, size = len(captured), len(content)
    first = times[0] * 1000
    if not computed and len(times) > 1:
        times = times[1:]  # the first request filled the cache: `first` reports it, p50/p95 the readers after it
    times.sort()
    p50 = statistics.median(times) * 1000
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000
    return p50, p95, queries, size, first


# Every measured request by kind, for the targets at the end: (label, p50, p95, queries, first).
MEASURED: dict[str, list[tuple]] = {}


# Every printed row in order, for the side-by-side table of bench/scale (BENCH_JSON): full labels.
ROWS: list[dict] = []


def row(label, p50, p95, queries, size, first=None, note="", kind=None):
    full = label.strip()
    if label.startswith("  computed"):
        full = f"{ROWS[-1]['label'].removesuffix(', computed')}, computed" if ROWS else full
    ROWS.append({"label": full, "p50": p50, "p95": p95, "queries": queries, "first": first})
    if kind:
        MEASURED.setdefault(kind, []).append((full, p50, p95, queries, first))
    cold = f"{first:9.1f}" if first is not None else " " * 9
    print(f"| {label:<66} | {p50:9.1f} | {p95:9.1f} | {cold} | {queries:4d} | {size / 1024:9.1f} | {note}", flush=True)


COUNTED = [
    "/api/v1/pairings/",
    "/api/v1/pairings/?status=severed",
    "/api/v1/pairings/?as_of=2010-01-01&status=severed",
    "/api/v1/pairings/?country=CN",
    "/api/v1/pairings/?country=GB",
    "/api/v1/pairings/?countries=GB,CN",
    "/api/v1/pairings/?as_of=2020-01-01&status=severed&country=GB",
    "/api/v1/pairings/?as_of=2010-01-01&status=severed&country=CN",
    "/api/v1/pairings/?relationship=friendship",
    "/api/v1/pairings/?q=Taiyuan",
]


def counts(client):
    """Each list's `count` as answered (the planner's estimate above MAX_PAGED_ROWS) against the true
    number: an estimate is only as good as the planner's statistics for that filter."""
    from core.api import pagination

    print("\n| list | count answered | exact? | true count | answered / true |")
    print("|---|---|---|---|---|")
    for url in COUNTED:
        cache.clear()
        answered = orjson.loads(client.get(url).content)
        cap, pagination.MAX_PAGED_ROWS = pagination.MAX_PAGED_ROWS, 10**9
        try:
            cache.clear()
            true = orjson.loads(client.get(url).content)["count"]
        finally:
            pagination.MAX_PAGED_ROWS = cap
        ratio = answered["count"] / true if true else float("nan")
        print(f"| `{url.removeprefix('/api/v1/pairings/')}` | {answered['count']:,} | {answered['count_is_exact']} | "
              f"{true:,} | {ratio:.3f} |", flush=True)


@override_settings(ROOT_URLCONF="bench.scale_urls", DEBUG=False)
def main():
    n = Pairing.objects.count()
    client = Client()
    pages = max(1, (n + 49) // 50)
    deep = min(200, pages)  # page numbers reach the first 10,000 rows (core.api.pagination)
    busiest = (
        Place.objects.raw(
            "SELECT p.id, p.slug FROM twinning_place p JOIN twinning_pairing x ON x.place_a_id = p.id "
            "GROUP BY p.id ORDER BY count(*) DESC LIMIT 1"
        )[0]
    )
    busiest_count = Pairing.objects.filter(place_a=busiest).count() + Pairing.objects.filter(place_b=busiest).count()
    middle = Pairing.objects.order_by("pk")[n // 2]
    print(f"\n{n} pairings, {RUNS} runs each; times in ms\n")
    print(f"| {'request':<66} | {'p50 ms':>9} | {'p95 ms':>9} | {'1st ms':>9} | {'qry':>4} | {'KiB':>9} |")
    print(f"|{'-' * 68}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 6}|{'-' * 11}|")
    first = measure(client, "/api/v1/pairings/")
    row("/api/v1/pairings/ first page (cached)", *first, kind="api")
    computed = measure(client, "/api/v1/pairings/", computed=True)
    row("/api/v1/pairings/ first page, computed", *computed, kind="api computed")
    bare = measure(client, "/bench/bare/same/")
    same = same_bytes(client)
    row("  bare Django view, same page (1 query)", *bare,
        note=f"ours = {first[0] / bare[0]:.1f}x bare cached, {computed[0] / bare[0]:.1f}x computed; "
             f"same rows byte for byte: {'yes' if same else 'NO'}")
    slim = measure(client, "/bench/bare/")
    row("  bare view, slimmer page (8 fields, 1 query)", *slim,
        note=f"ours = {first[0] / slim[0]:.1f}x cached, {computed[0] / slim[0]:.1f}x computed")
    naive = measure(client, "/bench/naive/")
    row("  naive DRF ModelViewSet (N+1)", *naive,
        note=f"ours = {first[0] / naive[0]:.2f}x naive cached, {computed[0] / naive[0]:.2f}x computed")
    requests = [
        (f"?page={deep}", f"/api/v1/pairings/?page={deep}"),
        ("?as_of=2010-01-01&status=severed", "/api/v1/pairings/?as_of=2010-01-01&status=severed"),
        ("?q=Taiyuan", "/api/v1/pairings/?q=Taiyuan"),
        ("?country=CN", "/api/v1/pairings/?country=CN"),
        ("?as_of=2020-01-01&status=severed&country=GB", "/api/v1/pairings/?as_of=2020-01-01&status=severed&country=GB"),
        ("?format=csv&page_size=500", "/api/v1/pairings/?format=csv&page_size=500"),
        ("?as_of=2020-01-01&format=csv&page_size=500", "/api/v1/pairings/?as_of=2020-01-01&format=csv&page_size=500"),
        ("?as_of=2020-01-01&status=severed&country=GB&relationship=friendship",
         "/api/v1/pairings/?as_of=2020-01-01&status=severed&country=GB&relationship=friendship"),
        ("?paginate=cursor", "/api/v1/pairings/?paginate=cursor"),
        ("?countries=GB,CN", "/api/v1/pairings/?countries=GB,CN"),
        ("pairing detail", f"/api/v1/pairings/{middle.pk}/"),
        ("/api/v1/events/", "/api/v1/events/"),
        ("/api/v1/events/?country=GB&page=100", "/api/v1/events/?country=GB&page=100"),
        ("/api/v1/places/", "/api/v1/places/"),
        ("/api/v1/sources/?page=100", "/api/v1/sources/?page=100"),
    ]
    for label, url in requests:
        kind = "detail" if label == "pairing detail" else "api"
        row(label, *measure(client, url), kind=kind)
        row("  computed", *measure(client, url, computed=True), kind=f"{kind} computed")
    requests = [
        ("/api/v1/stats/", "/api/v1/stats/"),
        ("public /pairings/", "/pairings/"),
        ("public /pairings/?status=severed&page=50", "/pairings/?status=severed&page=50"),
        ("public /pairings/?country=CN&page=30", "/pairings/?country=CN&page=30"),
        (f"place page ({busiest_count} pairings)", f"/places/{busiest.slug}/"),
        ("public pairing page", f"/pairings/{middle.slug}/"),
        ("/ (home)", "/"),
    ]
    for label, url in requests:
        row(label, *measure(client, url), kind="api" if url.startswith("/api/") else "public")
    from web.sitemaps import SECTION_ITEMS

    sections = max(1, -(-n // SECTION_ITEMS))
    for label, url in [
        ("/map/", "/map/"),
        ("/stats/", "/stats/"),
        ("/sitemap.xml (index)", "/sitemap.xml"),
        ("/sitemap-pairings.xml first section", "/sitemap-pairings.xml"),
        (f"/sitemap-pairings.xml?p={sections} last", f"/sitemap-pairings.xml?p={sections}"),
    ]:
        row(label, *measure(client, url, runs=min(RUNS, 5)), kind="sitemap" if "sitemap" in url else "public")

    counts(client)

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    response = client.get("/api/v1/pairings/export/")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    export = time.perf_counter() - start
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\nfull CSV export streamed (/api/v1/pairings/export/): {export:.1f} s, {lines - 1} rows, "
          f"{size / 2**20:.0f} MiB; peak RSS growth {(rss1 - rss0) / 1024:.0f} MB")

    crawl = None
    if "--no-crawl" not in sys.argv:
        crawl = crawl_all(client)
    targets(first, computed, bare if same else None, naive, export, (rss1 - rss0) / 1024, crawl)
    if os.environ.get("BENCH_JSON"):
        with open(os.environ["BENCH_JSON"], "wb") as out:
            out.write(orjson.dumps({"pairings": n, "rows": ROWS, "export_s": export, "crawl_s": crawl}))


def same_bytes(client) -> bool:
    """Whether the bare view's page and the API's first page give the same rows, byte for byte (the
    yardstick is only one if they do)."""
    cache.clear()
    ours = client.get("/api/v1/pairings/").content.split(b'"results":', 1)[1]
    bare = client.get("/bench/bare/same/").content.split(b'"results":', 1)[1]
    return ours == bare


def crawl_all(client):
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, rows, url = time.perf_counter(), 0, "/api/v1/pairings/?paginate=cursor&page_size=1000"
    while url:
        body = orjson.loads(client.get(url).content)  # a crawler's parse (the standard library's: ~55 ms a page more)
        rows += len(body["results"])
        url = body["next"]
    crawl = time.perf_counter() - start
    print(f"\nfull cursor crawl (page_size=1000): {crawl:.1f} s, {rows} rows")
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS growth during the crawl: {(rss1 - rss0) / 1024:.0f} MB")
    return crawl


def targets(first, computed, bare, naive, export, export_rss, crawl):
    """Issue 9's targets (at 300,000 pairings) against this run: each line says whether it holds, and
    the worst request when it does not. The API's "computed" rows are what a reader waits for just after
    a write (the cache emptied); the others what every later reader waits for."""
    lines = []

    def check(target, holds, measured):
        lines.append(f"| {target} | {measured} | {'holds' if holds else '**over**'} |")

    def worst(kind, index):
        rows = MEASURED.get(kind, [])
        return max(rows, key=lambda r: r[index]) if rows else ("—", 0, 0, 0, 0)

    for kind, what in (("api", "API lists, cached"), ("api computed", "API lists, computed")):
        w50, w95, wq = worst(kind, 1), worst(kind, 2), worst(kind, 3)
        check(f"{what}: p50 ≤ 25 ms", w50[1] <= 25, f"worst {w50[1]:.1f} ({w50[0]})")
        check(f"{what}: p95 ≤ 60 ms", w95[2] <= 60, f"worst {w95[2]:.1f} ({w95[0]})")
        check(f"{what}: ≤ 6 queries", wq[3] <= 6, f"most {wq[3]} ({wq[0]})")
    for kind, what in (("detail", "pairing detail, cached"), ("detail computed", "pairing detail, computed")):
        w = worst(kind, 1)
        check(f"{what}: p50 ≤ 15 ms", w[1] <= 15, f"{w[1]:.1f}")
    if bare is None:
        check("first page within 2x of the bare view (same page)", False, "the bare view's rows differ from the API's")
    else:
        check("first page within 2x of the bare view, same page (cached)", first[0] <= 2 * bare[0], f"{first[0] / bare[0]:.1f}x")
        check("first page within 2x of the bare view, same page (computed)", computed[0] <= 2 * bare[0],
              f"{computed[0] / bare[0]:.1f}x")
    check("≥ 5x faster than the naive viewset (computed)", naive[0] >= 5 * computed[0], f"{naive[0] / computed[0]:.1f}x")
    w = worst("public", 1)
    check("public pages (list, filters, place, pairing, /, /stats/, /map/): p50 ≤ 50 ms", w[1] <= 50, f"worst {w[1]:.1f} ({w[0]})")
    w = worst("sitemap", 4)
    check("sitemap sections ≤ 1 s each (first render)", w[4] <= 1000, f"worst {w[4]:.0f} ms ({w[0]})")
    check("full CSV export ≤ 10 s", export <= 10, f"{export:.1f} s")
    check("full CSV export RSS growth ≤ 100 MB", export_rss <= 100, f"{export_rss:.0f} MB")
    if crawl is not None:
        check("cursor crawl of all pairings ≤ 60 s", crawl <= 60, f"{crawl:.1f} s")
    print("\n| target (issue 9, at 300,000 pairings) | measured | |")
    print("|---|---|---|")
    print("\n".join(lines))
    print("(req/s under gunicorn against the bare view: bench/wrk.sh)")


if __name__ == "__main__":
    main()
