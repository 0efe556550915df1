"""Queries PostgreSQL parses and plans once per connection: `execute(cursor, sql, params)` runs `sql` as
a prepared statement (SQL `PREPARE` … `EXECUTE`), for the few large queries of fixed shape that a
request runs, e.g. the pairing list's JSON rows: at 300,000 pairings a 50-row page's rows took 14.9 ms
as a plain query and 7.5 ms prepared (its ~15 KB of SQL is parsed, analysed and planned once).

Django's psycopg cursors bind parameters on the client, and psycopg prepares nothing for them
(`prepare_threshold` is off by default, for connection poolers). Here the statement is prepared in the
same round trip as its first execution (`PREPARE name AS …; EXECUTE name(…)`, one query), so a request
runs the same number of queries whether or not its connection has the statement yet.

- A statement's name is a hash of its text: texts must be few (parameters, not literals, for what
  varies), and at most MAX_PER_CONNECTION are prepared on one connection; beyond that, queries run
  plainly.
- PREPARE is not undone by a rollback. A failed first execution may or may not have left its statement
  prepared, so the next attempt prepares it under a new name.
- Behind a pooler that hands one client several server connections (PgBouncer in transaction mode), set
  `TWINWATCH_PREPARED_STATEMENTS=0`: the queries then run plainly.
"""

from __future__ import annotations

import hashlib
import re
import weakref

from django.conf import settings

MAX_PER_CONNECTION = 32

# The driver connection -> {statement text hash: its name, once prepared on that connection}.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# The driver connection -> how many attempts to prepare failed (each retry takes a new name).
_failed: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

_PLACEHOLDER = re.compile(r"%%|%s")


def _numbered(sql: str) -> tuple[str, int]:
    """`sql` with its `%s` placeholders as `$1`, `$2`…, and their number (`%%` stays, for the driver)."""
    count = 0

    def number(match):
        nonlocal count
        if match.group() == "%%":
            return "%%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql), count


def execute(cursor, sql: str, params=(), *, before: str = "") -> None:
    """Run `sql` (driver placeholders `%s`, literal `%` doubled) with `params` on `cursor` (a Django
    cursor), prepared on its connection; the rows are then read from `cursor` as usual. `before`: a
    statement without parameters sent first in the same round trip, and so in the same implicit
    transaction (e.g. transaction-local settings, `set_config(…, true)`, that the query relies on)."""
    params = list(params)
    raw = cursor.db.connection
    lead = f"{before}; " if before else ""

    def run(text: str) -> None:
        cursor.execute(lead + text, params)
        if before:
            cursor.nextset()  # past `before`'s result

    if not getattr(settings, "PREPARED_STATEMENTS", True) or raw is None:
        run(sql)
        return
    names = _prepared.setdefault(raw, {})
    key = hashlib.sha256(sql.encode()).hexdigest()[:24]
    name = names.get(key)
    if name is not None:
        run(f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}")
        return
    if len(names) >= MAX_PER_CONNECTION:
        run(sql)
        return
    numbered, count = _numbered(sql)
    if count != len(params):
        raise ValueError(f"The query has {count} placeholders for {len(params)} parameters.")
    attempt = _failed.get(raw, 0)
    name = f"tw_{key}_{attempt}"
    call = f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
    try:
        run(f"PREPARE {name} AS {numbered}; {call}")
    except Exception:
        _failed[raw] = attempt + 1
        raise
    cursor.nextset()  # past PREPARE's empty result, to EXECUTE's rows
    names[key] = name
