"""Reads about the world register (Wikidata listings), shared by the pages and the API: the honest
label of a "listed" status, coverage counts, and the drift watch (where Wikidata and the register's
curated decisions disagree), with a QuickStatements export for Wikidata editors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.formats import date_format

from core.partialdates import Precision
from twinning.constants import Status
from twinning.models import Event, Listing, ListingDirection, Pairing, Place, Snapshot
from twinning.selectors import events_with_sources
from twinning.status import EVIDENCE_LISTED, EVIDENCE_UNKNOWN, EVIDENCE_VERIFIED

ENDED = (Status.SEVERED, Status.LAPSED)

# What a pairing's current status rests on, stored as `Pairing.evidence` (twinning.status.evidence):
# "verified" (a curator's sourced event brought it), "listed" (only Wikidata: the status came from a
# Wikidata event) or "unknown" (nothing brought a status).
UNKNOWN_Q = Q(evidence=EVIDENCE_UNKNOWN)
LISTED_Q = Q(evidence=EVIDENCE_LISTED)
VERIFIED_Q = Q(evidence=EVIDENCE_VERIFIED)


def listed_label(snapshot_date: dt.date | None) -> str:
    """“listed by Wikidata (snapshot 1 May 2026), not yet checked” — what a "listed" status means."""
    when = date_format(snapshot_date, "j F Y") if snapshot_date else "?"
    return f"listed by Wikidata (snapshot {when}), not yet checked"


def status_label(status: str, since: dt.date | None) -> str:
    """The public label of a status; for "listed" it names the snapshot (the date it holds from)."""
    if status == Status.LISTED:
        return listed_label(since)
    return str(Status(status).label)


def latest_snapshot() -> Snapshot | None:
    return Snapshot.objects.select_related("source").order_by("-date").first()


def coverage(pairings=None) -> dict:
    """How many pairings curators have checked (`checked`: a curated event brought their status), how many
    are only listed by Wikidata (`listed`) and how many have no known status (`unknown`), in one query."""
    qs = Pairing.objects.all() if pairings is None else pairings
    return qs.order_by().aggregate(
        total=Count("id"),
        listed=Count("id", filter=LISTED_Q),
        checked=Count("id", filter=VERIFIED_Q),
        unknown=Count("id", filter=UNKNOWN_Q),
    )


def evidence_counts() -> dict:
    """Pairings by status and by what the status rests on, in one aggregate query: `by_evidence`
    ({"verified", "listed", "unknown"} -> n), `by_status` (status -> n) and `verified_by_status` and
    `listed_by_status` (status -> n among verified, resp. Wikidata-only, pairings), every status present."""
    empty = {s: 0 for s in Status.values}
    out = {"by_evidence": {"verified": 0, "listed": 0, "unknown": 0}, "by_status": dict(empty),
           "verified_by_status": dict(empty), "listed_by_status": dict(empty)}
    rows = Pairing.objects.order_by().values_list("evidence", "status").annotate(n=Count("id"))
    for evidence, status, n in rows:
        out["by_evidence"][evidence] += n
        out["by_status"][status] += n
        if evidence in ("verified", "listed"):
            out[f"{evidence}_by_status"][status] += n
    return out


def place_coverage(place: Place) -> dict:
    return coverage(Pairing.objects.filter(Q(place_a=place) | Q(place_b=place)))


# --- Drift watch ---------------------------------------------------------------------------------


@dataclass
class DriftRow:
    kind: str  # "ended_but_listed" or "gone_from_snapshot"
    pairing: Pairing
    listing: Listing
    decision: Event | None  # the event that brought the pairing's current status
    quickstatements: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return DRIFT_KINDS[self.kind]

    @property
    def sources(self) -> list:
        return [c.source for c in self.decision.citations.all()] if self.decision else []


DRIFT_KINDS = {
    "ended_but_listed": "Ended here, still listed by Wikidata without an end time",
    "gone_from_snapshot": "Listed in an older Wikidata snapshot, gone from the latest",
}

_QS_PRECISION = {Precision.DAY: 11, Precision.MONTH: 10, Precision.YEAR: 9}


def quickstatements_time(event: Event) -> str:
    """A Wikidata time value at the event's precision: +2022-11-02T00:00:00Z/11, +2022-11-00T00:00:00Z/10."""
    d, precision = event.date, event.date_precision
    month = f"{d.month:02d}" if precision != Precision.YEAR else "00"
    day = f"{d.day:02d}" if precision == Precision.DAY else "00"
    return f"+{d.year:04d}-{month}-{day}T00:00:00Z/{_QS_PRECISION[precision]}"


def quickstatements(listing: Listing, decision: Event) -> list[str]:
    """Lines adding end time (P582) with the decision's source URL (P854) to each P190 statement the
    listing stands for (one per direction listed)."""
    statements = [(listing.item_qid, listing.twin_qid)]
    if listing.direction == ListingDirection.BOTH:
        statements.append((listing.twin_qid, listing.item_qid))
    url = next((c.source.url for c in decision.citations.all() if c.source.url), "")
    reference = f'|S854|"{url}"' if url else ""
    return [f"{item}|P190|{twin}|P582|{quickstatements_time(decision)}{reference}" for item, twin in statements]


def drift_rows() -> list[DriftRow]:
    """Pairings where Wikidata and the register disagree, ended-here first, by place names."""
    latest = latest_snapshot()
    if latest is None:
        return []
    ended = (
        Listing.objects.filter(snapshot=latest, end="", pairing__status__in=ENDED)
        .select_related("pairing__place_a", "pairing__place_b", "snapshot")
    )
    gone = (
        Listing.objects.filter(snapshot__date__lt=latest.date, missing_since__isnull=False)
        .exclude(pairing__listings__snapshot=latest)
        .select_related("pairing__place_a", "pairing__place_b", "snapshot")
        .order_by("pairing_id", "-snapshot__date")
        .distinct("pairing_id")
    )
    listings = [("ended_but_listed", listing) for listing in ended] + [("gone_from_snapshot", listing) for listing in gone]
    decision_ids = {listing.pairing_id: listing.pairing.status_event_id for _kind, listing in listings}
    decisions = events_with_sources({pk for pk in decision_ids.values() if pk})
    rows = []
    for kind, listing in listings:
        decision = decisions.get(decision_ids.get(listing.pairing_id))
        row = DriftRow(kind=kind, pairing=listing.pairing, listing=listing, decision=decision)
        if kind == "ended_but_listed" and decision is not None:
            row.quickstatements = quickstatements(listing, decision)
        rows.append(row)
    rows.sort(key=lambda r: (r.kind != "ended_but_listed", r.pairing.place_a.name, r.pairing.place_b.name))
    return rows


def drift_quickstatements(rows: list[DriftRow] | None = None) -> str:
    rows = drift_rows() if rows is None else rows
    return "".join(f"{line}\n" for row in rows for line in row.quickstatements)
