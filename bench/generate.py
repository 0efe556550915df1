"""Fast generator of world-shaped data for benchmarks: N pairings (default 300,000), ~3.3 events each
(~1,000,000 at 300k), 2/3 N sources (200,000 at 300k), one citation per status-bearing event.

Run:  DATABASE_URL=postgres://…/bench_perf_20k python bench/generate.py 20000
      (or `BENCH_DB=bench_perf_20k ./bench/run bench/generate.py 20000`)

Rows go in with PostgreSQL COPY; statuses are then derived in bulk by the project's own derivation
(`twinning.status.stored_fields`, the function `pairing_status_refresh` stores from) and written back
with COPY + UPDATE … FROM; finally a sample of pairings is re-derived through `pairing_status_refresh`
itself and must store exactly the same values (the script fails otherwise).

The shapes follow the world import: a few places with hundreds of pairings (a power law), most with
a handful; partial dates at day, month and year precision; sources cited by several events.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from collections import defaultdict

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from core.partialdates import normalise  # noqa: E402
from twinning.constants import EventType, Relationship  # noqa: E402
from twinning.models import Event, Pairing  # noqa: E402
from twinning.services import pairing_status_refresh  # noqa: E402
from twinning.status import stored_fields  # noqa: E402

SYLLABLES = "ba be bi bo bu da de di do du fa fe ga go ha he ji jo ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe po ra re ri ro sa se si so ta te ti to tu va ve wa wo ya yu za zo an en in on un ing ang ton ham burg berg".split()
COUNTRIES = ["GB", "CN", "US", "DE", "FR", "JP", "IT", "PL", "ES", "RU", "UA", "BR", "KR", "TW", "NL", "SE", "NO", "CZ", "HU", "RO"]
RELATIONSHIPS = [Relationship.SISTER_CITY] * 6 + [r for r in Relationship.values if r != Relationship.SISTER_CITY]
LATER = [
    (EventType.AGREEMENT_SIGNED, 6), (EventType.RENEWED, 4), (EventType.VISIT, 10), (EventType.STATEMENT, 6),
    (EventType.REVIEW_OPENED, 5), (EventType.DECISION_RETAIN, 3), (EventType.DECISION_SEVER, 3),
    (EventType.SUSPENDED, 1), (EventType.FOUND_DORMANT, 2), (EventType.LAPSED, 1), (EventType.PETITION_SUBMITTED, 2),
]
LATER_TYPES = [t for t, w in LATER for _ in range(w)]
STATUS_TYPES = {
    EventType.ESTABLISHED, EventType.RENEWED, EventType.REVIEW_OPENED, EventType.DECISION_RETAIN,
    EventType.DECISION_SEVER, EventType.SUSPENDED, EventType.FOUND_DORMANT, EventType.LAPSED, EventType.LISTED,
}


def say(label, start):
    print(f"  {label:<44} {time.perf_counter() - start:7.1f} s", flush=True)


def name(rng) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def copy_rows(cur, table: str, columns: list[str], rows) -> None:
    # Text columns added since this script was written (the translations' `*_zh_hant`) are NOT NULL
    # without a database default: they get "" so the generator keeps up with the models.
    cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'NO' "
        "AND column_default IS NULL AND data_type IN ('text', 'character varying')",
        [table],
    )
    extra = [name for (name,) in cur.fetchall() if name not in {c.strip('"') for c in columns}]
    with cur.copy(f"COPY {table} ({', '.join([*columns, *extra])}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *([""] * len(extra))))


def partial(rng, day: dt.date) -> tuple[dt.date, str]:
    precision = rng.choices(["day", "month", "year"], weights=[60, 25, 15])[0]
    return normalise(day, precision), precision


def generate(n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    n_places = max(200, n // 5)
    n_sources = max(50, n * 2 // 3)
    t0 = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute(
            "TRUNCATE twinning_eventcitation, twinning_pairingcitation, twinning_listing, twinning_event, "
            "twinning_agreement, twinning_pairing, twinning_placeidentifier, twinning_place, sources_source CASCADE"
        )
        for table in ("twinning_place", "twinning_pairing", "twinning_event", "sources_source", "twinning_eventcitation"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1, false)")

        # Places: ids 1..n_places. One is Taiyuan (for `?q=Taiyuan`), the busiest place.
        def places():
            for i in range(1, n_places + 1):
                label = "Taiyuan" if i == 1 else f"{name(rng)}"
                country = "CN" if i == 1 else rng.choice(COUNTRIES)
                yield (label, "太原" if i == 1 else "", f"{label.lower()}-{i}", country, f"Region {i % 97}", "city",
                       "", rng.uniform(-60, 70), rng.uniform(-170, 170), "", now, now)

        copy_rows(cur, "twinning_place",
                  ["name", "local_name", "slug", "country", "region", "kind", "governing_body", "latitude", "longitude",
                   "notes", "created_at", "updated_at"], places())
        say(f"{n_places} places", t0)

        # Pairings: place a drawn from a power law (place 1 gets ~1,000 at 300k), b uniformly.
        seen = set()
        pairs = []
        while len(pairs) < n:
            a = 1 + int(n_places * rng.random() ** 2)
            b = rng.randint(1, n_places)
            rel = rng.choice(RELATIONSHIPS)
            key = (min(a, b), max(a, b), rel)
            if a == b or key in seen:
                continue
            seen.add(key)
            pairs.append((a, b, rel))
        copy_rows(cur, "twinning_pairing",
                  ["place_a_id", "place_b_id", "relationship", "slug", "status", "status_since_precision",
                   "status_since_circa", "notes", "confidence", "confidence_note", "created_at", "updated_at"],
                  ((a, b, rel, f"p{a}-p{b}-{i + 1}", "unknown", "day", False, "", "high", "", now, now)
                   for i, (a, b, rel) in enumerate(pairs)))
        say(f"{n} pairings", t0)

        copy_rows(cur, "sources_source",
                  ["url", "title", "publisher", "author", "published", "published_precision", "published_circa",
                   "archive_url", "language", "source_type", "notes", "created_at", "updated_at"],
                  ((f"https://bench.example/doc/{i}", f"Council minutes {i}", f"Publisher {i % 500}", "",
                    None, "day", False, "", "en", "news", "", now, now) for i in range(1, n_sources + 1)))
        say(f"{n_sources} sources", t0)

        # Events: established first, then 0-5 later ones (mean ~2.3), mixed precisions; ~1M at 300k.
        cited = []

        def events():
            event_id = 0
            for pairing_id in range(1, n + 1):
                day = dt.date(1950 + rng.randrange(70), rng.randint(1, 12), rng.randint(1, 28))
                count = 1 + min(5, int(rng.expovariate(1 / 2.9)))
                for k in range(count):
                    kind = EventType.ESTABLISHED if k == 0 else rng.choice(LATER_TYPES)
                    date, precision = partial(rng, day)
                    event_id += 1
                    if kind in STATUS_TYPES:
                        cited.append(event_id)
                    yield (pairing_id, kind, date, precision, False, 0, "", "", "unknown", "", "", "", "", "", "",
                           False, False, "high", "", now, now)
                    day = day + dt.timedelta(days=rng.randrange(20, 2500))
                    if day > dt.date(2025, 12, 31):
                        day = dt.date(2025, 12, 31) - dt.timedelta(days=rng.randrange(0, 60))

        copy_rows(cur, "twinning_event",
                  ["pairing_id", "event_type", "date", "date_precision", "date_circa", '"order"', "status_to",
                   "status_after", "actor", "body", "summary", "mover", "mover_party", "seconder", "seconder_party",
                   "unanimous", "casting_vote", "confidence", "confidence_note", "created_at", "updated_at"],
                  events())
        n_events = cur.execute("SELECT count(*) FROM twinning_event").fetchone()[0]
        say(f"{n_events} events", t0)

        copy_rows(cur, "twinning_eventcitation",
                  ["event_id", "source_id", "locator", "quote", "claimed_date_precision", "claimed_date_circa", "created_at"],
                  ((e, rng.randint(1, n_sources), "", "", "day", False, now) for e in cited))
        say(f"{len(cited)} event citations", t0)
    derive_all()
    say("statuses derived in bulk", t0)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    say("analyze", t0)
    check_sample(rng, n)
    say("sample checked against pairing_status_refresh", t0)


def derive_all(batch: int = 20000) -> None:
    """Every pairing's stored fields from `twinning.status.stored_fields`, written with COPY + UPDATE."""
    fields = [f.attname for f in Event._meta.concrete_fields]
    pairing_ids = list(Pairing.objects.order_by("pk").values_list("pk", flat=True))
    raw = connection.connection
    for start in range(0, len(pairing_ids), batch):
        chunk = pairing_ids[start : start + batch]
        by_pairing = defaultdict(list)
        for event in Event.objects.filter(pairing_id__in=chunk).only(*fields).order_by("pk").iterator(chunk_size=5000):
            by_pairing[event.pairing_id].append(event)
        pairing_rows, event_rows = [], []
        for pk in chunk:
            pairing_fields, event_fields = stored_fields(by_pairing.get(pk, []))
            pairing_rows.append((pk, pairing_fields))
            event_rows += list(event_fields.items())
        with transaction.atomic(), raw.cursor() as cur:
            _write(cur, "twinning_pairing", pairing_rows)
            _write(cur, "twinning_event", event_rows)


