"""Parallel query for the few long scans. Every connection plans serially (config.settings: starting
parallel workers costs more than a page's whole query, and under load they take the web workers'
cores); a scan over whole tables (the streamed export, the statistics) opts in for its own transaction.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connections, transaction

WORKERS = 2  # PostgreSQL's default: the bench machine's two cores

#: A `SELECT`-list item turning parallel plans on until the end of the current transaction.
PARALLEL_SQL = f"set_config('max_parallel_workers_per_gather', '{WORKERS}', true)"


def with_parallel_workers(sql: str) -> str:
    """`sql` preceded, in the same round trip, by the setting that lets it and the rest of the current
    transaction (open one: outside, the setting ends with the round trip) run with parallel workers.
    Read `sql`'s rows after `cursor.nextset()`."""
    return f"SELECT {PARALLEL_SQL}; {sql}"


@contextmanager
def parallel_workers(using: str = "default"):
    """A transaction (joined if one is open) whose queries may run with parallel workers: for the few
    ORM aggregates over whole tables (the map's pairs of countries, the home page's counts). One round
    trip more; the setting ends with the transaction."""
    with transaction.atomic(using=using, savepoint=False):
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT {PARALLEL_SQL}")
        yield
