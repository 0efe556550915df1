"""Import a Wikidata twinning extract (P190) as evidence: the world register (issue 8).

Reads the CSV a Wikidata Query Service download gives for the query in `docs/wikidata.md`
(`item,itemLabel,itemCountryCode,itemCoord,twin,twinLabel,twinCountryCode,twinCoord,start,end,endCause,endCauseLabel`).

What it does, in one transaction (all or nothing):
- one `Source` + `Snapshot` per snapshot date (publisher Wikidata, CC0, retrieval date, rows, SHA-256),
  reused when the same snapshot is imported again;
- places: matched by Wikidata QID first, then by name or local name + country among places that have
  no QID yet (the QID is then stored on the place); more than one candidate is an `AmbiguousMatch` for a
  curator and the rows that need it are skipped, never guessed; otherwise a new place is created with
  kind "other" (Wikidata items mix cities, districts and provinces, so we claim nothing) and the country
  as listed;
- pairings: a pair listed in either or both directions is one pairing (any existing pairing between the
  two places, whatever its relationship; else a new "twin town" pairing, which is what P190 says);
- per pair and snapshot one `Listing` (names, countries, direction as listed) and one `EventType.LISTED`
  event dated the snapshot date and cited to the snapshot's source, so `twinning.status.derive` gives
  "listed" only where nothing curated is known;
- statuses are derived in bulk with the project's own `derive` (`pairings_status_refresh_bulk`);
- listings of older snapshots that the latest snapshot no longer has are flagged `missing_since`
  (for review; absence never severs);
- an `ImportReport` records counts, every skipped or ambiguous row with its reason, who and when.

Rules for dirty data (each produces a report line naming the row and column):
- a cell in `item`/`twin` that is not a Wikidata entity IRI or QID: the row is skipped;
- a place that would have to be created with a country code that is not ISO 3166-1 (XK Kosovo,
  XC Northern Cyprus, XS Somaliland) or with no country (the 2016 file): it is not created (a place
  here needs an ISO country) and its rows are skipped; such places still match by QID or name;
- coordinates that are missing, unreadable or out of range: the place is created without coordinates;
- an item listed as its own twin, or two QIDs that resolve to the same place here: skipped;
- `start`/`end` that are not xsd:dateTime values (or not real dates): the row is skipped.

End times: a pair with `end` also gets a `LISTED_ENDED` event dated at the end time's precision (see
`partial_date_of_wikidata`), cited to the snapshot; an end after the snapshot date is a note, not an event.

A re-import of the same file changes nothing in the register (it only adds a report). Bulk operations
throughout: a 10,000-row file takes a few seconds, not one service call per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pycountry
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from core.partialdates import PartialDate, Precision
from sources.constants import SourceType
from sources.services import source_get_or_create
from twinning.constants import Actor, Confidence, EventType, IdentifierScheme, PlaceKind, Relationship
from twinning.imports.spreadsheet import Problem
from twinning.models import (
    AmbiguousMatch,
    Event,
    EventCitation,
    ImportReport,
    Listing,
    ListingDirection,
    Pairing,
    Place,
    PlaceIdentifier,
    Snapshot,
)
from twinning.services import pairings_status_refresh_bulk, place_names_from_listings

REQUIRED_COLUMNS = ("item", "itemLabel", "itemCountryCode", "itemCoord", "twin", "twinLabel", "twinCountryCode", "twinCoord")
OPTIONAL_COLUMNS = ("start", "end", "endCause", "endCauseLabel")
NON_ISO_CODES = {"XK": "Kosovo", "XC": "Northern Cyprus", "XS": "Somaliland"}
PUBLISHER = "Wikidata"
LICENCE = "CC0 1.0"

_QID = re.compile(r"^(?:https?://www\.wikidata\.org/entity/)?(Q[1-9]\d*)$")
_POINT = re.compile(r"^\s*Point\(\s*(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)\s+(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)\s*\)\s*$")
_DATETIME = re.compile(r"^[+-]?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class WikidataImportError(Exception):
    """The file as a whole cannot be imported (encoding, header, empty, snapshot date)."""


@dataclass(frozen=True)
class Line(Problem):
    """A report line: where (row as a spreadsheet shows it, column), what, and its kind: "skipped",
    "ambiguous" or "note"."""

    kind: str = "skipped"


@dataclass
class _Node:
    qid: str
    label: str
    country: str
    coord: str
    row: int
    column: str  # "item" or "twin": where it was first seen


@dataclass
class _Pair:
    first: str  # QID of the item on the first row listing the pair
    second: str
    row: int
    directions: set = field(default_factory=set)  # {(item, twin), ...}
    labels: dict = field(default_factory=dict)  # qid -> (label, country) as listed
    start: str = ""
    end: str = ""
    end_cause: str = ""
    end_cause_label: str = ""


def qid_of(cell: str) -> str | None:
    match = _QID.match((cell or "").strip())
    return match[1] if match else None


def parse_point(text: str) -> tuple[Decimal, Decimal] | None:
    """(latitude, longitude) from WKT `Point(lon lat)`, rounded to 5 places; None if unreadable or out of range."""
    match = _POINT.match(text or "")
    if not match:
        return None
    try:
        lon, lat = Decimal(match[1]), Decimal(match[2])
    except InvalidOperation:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return round(lat, 5), round(lon, 5)


def iso_country(code: str) -> str | None:
    code = (code or "").strip().upper()
    return code if len(code) == 2 and pycountry.countries.get(alpha_2=code) else None


def partial_date_of_wikidata(value: str) -> PartialDate | None:
    """An xsd:dateTime from the query service at the precision it most likely had. The CSV does not carry
    Wikidata's precision, and the service writes a year as 1 January and a month as its first day, so:
    `…-01-01T00:00:00Z` is a year, `…-MM-01T00:00:00Z` a month, anything else a day. None if not a date
    (negative or five-digit years, 31 February)."""
    match = re.match(r"^\+?(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$", value or "")
    if not match:
        return None
    try:
        date = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    midnight = match[4] == match[5] == match[6] == "00"
    if midnight and (date.month, date.day) == (1, 1):
        return PartialDate(date, Precision.YEAR)
    if midnight and date.day == 1:
        return PartialDate(date, Precision.MONTH)
    return PartialDate(date, Precision.DAY)


def snapshot_label(date: dt.date) -> str:
    return date_format(date, "j F Y")


def _read(data: bytes) -> tuple[list[str], list[dict]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WikidataImportError(f"the file is not UTF-8 (byte {exc.start} cannot be read)") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise WikidataImportError(
            f"row 1 (header): missing column(s) {', '.join(missing)}; expected {','.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}"
        )
    reader.fieldnames = header
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise WikidataImportError(f"row {reader.line_num}: the CSV cannot be read ({exc})") from None
    if not rows:
        raise WikidataImportError("the file has a header but no rows")
    return header, rows


class _Run:
    def __init__(self, *, data: bytes, snapshot_date: dt.date, file_name: str, user, reason: str, progress):
        self.data, self.snapshot_date, self.file_name = data, snapshot_date, file_name
        self.user, self.reason = user, reason or f"Imported Wikidata snapshot {snapshot_date:%Y-%m-%d} from {file_name}"
        self.progress = progress or (lambda rows, total, desc: rows)
        self.lines: list[Line] = []
        self.counts: Counter = Counter()
        self.digest = hashlib.sha256(data).hexdigest()

    def line(self, row, column, kind, message):
        self.lines.append(Line(row=row, column=column, message=message, kind=kind))

    # --- 1. read and group rows by pair ----------------------------------------------------------

    def parse(self, rows: list[dict]) -> tuple[dict[str, _Node], dict[tuple[str, str], _Pair]]:
        nodes: dict[str, _Node] = {}
        pairs: dict[tuple[str, str], _Pair] = {}
        for index, row in enumerate(self.progress(rows, len(rows), "Reading"), start=2):
            item, twin = qid_of(row.get("item")), qid_of(row.get("twin"))
            if item is None or twin is None:
                column = "item" if item is None else "twin"
                self.line(index, column, "skipped", f"“{row.get(column) or ''}” is not a Wikidata item (QID or entity IRI)")
                continue
            if item == twin:
                self.line(index, "twin", "skipped", f"{item} is listed as its own twin")
                continue
            dates = {}
            bad_date = None
            for column in ("start", "end"):
                value = (row.get(column) or "").strip()
                if value and not _DATETIME.match(value):
                    bad_date = column
                dates[column] = value
            if not bad_date:
                bad_date = next((c for c in ("start", "end") if dates[c] and partial_date_of_wikidata(dates[c]) is None), None)
            if bad_date:
                self.line(index, bad_date, "skipped", f"“{dates[bad_date]}” is not an xsd:dateTime (e.g. 2016-01-01T00:00:00Z)")
                continue
            for qid, prefix in ((item, "item"), (twin, "twin")):
                if qid not in nodes:
                    nodes[qid] = _Node(
                        qid=qid,
                        label=(row.get(f"{prefix}Label") or "").strip(),
                        country=(row.get(f"{prefix}CountryCode") or "").strip().upper(),
                        coord=(row.get(f"{prefix}Coord") or "").strip(),
                        row=index,
                        column=prefix,
                    )
            key = (item, twin) if int(item[1:]) < int(twin[1:]) else (twin, item)
            pair = pairs.get(key)
            if pair is None:
                pair = pairs[key] = _Pair(first=item, second=twin, row=index)
                pair.labels = {
                    item: ((row.get("itemLabel") or "").strip(), (row.get("itemCountryCode") or "").strip().upper()),
                    twin: ((row.get("twinLabel") or "").strip(), (row.get("twinCountryCode") or "").strip().upper()),
                }
            else:
                self.counts["rows_repeating_a_pair"] += 1
            pair.directions.add((item, twin))
            pair.start = pair.start or dates["start"]
            pair.end = pair.end or dates["end"]
            pair.end_cause = pair.end_cause or (qid_of(row.get("endCause") or "") or "")
            pair.end_cause_label = pair.end_cause_label or (row.get("endCauseLabel") or "").strip()
        return nodes, pairs

    # --- 2. reconcile places -----------------------------------------------------------------------

    def reconcile(self, nodes: dict[str, _Node], snapshot: Snapshot) -> dict[str, int]:
        by_qid = dict(PlaceIdentifier.objects.filter(scheme=IdentifierScheme.WIKIDATA).values_list("value", "place_id"))
        resolved: dict[str, int] = {}
        unmatched: list[_Node] = []
        for qid, node in nodes.items():
            if qid in by_qid:
                resolved[qid] = by_qid[qid]
                self.counts["places_matched_by_qid"] += 1
            else:
                unmatched.append(node)
        # Name (or local name) + country, among places that have no QID yet.
        index: dict[tuple[str, str], set[int]] = defaultdict(set)
        for pk, name, local_name, country in Place.objects.exclude(identifiers__scheme=IdentifierScheme.WIKIDATA).values_list(
            "pk", "name", "local_name", "country"
        ):
            for text in (name, local_name):
                if text:
                    index[(text.casefold(), country)].add(pk)
        candidates = {node.qid: index.get((node.label.casefold(), node.country), set()) for node in unmatched}
        claims = Counter(pk for found in candidates.values() if len(found) == 1 for pk in found)
        new_identifiers, to_create = [], []
        self.ambiguous: dict[str, str] = {}
        for node in unmatched:
            found = candidates[node.qid]
            if len(found) == 1 and claims[next(iter(found))] == 1:
                pk = next(iter(found))
                resolved[node.qid] = pk
                new_identifiers.append(PlaceIdentifier(place_id=pk, scheme=IdentifierScheme.WIKIDATA, value=node.qid))
                self.counts["places_matched_by_name"] += 1
                self.line(node.row, f"{node.column}Label", "note",
                          f"{node.qid} “{node.label}” ({node.country}) matched by name and country; its QID is now stored on that place")
            elif found:
                why = (
                    f"{len(found)} places here are named “{node.label}” in {node.country}"
                    if len(found) > 1
                    else f"another Wikidata item in this file also matches the place named “{node.label}” in {node.country}"
                )
                self.ambiguous[node.qid] = why
                match, _created = AmbiguousMatch.objects.update_or_create(
                    qid=node.qid, defaults={"label": node.label[:300], "country": node.country[:2], "snapshot": snapshot}
                )
                match.candidates.set(found)
                self.counts["places_ambiguous"] += 1
                self.line(node.row, f"{node.column}Label", "ambiguous", f"{node.qid} “{node.label}”: {why}; left for review")
            else:
                to_create.append(node)
        self.unresolvable: dict[str, str] = {}
        used_slugs = set(Place.objects.values_list("slug", flat=True))
        new_places = []
        for node in to_create:
            country = iso_country(node.country)
            if country is None:
                if node.country in NON_ISO_CODES:
                    why = (f"country code {node.country} ({NON_ISO_CODES[node.country]}) is not ISO 3166-1, so the place "
                           "is not created here; match it by giving a place its QID")
                elif not node.country:
                    why = "no country given and no place here has this QID (a file without countries matches by QID only)"
                else:
                    why = f"“{node.country}” is not an ISO 3166-1 country code"
                self.unresolvable[node.qid] = why
                self.line(node.row, f"{node.column}CountryCode", "note", f"{node.qid} “{node.label}” not created: {why}")
                continue
            name = (node.label or node.qid)[:200]
            point = parse_point(node.coord)
            if point is None:
                self.counts["places_created_without_coordinates"] += 1
                self.line(node.row, f"{node.column}Coord", "note",
                          f"{node.qid} “{name}”: coordinates “{node.coord}” missing or unreadable; created without coordinates")
            base = slugify(name)[:200] or node.qid.lower()
            for slug in (base, f"{base}-{country.lower()}", f"{base}-{node.qid.lower()}"):
                if slug not in used_slugs:
                    break
            used_slugs.add(slug)
            new_places.append((node, Place(
                name=name, country=country, kind=PlaceKind.OTHER, slug=slug,
                latitude=point[0] if point else None, longitude=point[1] if point else None,
                notes=f"Created from Wikidata {node.qid} (snapshot {self.snapshot_date:%Y-%m-%d}); kind not known.",
            )))
        Place.objects.bulk_create([place for _node, place in new_places], batch_size=2000)
        for node, place in new_places:
            resolved[node.qid] = place.pk
            new_identifiers.append(PlaceIdentifier(place_id=place.pk, scheme=IdentifierScheme.WIKIDATA, value=node.qid))
        PlaceIdentifier.objects.bulk_create(new_identifiers, batch_size=2000)
        self.counts["places_created"] += len(new_places)
        _analyze(Place, PlaceIdentifier)
        return resolved

    # --- 3. pairings, listings, events ----------------------------------------------------------

    def apply_pairs(self, pairs: dict, resolved: dict[str, int], snapshot: Snapshot) -> set[int]:
        existing: dict[frozenset, list[tuple[int, int]]] = defaultdict(list)
        for pk, a, b in Pairing.objects.order_by("pk").values_list("pk", "place_a_id", "place_b_id"):
            existing[frozenset((a, b))].append((pk, a))
        used_slugs = set(Pairing.objects.values_list("slug", flat=True))
        place_slugs = dict(Place.objects.filter(pk__in=set(resolved.values())).values_list("pk", "slug"))
        listings = {listing.pairing_id: listing for listing in Listing.objects.filter(snapshot=snapshot)}

        plans = []  # (pair, pairing_id or None, place_a_id)
        new_pairings = []
        for key, pair in self.progress(list(pairs.items()), len(pairs), "Pairing"):
            missing = [qid for qid in key if qid not in resolved]
            if missing:
                reasons = "; ".join(
                    f"{qid}: {self.ambiguous.get(qid) or self.unresolvable.get(qid) or 'not resolved'}" for qid in missing
                )
                column = "item" if pair.first in missing else "twin"
                kind = "ambiguous" if any(qid in self.ambiguous for qid in missing) else "skipped"
                self.line(pair.row, column, kind, f"pair {pair.first}–{pair.second} not imported ({reasons})")
                self.counts["pairs_skipped"] += 1
                continue
            a, b = resolved[pair.first], resolved[pair.second]
            if a == b:
                self.line(pair.row, "twin", "skipped", f"{pair.first} and {pair.second} are the same place here")
                self.counts["pairs_skipped"] += 1
                continue
            found = existing.get(frozenset((a, b)))
            if found:
                if len(found) > 1:
                    self.line(pair.row, "item", "note",
                              f"{len(found)} pairings between these places here; the listing is attached to the first recorded")
                self.counts["pairings_matched"] += 1
                plans.append((pair, found[0][0], found[0][1]))
            else:
                base = f"{place_slugs[a]}-{place_slugs[b]}"[:236]
                slug, n = base, 2
                while slug in used_slugs:
                    slug, n = f"{base}-{n}", n + 1
                used_slugs.add(slug)
                pairing = Pairing(
                    place_a_id=a, place_b_id=b, relationship=Relationship.TWIN_TOWN, slug=slug, confidence=Confidence.LOW,
                    confidence_note="Known only from a Wikidata listing (P190, twinned administrative body); not checked.",
                )
                new_pairings.append(pairing)
                existing[frozenset((a, b))].append((None, a))
                plans.append((pair, pairing, a))
        Pairing.objects.bulk_create(new_pairings, batch_size=2000)
        self.counts["pairings_created"] += len(new_pairings)
        _analyze(Pairing)

        new_events, new_listings, changed_listings = [], [], []
        summary = f"Listed by Wikidata (P190) in the snapshot of {snapshot_label(self.snapshot_date)}."
        for pair, pairing, place_a_id in plans:
            pairing_id = pairing if isinstance(pairing, int) else pairing.pk
            a_qid = pair.first if resolved[pair.first] == place_a_id else pair.second
            if len(pair.directions) > 1:
                direction = ListingDirection.BOTH
                self.counts["pairs_listed_both_ways"] += 1
            else:
                (item, _twin), = pair.directions
                direction = ListingDirection.A_TO_B if item == a_qid else ListingDirection.B_TO_A
                self.counts["pairs_listed_one_way"] += 1
            item, twin = pair.first, pair.second  # as on the first row listing the pair
            values = {
                "item_qid": item, "item_label": pair.labels[item][0][:300], "item_country": pair.labels[item][1][:2],
                "twin_qid": twin, "twin_label": pair.labels[twin][0][:300], "twin_country": pair.labels[twin][1][:2],
                "direction": direction, "row_number": pair.row, "start": pair.start[:40], "end": pair.end[:40],
                "end_cause": pair.end_cause[:16], "end_cause_label": pair.end_cause_label[:300],
            }
            listing = listings.get(pairing_id)
            if listing is None:
                event = Event(
                    pairing_id=pairing_id, event_type=EventType.LISTED, date=self.snapshot_date, date_precision=Precision.DAY,
                    order=0, actor=Actor.OTHER, summary=summary, confidence=Confidence.HIGH,
                )
                new_events.append(event)
                new_listings.append(Listing(pairing_id=pairing_id, snapshot=snapshot, event=event, **values))
            elif any(getattr(listing, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(listing, name, value)
                changed_listings.append(listing)
            else:
                self.counts["listings_unchanged"] += 1
        Event.objects.bulk_create(new_events, batch_size=2000)
        _analyze(Event)  # the citations' triggers read the events just written
        EventCitation.objects.bulk_create(
            [EventCitation(event=event, source_id=snapshot.source_id, locator=f"row {listing.row_number}")
             for event, listing in zip(new_events, new_listings, strict=True)],
            batch_size=2000,
        )
        for listing in new_listings:
            listing.event_id = listing.event.pk
        Listing.objects.bulk_create(new_listings, batch_size=2000)
        if changed_listings:
            Listing.objects.bulk_update(changed_listings, list(values), batch_size=1000)
        _analyze(EventCitation, Listing)  # flag_missing joins the listings: 74 s of a 97 s import on emptied statistics
        self.counts["listings_created"] += len(new_listings)
        self.counts["listings_updated"] += len(changed_listings)
        ended = self.apply_end_times(plans, snapshot)
        return {event.pairing_id for event in new_events} | ended

    def apply_end_times(self, plans: list, snapshot: Snapshot) -> set[int]:
        """An end time (P582) on a listed P190 statement is evidence that the twinning ended then: one
        `LISTED_ENDED` event per pairing and snapshot, dated at the end time's precision and cited to the
        snapshot's source. It leads to "lapsed" only where nothing curated is in force (`derive`); the end
        cause, when given, is quoted, not interpreted. Updated or removed when a re-import of the same
        snapshot says otherwise. Returns the pairings whose events changed."""
        existing = {
            event.pairing_id: event
            for event in Event.objects.filter(event_type=EventType.LISTED_ENDED, citations__source_id=snapshot.source_id)
        }
        wanted = {}
        for pair, pairing, _place_a_id in plans:
            if not pair.end:
                continue
            pairing_id = pairing if isinstance(pairing, int) else pairing.pk
            end = partial_date_of_wikidata(pair.end)
            if end.date > self.snapshot_date:
                self.line(pair.row, "end", "note", f"end time {pair.end} is after the snapshot date; no event recorded")
                continue
            summary = f"Listed by Wikidata (P190) with end time {end.iso()} in the snapshot of {snapshot_label(self.snapshot_date)}"
            if pair.end_cause or pair.end_cause_label:
                cause = " ".join(filter(None, [pair.end_cause_label and f"“{pair.end_cause_label}”", pair.end_cause and f"({pair.end_cause})"]))
                summary += f"; end cause as given: {cause}"
            wanted[pairing_id] = (end, summary[:1000] + ".", pair.row)
        new_events, changed, touched = [], [], set()
        for pairing_id, (end, summary, row_number) in wanted.items():
            event = existing.get(pairing_id)
            if event is None:
                new_events.append((Event(
                    pairing_id=pairing_id, event_type=EventType.LISTED_ENDED, date=end.date, date_precision=end.precision,
                    order=0, actor=Actor.OTHER, summary=summary, confidence=Confidence.HIGH,
                ), row_number))
            elif (event.date, event.date_precision, event.summary) != (end.date, end.precision, summary):
                event.date, event.date_precision, event.summary = end.date, end.precision, summary
                changed.append(event)
            else:
                continue
            touched.add(pairing_id)
        Event.objects.bulk_create([event for event, _row in new_events], batch_size=2000)
        EventCitation.objects.bulk_create(
            [EventCitation(event=event, source_id=snapshot.source_id, locator=f"row {row_number}") for event, row_number in new_events],
            batch_size=2000,
        )
        if changed:
            Event.objects.bulk_update(changed, ["date", "date_precision", "summary"], batch_size=1000)
        gone = [event for pairing_id, event in existing.items() if pairing_id not in wanted]
        if gone:
            Event.objects.filter(pk__in=[event.pk for event in gone]).delete()
            touched |= {event.pairing_id for event in gone}
        self.counts["end_events_created"] += len(new_events)
        self.counts["end_events_updated"] += len(changed)
        self.counts["end_events_removed"] += len(gone)
        return touched

    # --- 4. absence from the latest snapshot: flag, never sever ----------------------------------

    def flag_missing(self) -> None:
        latest = Snapshot.objects.order_by("-date").first()
        in_latest = Listing.objects.filter(snapshot=latest).values("pairing_id")
        older = Listing.objects.filter(snapshot__date__lt=latest.date)
        flagged = older.exclude(pairing_id__in=in_latest).exclude(missing_since=latest.date).update(missing_since=latest.date)
        cleared = older.filter(pairing_id__in=in_latest, missing_since__isnull=False).update(missing_since=None)
        Listing.objects.filter(snapshot=latest, missing_since__isnull=False).update(missing_since=None)
        self.counts["listings_flagged_missing"] += flagged
        self.counts["listings_no_longer_missing"] += cleared

    # --- the run -----------------------------------------------------------------------------------

    def snapshot(self, row_count: int) -> Snapshot:
        label = snapshot_label(self.snapshot_date)
        notes = (
            f"Twinning statements (P190, twinned administrative body) as listed by Wikidata on {label}. "
            f"Licence {LICENCE}. File {self.file_name}, {row_count} rows, SHA-256 {self.digest}."
        )
        snapshot = Snapshot.objects.filter(date=self.snapshot_date).select_related("source").first()
        if snapshot is None:
            source, _created = source_get_or_create(
                title=f"Wikidata twinning statements (P190), snapshot {label}", publisher=PUBLISHER,
                source_type=SourceType.OTHER, accessed=self.snapshot_date, notes=notes, user=self.user, reason=self.reason,
            )
            return Snapshot.objects.create(
                source=source, date=self.snapshot_date, file_name=self.file_name[:200], row_count=row_count,
                sha256=self.digest, licence=LICENCE,
            )
        if snapshot.sha256 != self.digest:
            self.line(None, "", "note",
                      f"a different file ({snapshot.file_name}, SHA-256 {snapshot.sha256[:12]}…) was imported for this snapshot "
                      "before; its evidence is updated from this file")
            snapshot.sha256, snapshot.row_count, snapshot.file_name = self.digest, row_count, self.file_name[:200]
            snapshot.save(update_fields=["sha256", "row_count", "file_name", "updated_at"])
        return snapshot

    def run(self) -> ImportReport:
        started_at, start = timezone.now(), time.perf_counter()
        _header, rows = _read(self.data)
        self.counts["rows"] = len(rows)
        with transaction.atomic():
            snapshot = self.snapshot(len(rows))
            nodes, pairs = self.parse(rows)
            del rows
            self.counts["distinct_pairs"] = len(pairs)
            resolved = self.reconcile(nodes, snapshot)
            touched = self.apply_pairs(pairs, resolved, snapshot)
            self.flag_missing()
            place_names_from_listings(user=self.user, reason=self.reason)  # labels become searchable names
            self.counts["statuses_changed"] = pairings_status_refresh_bulk(pairing_ids=touched) if touched else 0
            self.counts["rows_skipped"] = sum(1 for line in self.lines if line.kind == "skipped" and line.column in (
                "item", "twin", "start", "end") and "pair " not in line.message)
            seconds = time.perf_counter() - start
            report = ImportReport(
                snapshot=snapshot, file_name=self.file_name[:200], sha256=self.digest, user=self.user,
                reason=self.reason[:300], started_at=started_at, seconds=round(seconds, 2), counts=dict(self.counts),
                lines=[{"row": li.row, "column": li.column, "kind": li.kind, "message": li.message} for li in self.lines],
            )
            report.text = report_text(report)
            report.save()
            _analyze(Pairing, Event, EventCitation, Listing)  # changed since their phase (statuses, end times, flags)
        return report


def _analyze(*models) -> None:
    """Refresh the planner's statistics for the tables the import just filled, inside its transaction
    (ANALYZE there counts the transaction's own new rows). Run between the import's phases, so the next
    phase's statements and triggers are not planned as if those tables were empty, and at the end, so
    the pages read right after (before autovacuum gets there) are not either. A table whose rows were
    all deleted or rolled back keeps its pages, and once analysed like that the planner expects no
    rows in it at all: a citations insert then planned its trigger's join as nested loops over whole
    tables, and the world file's import did not finish within CI's 90 minutes (at 696855c)."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


COUNT_LABELS = [
    ("rows", "rows read"),
    ("distinct_pairs", "distinct pairs"),
    ("rows_repeating_a_pair", "rows repeating a pair (the other direction or a duplicate)"),
    ("places_matched_by_qid", "places matched by Wikidata QID"),
    ("places_matched_by_name", "places matched by name and country (QID now stored)"),
    ("places_created", "places created (kind “other”, country as listed)"),
    ("places_created_without_coordinates", "of which without coordinates"),
    ("places_ambiguous", "places ambiguous (left for review in the admin)"),
    ("pairings_matched", "pairings matched (already recorded here)"),
    ("pairings_created", "pairings created (status “listed”)"),
    ("pairs_listed_both_ways", "pairs listed on both places"),
    ("pairs_listed_one_way", "pairs listed on one place only"),
    ("pairs_skipped", "pairs skipped (see lines)"),
    ("rows_skipped", "rows skipped (see lines)"),
    ("listings_created", "listings created"),
    ("listings_updated", "listings updated"),
    ("listings_unchanged", "listings unchanged"),
    ("end_events_created", "end times recorded as events (“listed by Wikidata as ended”)"),
    ("end_events_updated", "end-time events updated"),
    ("end_events_removed", "end-time events removed (no longer in this snapshot's file)"),
    ("listings_flagged_missing", "older listings now missing from the latest snapshot (flagged for review)"),
    ("listings_no_longer_missing", "older listings listed again"),
    ("statuses_changed", "pairing statuses changed"),
]


def report_text(report: ImportReport, *, max_lines_per_reason: int = 10) -> str:
    counts = report.counts
    out = [f"Wikidata import of {report.file_name} (snapshot {report.snapshot.date:%Y-%m-%d}) in {report.seconds:.1f} s"]
    out += [f"  {counts.get(key, 0):>7}  {label}" for key, label in COUNT_LABELS if key in counts or key == "rows"]
    by_kind = defaultdict(list)
    for line in report.lines:
        by_kind[line["kind"]].append(line)
    for kind in ("skipped", "ambiguous", "note"):
        lines = by_kind.get(kind, [])
        if not lines:
            continue
        out.append(f"{kind.capitalize()} ({len(lines)}):")
        for line in lines[:max_lines_per_reason * 5]:
            out.append("  " + str(Line(row=line["row"], column=line["column"], message=line["message"], kind=line["kind"])))
        if len(lines) > max_lines_per_reason * 5:
            out.append(f"  … and {len(lines) - max_lines_per_reason * 5} more (all are kept in the report in the admin)")
    return "\n".join(out)


def import_wikidata(
    data: bytes,
    *,
    snapshot: dt.date,
    file_name: str,
    user=None,
    reason: str = "",
    progress: Callable | None = None,
) -> ImportReport:
    """Import one Wikidata P190 CSV as the snapshot of `snapshot`; raises WikidataImportError for a
    file that cannot be imported at all (nothing is then written)."""
    if snapshot > dt.date.today():
        raise WikidataImportError(f"the snapshot date {snapshot:%Y-%m-%d} is in the future")
    return _Run(data=data, snapshot_date=snapshot, file_name=file_name, user=user, reason=reason, progress=progress).run()
