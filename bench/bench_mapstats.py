"""Benchmark: the map and the statistics (in-process, through the full Django stack) on the data already
in the database — load the demo and the world import first (README, "World register"):

    DATABASE_URL=postgres://…/dev_mapstats DJANGO_DEBUG=1 .venv/bin/python bench/bench_mapstats.py [REPEAT]

Prints p50 and p95 (the first request, which fills the cache, is timed apart as "cold"), the number of
queries and the size of each answer. Timings live here, never in tests.
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

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from twinning.models import Event, Pairing  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]

URLS = [
    ("/map/ (default: curated only)", "/map/"),
    ("/map/?listed=1 (every pairing: aggregated)", "/map/?listed=1"),
    ("/map/?status=severed (filtered)", "/map/?status=severed"),
    ("/map/?country=CN&listed=1 (one country)", "/map/?country=CN&listed=1"),
    ("/stats/", "/stats/"),
    ("/stats/ CSV (decisions per year)", "/stats/decisions-per-year.csv"),
    ("/api/v1/stats/", "/api/v1/stats/"),
]


def measure(client, label, url, repeat):
    times, queries, size = [], 0, 0
    start = time.perf_counter()
    response = client.get(url)
    cold = time.perf_counter() - start
    if response.status_code == 404:
        print(f"{label:<46} (no such URL)")
        return
    assert response.status_code == 200, (url, response.status_code)
    runs = repeat if cold < 1 else 3
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        queries, size = len(captured), len(response.content)
    times.sort()
    p50 = statistics.median(times) * 1000
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000
    print(f"{label:<46} cold {cold * 1000:8.1f} ms  p50 {p50:8.1f} ms  p95 {p95:8.1f} ms"
          f"  {queries:2d} queries  {size / 1024:9.1f} KiB")


def main():
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(f"{Pairing.objects.count()} pairings, {Event.objects.count()} events; {repeat} runs each")
    client = Client()
    for label, url in URLS:
        measure(client, label, url, repeat)


if __name__ == "__main__":
    main()
