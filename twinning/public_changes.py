"""A pairing's public change history (a selector): what changed in the record, when and why, read
from the django-simple-history records of the pairing, its events and its citations.

Public, so deliberately narrower than the admin's history: never who made a change (no curator
names) and never a field's internal content — only which public fields changed, the event or source
concerned, and the reason given. Five queries whatever the length of the history."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils.translation import gettext_lazy as _

from core.partialdates import partial_date_of
from twinning.models import Event, EventCitation, Pairing, PairingCitation

# Fields a reader sees on the pairing page; a change to any other (derived caches, timestamps) is not
# a change of the record.
PAIRING_FIELDS = ("place_a_id", "place_b_id", "relationship", "slug", "notes", "confidence", "confidence_note")
EVENT_FIELDS = (
    "event_type", "date", "date_precision", "date_circa", "order", "status_to", "rescinds_id", "actor", "body",
    "summary", "mover", "mover_party", "seconder", "seconder_party", "votes_for", "votes_against", "abstentions",
    "unanimous", "casting_vote", "agreement_id", "confidence", "confidence_note",
)
CITATION_FIELDS = ("locator", "quote", "claimed_date", "claimed_date_precision", "claimed_date_circa")


class Kind:
    PAIRING_ADDED = "pairing_added"
    PAIRING_CHANGED = "pairing_changed"
    EVENT_ADDED = "event_added"
    EVENT_CHANGED = "event_changed"
    EVENT_REMOVED = "event_removed"
    SOURCE_ADDED = "source_added"
    SOURCE_CHANGED = "source_changed"
    SOURCE_REMOVED = "source_removed"


@dataclasses.dataclass
class Change:
    when: dt.datetime
    kind: str
    reason: str
    event_label: str = ""  # "Decision to sever — 2 November 2022"
    event_id: int | None = None  # still on the timeline (for a link), else None
    status_after: str = ""  # the status this event led to, when it still stands and changed the status
    source_title: str = ""
    source_id: int | None = None
    fields: list[str] = dataclasses.field(default_factory=list)  # labels of the public fields that changed
    history_id: int = 0


def _label(model, name: str) -> str:
    name = name.removesuffix("_id")
    for suffix in ("_precision", "_circa"):
        if name.endswith(suffix) and name != "date_circa":
            name = name.removesuffix(suffix)
    if name == "date_circa":
        name = "date"
    return str(model._meta.get_field(name).verbose_name)


def _changed(model, fields, before, after) -> list[str]:
    labels = []
    for name in fields:
        if getattr(before, name) != getattr(after, name):
            label = _label(model, name)
            if label not in labels:
                labels.append(label)
    return labels


def _event_label(record) -> str:
    event_type = dict(Event._meta.get_field("event_type").choices).get(record.event_type, record.event_type)
    when = partial_date_of(record, "date")
    return f"{event_type} — {when.display()}" if when else str(event_type)


def _walk(records, fields, model, added: str, changed: str, removed: str, describe):
    """Turn one object's history records (oldest first) into changes; `describe(record)` gives the
    change's subject fields. A change touching no public field is left out."""
    previous = None
    for record in records:
        kind = {"+": added, "-": removed}.get(record.history_type, changed)
        labels = []
        if kind == changed:
            if previous is None:
                kind = added  # first seen here (e.g. moved in by a merge)
            else:
                labels = _changed(model, fields, previous, record)
                if not labels:
                    previous = record
                    continue
        yield Change(
            when=record.history_date, kind=kind, reason=record.history_change_reason or "", fields=labels,
            history_id=record.history_id, **describe(record),
        )
        previous = record


def _by_object(records):
    grouped: dict[int, list] = {}
    for record in records:
        grouped.setdefault(record.id, []).append(record)
    return grouped


def pairing_changes(pairing: Pairing, *, limit: int = 500) -> list[Change]:
    """The pairing's public change history, newest first."""
    changes: list[Change] = []
    pairing_records = Pairing.history.filter(id=pairing.pk).order_by("history_date", "history_id")
    changes += _walk(
        pairing_records, PAIRING_FIELDS, Pairing, Kind.PAIRING_ADDED, Kind.PAIRING_CHANGED, Kind.PAIRING_ADDED,
        lambda r: {},
    )

    event_records = list(Event.history.filter(pairing_id=pairing.pk).order_by("history_date", "history_id"))
    latest_event_record = {}
    for record in event_records:
        latest_event_record[record.id] = record
    current = {
        e.pk: e for e in Event.objects.filter(pairing=pairing).order_by("date", "order", "id").only("id", "status_after")
    }
    previous_status, changed_status = "", {}
    for event in current.values():
        changed_status[event.pk] = bool(event.status_after) and event.status_after != previous_status
        previous_status = event.status_after or previous_status

    def describe_event(record):
        standing = record.id in current
        return {
            "event_label": _event_label(latest_event_record[record.id] if record.history_type != "-" else record),
            "event_id": record.id if standing else None,
            "status_after": current[record.id].status_after
            if standing and record.history_type == "+" and changed_status.get(record.id)
            else "",
        }

    for records in _by_object(event_records).values():
        changes += _walk(records, EVENT_FIELDS, Event, Kind.EVENT_ADDED, Kind.EVENT_CHANGED, Kind.EVENT_REMOVED, describe_event)

    event_ids = list(latest_event_record)
    citation_records = EventCitation.history.filter(event_id__in=event_ids).select_related("source").order_by(
        "history_date", "history_id"
    )

    def describe_citation(record):
        event = latest_event_record.get(record.event_id)
        return {
            "event_label": _event_label(event) if event else "",
            "event_id": record.event_id if record.event_id in current else None,
            "source_title": record.source.title if record.source else "",
            "source_id": record.source_id,
        }

    for records in _by_object(citation_records).values():
        changes += _walk(
            records, CITATION_FIELDS, EventCitation, Kind.SOURCE_ADDED, Kind.SOURCE_CHANGED, Kind.SOURCE_REMOVED,
            describe_citation,
        )

    pairing_citation_records = PairingCitation.history.filter(pairing_id=pairing.pk).select_related("source").order_by(
        "history_date", "history_id"
    )

    def describe_pairing_citation(record):
        return {
            "event_label": str(_("the relationship as a whole")),
            "source_title": record.source.title if record.source else "",
            "source_id": record.source_id,
        }

    for records in _by_object(pairing_citation_records).values():
        changes += _walk(
            records, ("locator", "quote"), PairingCitation, Kind.SOURCE_ADDED, Kind.SOURCE_CHANGED, Kind.SOURCE_REMOVED,
            describe_pairing_citation,
        )
    changes.sort(key=lambda c: (c.when, c.history_id), reverse=True)
    return changes[:limit]


KIND_LABELS = {
    Kind.PAIRING_ADDED: _("Pairing added to the register"),
    Kind.PAIRING_CHANGED: _("Pairing details changed"),
    Kind.EVENT_ADDED: _("Event added"),
    Kind.EVENT_CHANGED: _("Event changed"),
    Kind.EVENT_REMOVED: _("Event withdrawn"),
    Kind.SOURCE_ADDED: _("Source added"),
    Kind.SOURCE_CHANGED: _("Source citation changed"),
    Kind.SOURCE_REMOVED: _("Source removed"),
}
