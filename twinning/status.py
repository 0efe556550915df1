"""The one place where a pairing's status is derived from its events.

Rules:
- Events are taken in timeline order (`timeline_key`, the one ordering used by the derivation, the
  timeline, the lists and `as_of`): an event counts from the END of the period its date names ("June
  2022" from 30 June 2022), so within one period a coarser date sorts after the finer dates it contains;
  then by the curator's explicit order (which can put "June 2022" before "30 June 2022"); then coarser
  after finer; then by when they were recorded.
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

from django.db.backends.postgresql.psycopg_any import DateRange

from core.partialdates import partial_date_of, partial_values, period_end
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


# The same order in SQL (Event.Meta.ordering, the timeline selector, latest events): `effective_on` is the
# stored period end; `-date` puts the coarser of two dates ending on the same day last.
TIMELINE_ORDER = ("effective_on", "order", "-date", "id")
TIMELINE_ORDER_DESC = ("-effective_on", "-order", "date", "-id")


def effective_on(event) -> dt.date:
    """The day from which an event counts: the last day of the period its date names."""
    return period_end(event.date, getattr(event, "date_precision", None) or "day")


def timeline_key(event) -> tuple:
    return (effective_on(event), event.order or 0, -event.date.toordinal(), event.pk if isinstance(event.pk, int) else 0)


sort_key = timeline_key  # the name earlier callers used


def derive(events: Iterable[EventLike]) -> Derived:
    ordered = sorted(events, key=timeline_key)
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


# What a pairing's current status rests on (`Pairing.evidence`, stored by `stored_fields`).
EVIDENCE_VERIFIED, EVIDENCE_LISTED, EVIDENCE_UNKNOWN = "verified", "listed", "unknown"
EVIDENCE_VALUES = (EVIDENCE_VERIFIED, EVIDENCE_LISTED, EVIDENCE_UNKNOWN)


def evidence(status: str, status_event_type: str | None) -> str:
    """What a status rests on: "unknown" (nothing brought a status), "listed" (only Wikidata: the status
    is "listed", or a Wikidata event brought it) or "verified" (a curator's sourced event brought it)."""
    if status == Status.UNKNOWN:
        return EVIDENCE_UNKNOWN
    if status == Status.LISTED or status_event_type in WIKIDATA_EVENT_TYPES:
        return EVIDENCE_LISTED
    return EVIDENCE_VERIFIED


def stored_fields(events: Iterable[EventLike]) -> tuple[dict, dict]:
    """What is stored from `derive` (by `pairing_status_refresh`, and by migrations re-deriving old rows):
    the pairing's `status`, `status_since` (+ precision, circa), `status_event_id` and `evidence` (what
    the status rests on); its `established_date` (+ precision, circa: the date of its first
    `established` event) and `last_event_id` (its latest event), both in timeline order; and for each event
    pk its `status_after`, `status_since_event_id` and `status_during` (the dates that status holds
    over). Events need `date_precision` and `date_circa` too."""
    events = sorted(events, key=timeline_key)
    derived = derive(events)
    since = derived.since_event
    established = next((e for e in events if e.event_type == EventType.ESTABLISHED), None)
    pairing = {
        "status": derived.status,
        **partial_values("status_since", partial_date_of(since, "date") if since else None),
        "status_event_id": since.pk if since else None,
        "evidence": evidence(derived.status, since.event_type if since else None),
        **partial_values("established_date", partial_date_of(established, "date") if established else None),
        "last_event_id": events[-1].pk if events else None,
    }
    per_event = {}
    for i, event in enumerate(events):
        start = effective_on(event)
        end = effective_on(events[i + 1]) if i + 1 < len(events) else None
        per_event[event.pk] = {
            "status_after": derived.after[event.pk],
            "status_since_event_id": getattr(derived.since_after[event.pk], "pk", None),
            # The dates over which that status holds (`as_of` reads it): empty when a later event of the
            # same day supersedes it.
            "status_during": DateRange(empty=True) if end == start else DateRange(start, end, "[)"),
        }
    return pairing, per_event
