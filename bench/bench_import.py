"""Benchmark: the curator spreadsheet import (preview and import) at 1,000 and 5,000 rows.

Run (a scratch database of your own, never the development one):
    DATABASE_URL=postgres://…/dev_imports DJANGO_SETTINGS_MODULE=config.settings PYTHONPATH=. \
        .venv/bin/python bench/bench_import.py [ROWS ...]
or  ./bench/run bench/bench_import.py [ROWS ...]

For each size it empties the register, records 500 existing places (so rows match existing places as
well as create new ones), generates a sheet (`make_sheet`: about two rows per pairing, an established
row and a decision row, a third of them with an agreement), then times the preview (a dry run) and
the import (one transaction, as the shell command and small admin uploads), then on a register reset
to the same start the background import (`import_twinnings_in_batches`, what the admin's worker runs:
the whole file checked, then written in batches of 500 rows), and prints rows/s (wall clock, and this process's CPU time: on a shared machine the
wall clock also measures the neighbours). Any near-duplicate the preview flags is answered "a new one" before
importing, as a curator would after checking.
"""

import csv
import inspect
import io
import random
import sys
import time

import django

django.setup()

from django.db import connection  # noqa: E402

from sources.models import Source  # noqa: E402
from twinning.imports import spreadsheet  # noqa: E402
from twinning.imports.spreadsheet import ALL_COLUMNS, import_twinnings  # noqa: E402
from twinning.models import Agreement, Event, Pairing, Place, PlaceIdentifier  # noqa: E402

SYLLABLES = ["ba", "ko", "ri", "zen", "mu", "tal", "vor", "qui", "lex", "dro", "pan", "sy", "wek", "ju", "fo", "nai"]
EVENTS = ["severed", "retained", "review", "petition", "motion", "suspended", "statement"]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "".join(rng.choice(SYLLABLES) for _ in range(4)).capitalize() + rng.choice(["ton", "burg", "shan", "ville"])
        if name not in used:
            used.add(name)
            return name


def make_sheet(rows: int, *, existing: list[tuple[str, str]], seed: int = 7) -> str:
    """A CSV sheet of `rows` rows: pairings between a GB and a CN place (existing ones about a third of
    the time), each with an established row and a decision or other event."""
    rng = random.Random(seed)
    used = {name for name, _c in existing}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ALL_COLUMNS)
    writer.writeheader()
    pairing = 0
    while True:
        pairing += 1
        gb = rng.choice([n for n, c in existing if c == "GB"]) if rng.random() < 0.3 else _name(rng, used)
        cn = rng.choice([n for n, c in existing if c == "CN"]) if rng.random() < 0.3 else _name(rng, used)
        base = {
            "place": gb, "place_country": "GB", "partner": cn, "partner_country": "CN", "relationship": "sister city",
            "source_url": f"https://example.org/news/{pairing}", "source_title": f"Report {pairing}", "source_publisher": "Example News",
        }
        year = rng.randrange(1970, 2015)
        first = dict(base, established=str(year))
        if pairing % 3 == 0:
            first.update(agreement_kind="friendship", agreement_signed=f"{year}-0{rng.randrange(1, 9)}")
        second = dict(base, event=rng.choice(EVENTS), event_date=f"{rng.randrange(2016, 2025)}-{rng.randrange(1, 13):02d}",
                      body="full council", summary="Council decided.", votes_for=str(rng.randrange(0, 60)))
        for row in (first, second):
            writer.writerow(row)
            rows -= 1
            if rows == 0:
                return out.getvalue()


def reset(existing_places: int = 500) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        for model in (Event, Agreement, Pairing, PlaceIdentifier, Place, Source):
            cursor.execute(f"TRUNCATE {model._meta.db_table}, {model.history.model._meta.db_table} CASCADE")
    rng = random.Random(1)
    used: set[str] = set()
    places = [Place(name=_name(rng, used), country="GB" if i % 2 else "CN", slug=f"seed-{i}") for i in range(existing_places)]
    Place.objects.bulk_create(places)
    return [(p.name, p.country) for p in places]


def run(rows: int) -> None:
    existing = reset()
    data = make_sheet(rows, existing=existing).encode()
    takes_resolutions = "resolutions" in inspect.signature(import_twinnings).parameters
    import_twinnings(make_sheet(10, existing=existing, seed=3).encode(), dry_run=True)  # warm: a server worker is
    start, cpu = time.perf_counter(), time.process_time()
    preview = import_twinnings(data, dry_run=True)
    preview_s, preview_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert not preview.problems, [str(p) for p in preview.problems[:5]]
    extra = {}
    if takes_resolutions:
        extra["resolutions"] = {flag.key: "new" for row in preview.rows for flag in row.flags}
    start, cpu = time.perf_counter(), time.process_time()
    report = import_twinnings(data, reason="bench", **extra)
    import_s, import_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert report.applied, [str(p) for p in report.problems[:5]]
    flagged = len(extra.get("resolutions", {}))
    batched = ""
    if hasattr(spreadsheet, "import_twinnings_in_batches"):
        counts = (Pairing.objects.count(), Event.objects.count())
        reset()
        start, cpu = time.perf_counter(), time.process_time()
        report = spreadsheet.import_twinnings_in_batches(data, reason="bench", **extra)
        batch_s, batch_cpu = time.perf_counter() - start, time.process_time() - cpu
        assert report.applied, [str(p) for p in report.problems[:5]]
        assert (Pairing.objects.count(), Event.objects.count()) == counts
        batched = f"   background (batches) {batch_s:7.2f} s ({rows / batch_s:7.1f} rows/s, Python CPU {batch_cpu:6.2f} s)"
    print(
        f"{rows:>6} rows  preview {preview_s:7.2f} s ({rows / preview_s:7.1f} rows/s, Python CPU {preview_cpu:6.2f} s)   "
        f"import {import_s:7.2f} s ({rows / import_s:7.1f} rows/s, Python CPU {import_cpu:6.2f} s)   "
        f"{Pairing.objects.count()} pairings, {Event.objects.count()} events, {flagged} near-duplicates answered{batched}"
    )


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [1000, 5000]:
        run(size)
