"""Benchmark: import the 2026 Wikidata world file into a fresh demo database, then re-import it.

Run:  ./bench/run bench/bench_world_import.py [FILE.csv] [SNAPSHOT]
Defaults to ../shared/data/world/wikidata-p190-2026.csv, snapshot 2026-05-01. It empties the scratch
database (bench_twinwatch), loads the demo data, and prints the wall time and the peak RSS of this
process after each import (targets, issue 8: <= 60 s and <= 300 MB; re-import <= 20 s).
"""

import datetime as dt
import resource
import sys
import time
from pathlib import Path

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from twinning.imports.wikidata import import_wikidata  # noqa: E402
from twinning.models import Event, Listing, Pairing, Place  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FILE = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "world" / "wikidata-p190-2026.csv"
SNAPSHOT = dt.date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else dt.date(2026, 5, 1)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in (Place, Pairing, Event, Listing)}


def main():
    if not FILE.exists():
        sys.exit(f"{FILE} not found: the world data lives in ../shared/data/world/ (see its README)")
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    data = FILE.read_bytes()
    for label in ("import", "re-import"):
        start = time.perf_counter()
        report = import_wikidata(data, snapshot=SNAPSHOT, file_name=FILE.name, reason=f"bench {label}")
        seconds = time.perf_counter() - start
        print(f"{label:<10} {seconds:7.1f} s   peak RSS {peak_rss_mb():6.0f} MB   {counts()}   "
              f"created: {report.counts.get('pairings_created', 0)} pairings, {report.counts.get('listings_created', 0)} listings")


main()
