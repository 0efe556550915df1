"""Benchmark: the world import after the planner has been told the tables are empty.

Run:  ./bench/run bench/bench_world_import_stale.py [--without-phase-analyze]
A test suite (or a curator's mass delete) fills tables and rolls back; the pages stay, and once autovacuum
analyses them the planner expects no rows at all, however many a transaction then adds. This loads the
demo data, imports the 2026 world file and rolls it back, analyses the emptied tables, then times the
import again (rolled back too). CI at 696855c hung in exactly this state (its world-file test never
returned within 90 minutes). `--without-phase-analyze` turns off the import's own analyses, to time what
the index-bound triggers of migration 0020 do alone. A statement over 10 minutes is cancelled.
"""

import datetime as dt
import sys
import time
from pathlib import Path

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from twinning.imports import wikidata  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT.parent / "shared" / "data" / "world" / "wikidata-p190-2026.csv"
TABLES = ["twinning_place", "twinning_placeidentifier", "twinning_pairing", "twinning_event", "twinning_eventcitation",
          "twinning_listing", "sources_source"]


def timed_import(data: bytes, label: str) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '10min'")
        start = time.perf_counter()
        report = wikidata.import_wikidata(data, snapshot=dt.date(2026, 5, 1), file_name=FILE.name, reason="bench")
        print(f"{label:<28} {time.perf_counter() - start:7.1f} s   {report.counts['pairings_created']} pairings created")
        transaction.set_rollback(True)


def main():
    if not FILE.exists():
        sys.exit(f"{FILE} not found: the world data lives in ../shared/data/world/ (see its README)")
    if "--without-phase-analyze" in sys.argv:
        wikidata._analyze = lambda *models: None
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    data = FILE.read_bytes()
    timed_import(data, "import, fresh statistics")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(TABLES)}")
        cursor.execute("SELECT relname, reltuples::bigint, relpages FROM pg_class WHERE relname = ANY(%s) ORDER BY 1", [TABLES])
        print("planner's view after the rollback:", ", ".join(f"{n} {t} rows/{p} pages" for n, t, p in cursor.fetchall()))
    timed_import(data, "import, emptied statistics")


main()