def _write(cur, table: str, rows) -> None:
    if not rows:
        return
    columns = list(rows[0][1])
    cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS tmp_{table} AS SELECT id, {', '.join(columns)} FROM {table} LIMIT 0")
    cur.execute(f"TRUNCATE tmp_{table}")
    with cur.copy(f"COPY tmp_{table} (id, {', '.join(columns)}) FROM STDIN") as copy:
        for pk, values in rows:
            copy.write_row([pk, *(values[c] for c in columns)])
    assignments = ", ".join(f"{c} = t.{c}" for c in columns)
    cur.execute(f"UPDATE {table} AS x SET {assignments} FROM tmp_{table} AS t WHERE x.id = t.id")


def check_sample(rng, n: int, size: int = 200) -> None:
    """Re-derive a sample through `pairing_status_refresh` (the single-pairing service) and compare."""
    ids = rng.sample(range(1, n + 1), min(size, n))
    pairing_fields = [
        "status", "status_since", "status_since_precision", "status_since_circa", "status_event_id", "evidence",
        "established_date", "established_date_precision", "established_date_circa", "last_event_id", "sources_cited",
    ]
    event_fields = [f.attname for f in Event._meta.concrete_fields if f.attname.startswith("status_")]

    def snapshot():
        return (
            list(Pairing.objects.filter(pk__in=ids).order_by("pk").values_list(*pairing_fields)),
            list(Event.objects.filter(pairing_id__in=ids).order_by("pk").values_list("pk", *event_fields)),
        )

    before = snapshot()
    with transaction.atomic():
        for pairing in Pairing.objects.filter(pk__in=ids):
            pairing_status_refresh(pairing=pairing)
        after = snapshot()
        transaction.set_rollback(True)  # keep updated_at as generated
    if before != after:
        sys.exit("bulk derivation differs from pairing_status_refresh on the sample")


if __name__ == "__main__":
    generate(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)
