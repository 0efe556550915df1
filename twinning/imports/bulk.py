"""Planning a spreadsheet import in memory, then writing it in bulk.

`Planner` loads, in a fixed handful of queries, every record the file's rows can touch (places by
Wikidata QID and by name or local name, the pairings between them with their events, agreements and
citations, and the sources by URL or title), then runs through the rows in order, deciding per row
what an import would do exactly as the per-row services did: match, cite, or create. What earlier
rows create is seen by later rows. Nothing is written while planning, so a preview is a plan;
`Planner.write` hands the new records to `twinning.services.import_records_create`, which stores them
with their history (who, why) and re-derives the touched pairings' statuses in bulk.

It also says per row which existing place, pairing and event a name or date matched, and flags the
near-duplicates it will not decide alone (`results.Flag`): a place name not found but similar to
places of that country, a pair of places already paired under another relationship, an event of the
same type on the same pairing whose period overlaps the row's date. A flag is answered by the
curator (`resolutions`: the flag's key → a candidate's value or "new"); until every flag is
answered nothing is applied.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache
from itertools import chain

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop

from core.partialdates import PartialDate, partial_date_of, partial_values
from core.text import is_ascii_digits
from sources.models import Source
from twinning import selectors, services
from twinning.constants import EventType, IdentifierScheme, PlaceKind
from twinning.imports.results import NEW, Candidate, Flag, Match, RowOutcome
from twinning.models import (
    Agreement,
    AgreementCitation,
    Event,
    EventCitation,
    Pairing,
    PairingCitation,
    Place,
    PlaceIdentifier,
    PlaceName,
)
from twinning.status import derive

WIKIDATA = IdentifierScheme.WIKIDATA
# How a match was made (translated where shown)
BY_QID = gettext_noop("by Wikidata QID")
AS_CHOSEN = gettext_noop("as you chose")


SAME = "same:"  # an answer naming a place new earlier in the same file: "same:<its name, lower case>"
# pg_trgm.similarity_threshold's default (0.3), what `%` and similar_places use, as a fraction: shared
# trigrams / all trigrams >= 3/10, compared in whole numbers (0.3 * 10 is 3.0000000000000004 in floats).
SIMILAR_NUM, SIMILAR_DEN = 3, 10
_WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of `text` (lower case; each word padded with two spaces before, one after)."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


class RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


def key(obj) -> object:
    """A record's identity while planning: its primary key, or the object itself while unsaved."""
    return obj.pk if obj.pk is not None else ("new", id(obj))


def admin_url(obj) -> str:
    """The admin change page of a saved record ("" for an unsaved one or a model without one)."""
    if obj.pk is None:
        return ""
    prefix, suffix = _admin_url_parts(obj._meta.app_label, obj._meta.model_name)
    return f"{prefix}{obj.pk}{suffix}" if prefix else ""


@cache
def _admin_url_parts(app_label: str, model_name: str) -> tuple[str, str]:
    # reversed once per model (thousands of rows would each pay for the resolver otherwise)
    try:
        url = reverse(f"admin:{app_label}_{model_name}_change", args=[987654321])
    except NoReverseMatch:
        return "", ""
    prefix, _sep, suffix = url.partition("987654321")
    return prefix, suffix


def _set_partial(obj, prefix: str, value: PartialDate | None) -> None:
    for name, field_value in partial_values(prefix, value, circa=hasattr(obj, f"{prefix}_circa")).items():
        setattr(obj, name, field_value)


# The fields a spreadsheet cell fills in freely; the others come from vocabularies and dates that
# the row reader has already checked.
_CELL_FIELDS = {"name", "local_name", "region", "country", "url", "title", "publisher", "summary", "mover", "term_years"}


def _clean(obj) -> None:
    """The checks `full_clean` makes of the fields cells fill in, without its uniqueness and
    foreign-key queries (the database constraints still guard those when the records are written)."""
    obj.clean_fields(exclude=[f.name for f in obj._meta.concrete_fields if f.name not in _CELL_FIELDS])
    obj.clean()


def _overlap(a: PartialDate, b: PartialDate) -> bool:
    return a.date <= b.end and b.date <= a.end


