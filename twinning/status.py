"""The one place where a pairing's status is derived from its events.

Rules:
- Events are taken in timeline order: by date (a partial date sorts at the start of its period),
  then by their explicit order on that day, then by when they were recorded.
- An event's status is the one the curator recorded (`status_to`), else the one its type implies
  (`constants.IMPLIED_STATUS`); other events change nothing.
- A rescinding event withdraws the earlier decision it names (`twinning.services` refuses one that names
  none, or is dated before it) and the status returns to what it would have been without that decision.
- Before any status-bearing event the status is "unknown".
- A Wikidata listing (`EventType.LISTED`) leads to "listed" only over "unknown" or "listed": it never
  revives or overrides a curated status, and is otherwise ignored.
- No Wikidata event (`WIKIDATA_EVENT_TYPES`: a listing, or a listed end time, `LISTED_ENDED`, which
  leads to "lapsed") changes a status that a curated event brought and that is still in force.

`derive` works on plain values so it can be used on saved rows, on unsaved candidates (to preview an
import) and in tests alike. "Status as of a date" reads the stored `status_after` and `status_since_event`
of the latest event on or before that date, which `derive` computed, so current and historical status
(and the date each holds from) agree by construction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from core.partialdates import partial_date_of, partial_values
from twinning.constants import IMPLIED_STATUS, WIKIDATA_EVENT_TYPES, EventType, Status


class EventLike(Protocol):
    pk: object
    event_type: str
    date: dt.date
    order: int
    status_to: str
    rescinds_id: object


@dataclass(frozen=True)
class Derived:
    status: str
    since_event: object | None  # the event from which the current status holds (None while unknown)
    after: dict  # event pk -> status right after that event
    since_after: dict  # event pk -> the event from which the status right after that event holds


def event_status(event: EventLike) -> str | None:
    """The status an event leads to by itself, or None (a rescinding event has none of its own)."""
    if event.event_type == EventType.DECISION_RESCINDED:
        return None
    return event.status_to or IMPLIED_STATUS.get(event.event_type)


def sort_key(event: EventLike):
    return (event.date, event.order or 0, event.pk if isinstance(event.pk, int) else 0)


def derive(events: Iterable[EventLike]) -> Derived:
    ordered = sorted(events, key=sort_key)
    effective: list = []  # status-bearing events still in force, in order
    after: dict = {}
    since_after: dict = {}
    since = None
    current = Status.UNKNOWN.value
    for event in ordered:
        if event.event_type == EventType.DECISION_RESCINDED:
            target = next((e for e in effective if e.pk == event.rescinds_id), None)
            if target is not None:
                effective.remove(target)
                new = event_status(effective[-1]) if effective else Status.UNKNOWN.value
                if new != current:
                    since = event
                current = new
        else:
            status = event_status(event)
            if status == Status.LISTED and current not in (Status.UNKNOWN, Status.LISTED):
                status = None  # a listing never outranks a curated status
            if event.event_type in WIKIDATA_EVENT_TYPES and effective and effective[-1].event_type not in WIKIDATA_EVENT_TYPES:
                status = None  # Wikidata evidence never outranks a curated status in force
            if status:
                effective.append(event)
                if status != current or since is None:
                    since = event
                current = status
        after[event.pk] = current
        since_after[event.pk] = since
    return Derived(status=current, since_event=since, after=after, since_after=since_after)


def stored_fields(events: Iterable[EventLike]) -> tuple[dict, dict]:
    """What is stored from `derive` (by `pairing_status_refresh`, and by migrations re-deriving old rows):
    the pairing's `status`, `status_since` (+ precision, circa) and `status_event_id`; and for each event
    pk its `status_after` and `status_since_event_id`. Events need `date_precision` and `date_circa` too."""
    derived = derive(events)
    since = derived.since_event
    pairing = {
        "status": derived.status,
        **partial_values("status_since", partial_date_of(since, "date") if since else None),
        "status_event_id": since.pk if since else None,
    }
    per_event = {
        pk: {"status_after": derived.after[pk], "status_since_event_id": getattr(derived.since_after[pk], "pk", None)}
        for pk in derived.after
    }
    return pairing, per_event
