"""Benchmark: status derivation and "status as of a date" at scale.

Run:  ./bench/run bench/bench_status.py [PAIRINGS] [EVENTS_PER_PAIRING]
It builds its own data in a scratch database (bench_twinwatch), never the development one.
"""

import datetime as dt
import random
import sys
import time

import django

django.setup()

from django.db import connection  # noqa: E402

from sources.models import Source  # noqa: E402
from twinning.constants import EventType, Relationship  # noqa: E402
from twinning.models import Event, Pairing, Place  # noqa: E402
from twinning.selectors import pairings_with_status  # noqa: E402
from twinning.services import pairing_status_refresh  # noqa: E402
from twinning.status import derive  # noqa: E402


def timed(label, fn, repeat=3):
    best = min(_once(fn) for _ in range(repeat))
    print(f"{label:<55} {best * 1000:10.1f} ms")
    return best


def _once(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def build(n_pairings: int, per: int):
    rng = random.Random(7)
    Event.objects.all().delete()
    Pairing.objects.all().delete()
    Place.objects.all().delete()
    places = Place.objects.bulk_create(
        [Place(name=f"P{i}", slug=f"p{i}", country="GB" if i % 2 else "CN") for i in range(n_pairings * 2)]
    )
    pairings = Pairing.objects.bulk_create(
        [
            Pairing(place_a=places[2 * i], place_b=places[2 * i + 1], relationship=Relationship.SISTER_CITY, slug=f"x{i}")
            for i in range(n_pairings)
        ]
    )
    kinds = [EventType.REVIEW_OPENED, EventType.DECISION_RETAIN, EventType.DECISION_SEVER, EventType.STATEMENT, EventType.RENEWED]
    events = []
    for p in pairings:
        day = dt.date(1980 + rng.randrange(30), 1, 1)
        events.append(Event(pairing=p, event_type=EventType.ESTABLISHED, date=day, date_precision="year"))
        for k in range(per - 1):
            day = day + dt.timedelta(days=rng.randrange(30, 700))
            events.append(Event(pairing=p, event_type=rng.choice(kinds), date=day, order=k))
    Event.objects.bulk_create(events, batch_size=5000)
    Source.objects.get_or_create(url="https://bench.example/", defaults={"title": "bench"})
    return pairings


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(f"{n} pairings x {per} events")
    t0 = time.perf_counter()
    pairings = build(n, per)
    print(f"{'build':<55} {(time.perf_counter() - t0) * 1000:10.1f} ms")
    sample = pairings[:1000]  # timed; the rest are refreshed untimed so as_of reads real data
    timed("pairing_status_refresh x 1000", lambda: [pairing_status_refresh(pairing=p) for p in sample], repeat=1)
    timelines: dict = {}
    for event in Event.objects.filter(pairing_id__in=[p.pk for p in sample]):
        timelines.setdefault(event.pairing_id, []).append(event)
    timed("derive() in memory over 1000 timelines", lambda: [derive(t) for t in timelines.values()])
    for p in pairings[1000:]:
        pairing_status_refresh(pairing=p)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    on = dt.date(2010, 1, 1)
    timed("as_of=2010-01-01, count severed (all pairings)",
          lambda: pairings_with_status(as_of=on).filter(current_status="severed").count())
    timed("as_of=2010-01-01, first page of 50", lambda: list(pairings_with_status(as_of=on).order_by("id")[:50]))
    timed("current status severed, first page of 50", lambda: list(pairings_with_status().filter(status="severed")[:50]))


if __name__ == "__main__":
    main()