class Planner:
    def __init__(self, plans, *, resolutions: dict[str, str] | None = None, similar: dict | None = None):
        """`similar`: the near-duplicate candidates already looked up for these names (by a check of the
        whole file before its batches), not asked of the database again."""
        self.plans = plans
        self._known_similar = dict(similar or {})
        self.resolutions = dict(resolutions or {})
        # What is to be written, in dependency order.
        self.new = {name: [] for name in (
            "places", "identifiers", "sources", "pairings", "pairing_citations", "agreements",
            "agreement_citations", "events", "event_citations",
        )}
        self.refresh: dict[object, Pairing] = {}  # pairings whose timeline changed (their status is re-derived)
        self.row_of: dict[int, int] = {}  # id(new record) -> the row that creates it
        self.asked: set[str] = set()  # flag keys already raised by an earlier row
        # The places this file creates, by country, with their names' trigrams (an inverted index): a
        # later row's new name is checked against them (two spellings of one new place).
        self.new_places_by_country: dict[str, list[tuple[Place, set[str]]]] = {}
        self.new_trigrams: dict[str, dict[str, list[int]]] = {}
        self._load()

    # --- Loading (a fixed number of queries, whatever the number of rows) ------------------------

    def _load(self) -> None:
        specs = [spec for plan in self.plans for spec in (plan.place, plan.partner)]
        qids = {spec.wikidata for spec in specs if spec.wikidata}
        names = {n.lower() for spec in specs for n in (spec.name, spec.local_name) if n}
        countries = {spec.country for spec in specs}
        places: dict[int, Place] = {}
        self.by_qid: dict[str, Place] = {}
        self.qid_of: dict[object, str] = {}
        for identifier in PlaceIdentifier.objects.filter(scheme=WIKIDATA, value__in=qids).select_related("place"):
            places.setdefault(identifier.place_id, identifier.place)
        # Places a curator chose for a near-duplicate name ("use this one") are loaded with the others.
        chosen = {int(v) for k, v in self.resolutions.items() if k.startswith("place:") and is_ascii_digits(str(v)) and len(str(v)) < 19}
        # A new place chosen for another spelling earlier in the file ("same:<name>") is loaded by name:
        # in a later batch of a background import, an earlier batch has recorded it.
        names |= {str(v).removeprefix(SAME) for k, v in self.resolutions.items() if k.startswith("place:") and str(v).startswith(SAME)}
        for place in Place.objects.filter(pk__in=chosen) if chosen else ():
            places.setdefault(place.pk, place)
        if names:
            for place in (
                Place.objects.filter(country__in=countries)
                .alias(lname=Lower("name"), llocal=Lower("local_name"))
                .filter(Q(lname__in=names) | Q(llocal__in=names))
            ):
                places.setdefault(place.pk, place)
        # Other names (PlaceName: "Peking" for Beijing) match exactly too, in the same country, when no
        # place has that name or local name.
        self.by_other: dict[tuple[str, str], list[tuple[Place, str]]] = defaultdict(list)
        if names:
            for other in (
                PlaceName.objects.filter(place__country__in=countries).alias(lname=Lower("name"))
                .filter(lname__in=names).select_related("place").order_by("place_id", "pk")
            ):
                place = places.setdefault(other.place_id, other.place)
                found = self.by_other[(place.country, other.name.lower())]
                if all(p is not place for p, _n in found):
                    found.append((place, other.name))
        for place_id, value in PlaceIdentifier.objects.filter(scheme=WIKIDATA, place_id__in=places).values_list(
            "place_id", "value"
        ):
            self.by_qid[value] = places[place_id]
            self.qid_of[place_id] = value
        self.by_name: dict[tuple[str, str], list[Place]] = defaultdict(list)
        self.by_local: dict[tuple[str, str], list[Place]] = defaultdict(list)
        for place in places.values():
            self._index_place(place)
        self.places = places

        self.pairings: dict[frozenset, list[Pairing]] = defaultdict(list)
        self.events: dict[object, list[Event]] = defaultdict(list)
        self.agreements: dict[object, list[Agreement]] = defaultdict(list)
        self.status: dict[object, str] = {}
        self.cited: set[tuple] = set()
        pairings: dict[int, Pairing] = {}
        if places:
            for pairing in Pairing.objects.filter(place_a_id__in=places, place_b_id__in=places).order_by("pk"):
                pairing.place_a, pairing.place_b = places[pairing.place_a_id], places[pairing.place_b_id]
                pairings[pairing.pk] = pairing
                self.pairings[frozenset((pairing.place_a_id, pairing.place_b_id))].append(pairing)
                self.status[pairing.pk] = pairing.status
        if pairings:
            events: dict[int, Event] = {}
            for event in Event.objects.filter(pairing_id__in=pairings).order_by("date", "order", "id"):
                event.pairing = pairings[event.pairing_id]
                events[event.pk] = event
                self.events[event.pairing_id].append(event)
            for agreement in Agreement.objects.filter(pairing_id__in=pairings).order_by("pk"):
                agreement.pairing = pairings[agreement.pairing_id]
                self.agreements[agreement.pairing_id].append(agreement)
            for model, owner in ((PairingCitation, "pairing"), (EventCitation, "event"), (AgreementCitation, "agreement")):
                owners = pairings if owner == "pairing" else events if owner == "event" else {
                    a.pk for items in self.agreements.values() for a in items
                }
                for owner_id, source_id in model.objects.filter(**{f"{owner}_id__in": owners}).values_list(
                    f"{owner}_id", "source_id"
                ):
                    self.cited.add((owner, owner_id, source_id))

        # Names not found are checked for near-duplicates all at once (one query, not one per name).
        unmatched = [
            (spec.name, spec.country) for spec in specs
            if (spec.country, spec.name.strip().lower()) not in self._known_similar
            and spec.wikidata not in self.by_qid and not self.by_name.get((spec.country, spec.name.lower()))
            and not self.by_local.get((spec.country, spec.name.lower()))
            and not self.by_other.get((spec.country, spec.name.lower()))
            and not (spec.local_name and self.by_local.get((spec.country, spec.local_name.lower())))
        ]
        self._similar = self._known_similar | {
            (country, text.strip().lower()): found
            for (text, country), found in (selectors.similar_places_many(unmatched) if unmatched else {}).items()
        }

        source_specs = [plan.source for plan in self.plans if plan.source is not None]
        urls = {s.url for s in source_specs if s.url}
        titles = {s.title.lower() for s in source_specs if not s.url}
        self.sources_by_url: dict[str, Source] = {s.url: s for s in Source.objects.filter(url__in=urls)} if urls else {}
        self.sources_by_title: dict[tuple[str, str], Source] = {}
        if titles:
            for source in Source.objects.filter(url="").alias(ltitle=Lower("title")).filter(ltitle__in=titles).order_by("pk"):
                self.sources_by_title.setdefault((source.title.lower(), source.publisher.lower()), source)

    def _index_place(self, place: Place) -> None:
        self.by_name[(place.country, place.name.lower())].append(place)
        if place.local_name:
            self.by_local[(place.country, place.local_name.lower())].append(place)

    # --- Answers to flags --------------------------------------------------------------------------

    def _ask(self, out: RowOutcome, *, flag_key: str, column: str, kind: str, message: str, candidates: list[Candidate]):
        """The curator's answer to this question (a candidate's value or NEW), or "" (then the row is
        planned as new and the flag stands in the way of applying)."""
        choice = self.resolutions.get(flag_key, "")
        if choice and choice != NEW and choice not in {c.value for c in candidates}:
            raise RowError(column, f"the answer “{choice}” to “{message}” is not one of the candidates; choose again.")
        if flag_key not in self.asked:
            self.asked.add(flag_key)
            out.flags.append(Flag(key=flag_key, row=out.number, column=column, kind=kind, message=message,
                                  candidates=candidates, choice=choice))
        return choice

    # --- Rows ------------------------------------------------------------------------------------

    def plan_row(self, plan, *, user=None, reason: str = "") -> RowOutcome:
        out = RowOutcome(number=plan.number, notes=list(plan.notes))
        place, place_qid = self._find_place(plan.place, "place", out)
        partner, partner_qid = self._find_place(plan.partner, "partner", out)
        if place is not None and place is partner:
            raise RowError("partner", f"{place.name} cannot be paired with itself")
        source = self._find_source(plan.source)
        # Everything that can refuse the row has been checked (but the field checks of new records):
        # from here on the row adds to the plan.
        place = self._place(plan.place, place, place_qid, "place", out)
        partner = self._place(plan.partner, partner, partner_qid, "partner", out)
        source = self._source(plan.source, source, out)
        pairing = self._pairing(plan, place, partner, source, out)
        out.status_before = self.status.get(key(pairing), "")
        out.pairing = str(pairing)
        if plan.established is not None:
            self._established(plan, pairing, source, out)
        agreement = self._agreement(plan, pairing, source, out)
        if plan.event_type:
            self._event(plan, pairing, source, agreement, out)
        if key(pairing) in self.refresh:
            self.status[key(pairing)] = str(derive(self.events[key(pairing)]).status)
        out.status_after = self.status[key(pairing)]
        return out

    def _find_place(self, spec, prefix: str, out: RowOutcome) -> tuple[Place | None, bool]:
        """The place `spec` names (None: a new one), and whether its QID is to be added to it."""
        if spec.wikidata and spec.wikidata in self.by_qid:
            place = self.by_qid[spec.wikidata]
            out.matched.append(Match("place", f"{place.name} ({place.country})", admin_url(place), BY_QID))
            return place, False
        matches = self.by_name.get((spec.country, spec.name.lower()), []) + [
            p for p in self.by_local.get((spec.country, spec.name.lower()), []) if p.name.lower() != spec.name.lower()
        ]
        if spec.local_name:
            matches += [p for p in self.by_local.get((spec.country, spec.local_name.lower()), []) if p not in matches]
        matches = list({id(p): p for p in matches}.values())
        if len(matches) > 1:
            names = ", ".join(f"{p.name}{f' ({p.region})' if p.region else ''}" for p in matches)
            raise RowError(prefix, f"“{spec}” matches more than one place ({names}); add {prefix}_wikidata to say which.")
        if matches:
            place = matches[0]
            if spec.wikidata:
                known = self.qid_of.get(key(place), "")
                if known and known != spec.wikidata:
                    raise RowError(f"{prefix}_wikidata", f"{spec.wikidata} differs from {known}, the QID recorded for {place.name}.")
            out.matched.append(Match("place", f"{place.name} ({place.country})", admin_url(place)))
            return place, bool(spec.wikidata)
        others = self.by_other.get((spec.country, spec.name.lower()), [])
        if len(others) > 1:
            names = ", ".join(f"{p.name}{f' ({p.region})' if p.region else ''}" for p, _n in others)
            raise RowError(prefix, f"“{spec}” is another name of more than one place ({names}); add {prefix}_wikidata to say which.")
        if others:
            place, other_name = others[0]
            if spec.wikidata:
                known = self.qid_of.get(key(place), "")
                if known and known != spec.wikidata:
                    raise RowError(f"{prefix}_wikidata", f"{spec.wikidata} differs from {known}, the QID recorded for {place.name}.")
            out.matched.append(Match("place", f"{place.name} ({place.country})", admin_url(place),
                                     f"through its other name {other_name}"))
            return place, bool(spec.wikidata)
        flag_key = f"place:{spec.country}:{spec.name.lower()}"
        similar = self._similar_places(spec)
        same_file = self._similar_new(spec, flag_key)
        similar = [p for p in similar if all(key(p) != key(q) for q in same_file)]
        if not (similar or same_file):
            return None, False
        candidates = [Candidate(str(p.pk), f"{p} ({p.country}{', ' + p.region if p.region else ''})", admin_url(p)) for p in similar]
        candidates += [Candidate(f"{SAME}{p.name.lower()}", f"{p} ({p.country}) ({self._new_in(p)})", admin_url(p)) for p in same_file]
        if same_file and not similar:
            message = (f"“{spec}” is new, and so is a similar place named earlier in this file: the same place "
                       "spelt differently (use that one), or a different place (record a new place)?")
        elif same_file:
            message = (f"“{spec}” is not recorded, but similar places are, and a similar new place is named earlier in "
                       "this file: use one of them, or record a new place.")
        else:
            message = f"“{spec}” is not recorded, but similar places are: use one of them, or record a new place."
        choice = self._ask(out, flag_key=flag_key, column=prefix, kind="similar_place", message=message, candidates=candidates)
        if choice and choice != NEW:
            if choice.startswith(SAME):
                place = next(p for p in same_file if p.name.lower() == choice.removeprefix(SAME))
            else:
                place = self.places.get(int(choice)) or next(p for p in similar if str(p.pk) == choice)
            out.matched.append(Match("place", f"{place.name} ({place.country})", admin_url(place), AS_CHOSEN))
            return place, bool(spec.wikidata) and not self.qid_of.get(key(place))
        return None, False

    def _new_in(self, place: Place) -> str:
        row = self.row_of.get(id(place))
        return f"new in row {row}" if row else "imported from this file"

    def _similar_new(self, spec, flag_key: str) -> list[Place]:
        """Places new in this file (named by an earlier row) in the same country whose names look like
        `spec`'s (pg_trgm's similarity, computed here: they are not in the database yet); and the place
        the curator chose this way, when an earlier batch has since recorded it."""
        grams = trigrams(spec.name)
        index = self.new_trigrams.get(spec.country, {})
        # Counting shared trigrams in C (Counter over the posting lists), then Jaccard >= threshold.
        shared = Counter(chain.from_iterable([index.get(gram, ()) for gram in grams]))
        places = self.new_places_by_country.get(spec.country, [])
        size = len(grams)
        found = []
        for i, common in [(i, c) for i, c in shared.items() if SIMILAR_DEN * c >= SIMILAR_NUM * (size + len(places[i][1]) - c)]:
            place, place_grams = places[i]
            known = self.qid_of.get(key(place), "")
            if spec.wikidata and known and known != spec.wikidata:
                continue  # two QIDs: two places
            found.append((-common / (size + len(place_grams) - common), place.name, i, place))
        result = [place for *_rank, place in sorted(found, key=lambda item: item[:3])][:5]
        answer = self.resolutions.get(flag_key, "")
        if answer.startswith(SAME):
            chosen = self.by_name.get((spec.country, answer.removeprefix(SAME)), [])
            if chosen and all(chosen[0] is not p for p in result):
                result.append(chosen[0])
        return result

    def _similar_places(self, spec) -> list[Place]:
        cache_key = (spec.country, spec.name.strip().lower())
        if cache_key not in self._similar:  # not foreseen by the bulk check (e.g. a QID that matched nothing)
            self._similar[cache_key] = selectors.similar_places(spec.name, country=spec.country)
        return self._similar[cache_key]

    def _place(self, spec, place: Place | None, add_qid: bool, prefix: str, out: RowOutcome) -> Place:
        if place is not None:
            if add_qid and spec.wikidata not in self.by_qid:
                identifier = PlaceIdentifier(place=place, scheme=WIKIDATA, value=spec.wikidata)
                self.new["identifiers"].append(identifier)
                self.by_qid[spec.wikidata] = place
                self.qid_of[key(place)] = spec.wikidata
                out.changed.append(f"Wikidata {spec.wikidata} added to {place.name}")
            return place
        kind = PlaceKind.PROVINCE if spec.name.lower().endswith(" province") else PlaceKind.CITY
        place = Place(name=spec.name.strip(), country=spec.country.upper(), local_name=spec.local_name.strip(),
                      region=spec.region.strip(), kind=kind)
        try:
            _clean(place)
        except ValidationError as exc:
            raise RowError(prefix, " ".join(exc.messages)) from None
        self.new["places"].append(place)
        self.row_of[id(place)] = out.number
        self._index_place(place)
        grams = trigrams(place.name)
        country_places = self.new_places_by_country.setdefault(place.country, [])
        for gram in grams:
            self.new_trigrams.setdefault(place.country, {}).setdefault(gram, []).append(len(country_places))
        country_places.append((place, grams))
        if spec.wikidata:
            self.new["identifiers"].append(PlaceIdentifier(place=place, scheme=WIKIDATA, value=spec.wikidata))
            self.by_qid[spec.wikidata] = place
            self.qid_of[key(place)] = spec.wikidata
        out.created.append(f"place {spec}")
        return place

    def _find_source(self, spec) -> Source | None:
        if spec is None:
            return None
        if spec.url:
            source = self.sources_by_url.get(spec.url)
            if source is None and not spec.title:
                raise RowError("source_title", "a new source needs its title")
            return source
        return self.sources_by_title.get((spec.title.strip().lower(), spec.publisher.strip().lower()))

    def _source(self, spec, source: Source | None, out: RowOutcome) -> Source | None:
        if spec is None or source is not None:
            return source
        source = Source(url=spec.url, title=spec.title.strip(), publisher=spec.publisher.strip())
        _set_partial(source, "published", spec.published)
        try:
            _clean(source)
        except ValidationError as exc:
            raise RowError("source_url", " ".join(exc.messages)) from None
        self.new["sources"].append(source)
        if spec.url:
            self.sources_by_url[spec.url] = source
        else:
            self.sources_by_title[(source.title.lower(), source.publisher.lower())] = source
        out.created.append(f"source “{source.title}”")
        return source

    def _cite(self, kind: str, owner, source, out: RowOutcome, *, claimed: PartialDate | None = None) -> bool:
        """Cite `source` for `owner` unless it already is; True when a citation is added."""
        if source is None or (kind, key(owner), key(source)) in self.cited:
            return False
        self.cited.add((kind, key(owner), key(source)))
        if kind == "pairing":
            self.new["pairing_citations"].append(PairingCitation(pairing=owner, source=source))
        elif kind == "agreement":
            self.new["agreement_citations"].append(AgreementCitation(agreement=owner, source=source))
        else:
            citation = EventCitation(event=owner, source=source)
            _set_partial(citation, "claimed_date", claimed)
            self.new["event_citations"].append(citation)
        return True

    def _pairing(self, plan, place: Place, partner: Place, source, out: RowOutcome) -> Pairing:
        recorded = self.pairings.get(frozenset((key(place), key(partner))), [])
        same = [p for p in recorded if p.relationship == plan.relationship]
        pairing = same[0] if same else None
        if pairing is None and recorded:
            relationship = Pairing(relationship=plan.relationship).get_relationship_display().lower()
            choice = self._ask(
                out, flag_key=f"{plan.number}:relationship", column="relationship", kind="other_relationship",
                message=(f"{place.name} and {partner.name} are already paired under another relationship "
                         f"({', '.join(self._pairing_label(p) for p in recorded)}); this row would record a second "
                         f"pairing ({relationship}) beside it: use the recorded one, or record a new pairing."),
                candidates=[self._candidate(p, self._pairing_label(p)) for p in recorded],
            )
            if choice and choice != NEW:
                pairing = next(p for p in recorded if self._value(p) == choice)
                out.matched.append(Match("pairing", self._pairing_label(pairing), admin_url(pairing), AS_CHOSEN))
        elif pairing is not None:
            out.matched.append(Match("pairing", self._pairing_label(pairing), admin_url(pairing)))
        if pairing is None:
            pairing = Pairing(place_a=place, place_b=partner, relationship=plan.relationship)
            self.new["pairings"].append(pairing)
            self.row_of[id(pairing)] = out.number
            self.pairings[frozenset((key(place), key(partner)))].append(pairing)
            self.refresh[key(pairing)] = pairing
            if source is not None and not plan.event_type:
                self._cite("pairing", pairing, source, out)
            out.created.append(f"pairing {pairing} ({pairing.get_relationship_display().lower()})")
            return pairing
        if source is not None and not plan.event_type and self._cite("pairing", pairing, source, out):
            out.changed.append("source cited for the pairing")
        return pairing

    def _pairing_label(self, pairing: Pairing) -> str:
        status = self.status.get(key(pairing), "")
        label = f"{pairing} ({pairing.get_relationship_display().lower()}"
        return label + (f", {status})" if status else ")")

    def _value(self, obj) -> str:
        return str(obj.pk) if obj.pk is not None else f"row-{self.row_of.get(id(obj), 0)}"

    def _candidate(self, obj, label: str) -> Candidate:
        if obj.pk is None:
            label += f" (new in row {self.row_of.get(id(obj), '?')})"
        return Candidate(self._value(obj), label, admin_url(obj))

    def _new_event(self, pairing: Pairing, event: Event, source, row: int) -> Event:
        same_day = [e.order for e in self.events[key(pairing)] if e.date == event.date]
        event.order = max(same_day) + 1 if same_day else 0
        self.new["events"].append(event)
        self.row_of[id(event)] = row
        self.events[key(pairing)].append(event)
        self.refresh[key(pairing)] = pairing
        if source is not None:
            self._cite("event", event, source, RowOutcome(number=row))
        return event

    def _established(self, plan, pairing: Pairing, source, out: RowOutcome) -> None:
        established = [e for e in self.events[key(pairing)] if e.event_type == EventType.ESTABLISHED]
        existing = min(established, key=lambda e: (e.date, e.pk if e.pk is not None else float("inf")), default=None)
        if existing is None:
            if source is None:
                raise RowError("source_url", "recording the established date changes the status, so it needs source_url")
            event = Event(pairing=pairing, event_type=EventType.ESTABLISHED)
            _set_partial(event, "date", plan.established)
            self._new_event(pairing, event, source, out.number)
            out.created.append(f"event established ({plan.established.iso()})")
            return
        out.matched.append(Match("event", f"established ({existing.when.iso()})", admin_url(existing)))
        if existing.when == plan.established:
            if self._cite("event", existing, source, out):
                out.changed.append(f"source cited for established ({existing.when.iso()})")
            return
        cited = self._cite("event", existing, source, out, claimed=plan.established)
        if cited:
            out.changed.append(f"source cited for established ({existing.when.iso()})")
        out.notes.append(
            f"established {plan.established.iso()} differs from the recorded {existing.when.iso()}: the recorded date is kept"
            + (", and this source is cited with the date it gives" if cited else "")
        )

    def _agreement(self, plan, pairing: Pairing, source, out: RowOutcome) -> Agreement | None:
        spec = plan.agreement
        if spec is None:
            return None
        for match in self.agreements[key(pairing)]:
            signed = partial_date_of(match, "signed")
            if match.kind == spec.kind and (
                signed is None if spec.signed is None else signed is not None and (signed.date, signed.precision) == (
                    spec.signed.date, spec.signed.precision)
            ):
                out.matched.append(Match("agreement", str(match), admin_url(match)))
                if self._cite("agreement", match, source, out):
                    out.changed.append(f"source cited for {match}")
                return match
        agreement = Agreement(pairing=pairing, kind=spec.kind, term_years=spec.term_years)
        _set_partial(agreement, "signed", spec.signed)
        try:
            _clean(agreement)
        except ValidationError as exc:
            raise RowError("agreement_term_years" if "term_years" in exc.message_dict else "agreement_kind",
                           " ".join(exc.messages)) from None
        self.new["agreements"].append(agreement)
        self.agreements[key(pairing)].append(agreement)
        self._cite("agreement", agreement, source, out)
        out.created.append(f"agreement {agreement}")
        return agreement

    def _event(self, plan, pairing: Pairing, source, agreement, out: RowOutcome) -> None:
        date = plan.event_date
        same_type = [e for e in self.events[key(pairing)] if e.event_type == plan.event_type]
        existing = next((e for e in same_type if e.when.date == date.date and e.when.precision == date.precision), None)
        label = f"{EventType(plan.event_type).label.lower()}"
        if existing is not None:
            out.matched.append(Match("event", f"{label} ({existing.when.iso()})", admin_url(existing)))
            if self._cite("event", existing, source, out):
                out.changed.append(f"source cited for {label} ({existing.when.iso()})")
            return
        overlapping = [e for e in same_type if _overlap(e.when, date)]
        if overlapping:
            choice = self._ask(
                out, flag_key=f"{plan.number}:event_date", column="event_date", kind="similar_event",
                message=(f"{pairing} already has a {label} dated "
                         f"{', '.join(e.when.iso() for e in overlapping)}, which overlaps {date.iso()}: the same event "
                         "(this source is then cited for it, with the date it gives), or a different one?"),
                candidates=[self._candidate(e, f"{label} ({e.when.iso()})") for e in overlapping],
            )
            if choice and choice != NEW:
                event = next(e for e in overlapping if self._value(e) == choice)
                out.matched.append(Match("event", f"{label} ({event.when.iso()})", admin_url(event), AS_CHOSEN))
                if self._cite("event", event, source, out, claimed=date):
                    out.changed.append(f"source cited for {label} ({event.when.iso()}), with the date it gives ({date.iso()})")
                return
        details = dict(plan.details)
        if agreement is not None and plan.event_type in {EventType.AGREEMENT_SIGNED, EventType.RENEWED}:
            details["agreement"] = agreement
        event = Event(pairing=pairing, event_type=plan.event_type, status_to=plan.status_to, **details)
        _set_partial(event, "date", date)
        try:
            _clean(event)
        except ValidationError as exc:
            column = next((c for c in ("summary", "mover", "body") if c in exc.message_dict), "event")
            raise RowError(column, " ".join(exc.messages)) from None
        self._new_event(pairing, event, source, out.number)
        out.created.append(f"event {label} ({date.iso()})")

    # --- Writing ---------------------------------------------------------------------------------

    def write(self, *, user=None, reason: str = "") -> None:
        services.import_records_create(**self.new, refresh=list(self.refresh.values()), user=user, reason=reason)
