"""Reads for reviewing curator changes (issue 10 item 4): every change to pairings, events, citations
and agreements (deletions included) from the django-simple-history records, which carry who, when
and why; and a pairing's timeline as it was at a past moment. Writes (approve, revert) are in
`twinning.services`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Subquery

from core.partialdates import partial_date_of
from sources.models import Source
from twinning.models import Agreement, AgreementCitation, ChangeReview, Event, EventCitation, Pairing, PairingCitation
from twinning.status import stored_fields

#: The reviewed kinds of record, by the name used in URLs and in ChangeReview.kind.
CHANGE_KINDS = {
    "pairing": Pairing,
    "event": Event,
    "eventcitation": EventCitation,
    "pairingcitation": PairingCitation,
    "agreement": Agreement,
    "agreementcitation": AgreementCitation,
}
ACTIONS = {"+": "added", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    kind: str
    record: object  # the historical record
    pairing_id: int | None
    what: str = ""
    changed_fields: list[str] = field(default_factory=list)
    review: ChangeReview | None = None

    @property
    def action(self) -> str:
        return ACTIONS[self.record.history_type]


def _history_with_pairing(kind: str):
    """The history of one kind, each record annotated with `pairing_ref` (the pairing it belongs to,
    read from the owner's history so deleted owners still count)."""
    history = CHANGE_KINDS[kind].history.all()
    if kind == "pairing":
        return history.annotate(pairing_ref=F("id"))
    if kind in ("event", "agreement", "pairingcitation"):
        return history.annotate(pairing_ref=F("pairing_id"))
    owner, key = (Event, "event_id") if kind == "eventcitation" else (Agreement, "agreement_id")
    owner_pairing = owner.history.filter(id=OuterRef(key)).order_by("-history_date").values("pairing_id")[:1]
    return history.annotate(pairing_ref=Subquery(owner_pairing))


def curator_changes(*, user_id=None, pairing_id=None, week_start: dt.date | None = None, limit: int = 200) -> list[Change]:
    """The latest curator changes (newest first), optionally by one person, on one pairing (its
    events, citations and agreements included) and in one week (Monday `week_start` + 7 days)."""
    rows: list[Change] = []
    for kind in CHANGE_KINDS:
        qs = _history_with_pairing(kind).filter(history_user__isnull=False).select_related("history_user")
        if user_id:
            qs = qs.filter(history_user_id=user_id)
        if week_start:
            qs = qs.filter(history_date__date__gte=week_start, history_date__date__lt=week_start + dt.timedelta(days=7))
        if pairing_id:
            qs = qs.filter(pairing_ref=pairing_id)
        rows += [Change(kind=kind, record=r, pairing_id=r.pairing_ref) for r in qs.order_by("-history_date")[:limit]]
    rows.sort(key=lambda c: c.record.history_date, reverse=True)
    rows = rows[:limit]
    _describe(rows)
    return rows


def _describe(rows: list[Change]) -> None:
    """Fill in each change's label, changed fields and review, in a few queries for the whole page."""
    pairings = {p.pk: p for p in Pairing.objects.filter(pk__in={c.pairing_id for c in rows}).select_related("place_a", "place_b")}
    sources = {s.pk: s for s in Source.objects.filter(pk__in={getattr(c.record, "source_id", None) for c in rows} - {None})}
    reviews = {(r.kind, r.history_id): r for r in ChangeReview.objects.filter(
        history_id__in=[c.record.history_id for c in rows]).select_related("reviewer")}
    for change in rows:
        record = change.record
        pairing = pairings.get(change.pairing_id)
        on = str(pairing) if pairing else f"pairing #{change.pairing_id}"
        if change.kind == "pairing":
            change.what = f"{on} ({record.get_relationship_display()})"
        elif change.kind == "event":
            change.what = f"{on}: {record.get_event_type_display()} — {partial_date_of(record, 'date').display()}"
        elif change.kind == "agreement":
            change.what = f"{on}: {record.title or record.get_kind_display()}"
        else:
            source = sources.get(record.source_id)
            owner = {"eventcitation": "event", "agreementcitation": "agreement"}.get(change.kind, "pairing")
            change.what = f"{on}: source “{source.title if source else record.source_id}” cited for the {owner}"
        if record.history_type == "~" and record.prev_record is not None:
            change.changed_fields = [c.field for c in record.diff_against(record.prev_record).changes
                                     if c.field not in ("updated_at", "status_after", "status_since_event")]
        change.review = reviews.get((change.kind, record.history_id))


def pairing_timeline_as_of(pairing_id: int, moment: dt.datetime) -> list[tuple[Event, str, list]]:
    """The pairing's timeline as it was at `moment`, from the history: each event as then recorded,
    the status right after it (derived again from that timeline, as `twinning.status` does) and the
    sources then cited: [(event, status_after, [source, ...])]."""
    latest = {}
    for record in Event.history.filter(pairing_id=pairing_id, history_date__lte=moment).order_by("history_date", "history_id"):
        latest[record.id] = record
    events = [r.instance for r in latest.values() if r.history_type != "-"]
    events.sort(key=lambda e: (e.date, e.order, e.pk))
    _pairing, per_event = stored_fields(events)
    cited: dict[int, dict[int, object]] = {}
    for record in EventCitation.history.filter(event_id__in=[e.pk for e in events], history_date__lte=moment).order_by(
        "history_date", "history_id"
    ):
        cited.setdefault(record.event_id, {})[record.source_id] = record.history_type != "-"
    sources = Source.objects.in_bulk({s for by in cited.values() for s, kept in by.items() if kept})
    return [
        (e, per_event[e.pk]["status_after"], [sources[s] for s, kept in cited.get(e.pk, {}).items() if kept and s in sources])
        for e in events
    ]
