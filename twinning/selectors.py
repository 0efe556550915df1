"""Reads shared by the public pages and the API. Querysets here are built to stay within a constant
number of queries however many rows they return (select_related / prefetch / annotations)."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache

from django.db.models import (
    BooleanField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from twinning.constants import Status
from twinning.models import Agreement, Event, EventCitation, Pairing, Place, PlaceName, in_country
from twinning.status import TIMELINE_ORDER


@cache
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def script_variants(text: str) -> set[str]:
    """The text as typed, in Simplified and in Traditional characters: a reader in Hong Kong who
    types 寧波 finds Ningbo recorded as 宁波, and the other way round."""
    return {text, _converter("t2s").convert(text), _converter("s2t").convert(text)}


def similar_places(text: str, *, country: str = "", exclude_pk: int | None = None, limit: int = 5) -> list[Place]:
    """Places whose name, local name or one of their other names (`PlaceName`), in either Chinese
    script, looks like `text` (pg_trgm similarity, served by the trigram indexes), most similar first,
    each with `similarity` set. With `country`, only places in that country. For near-duplicate
    warnings and "did you mean"."""
    from django.contrib.postgres.search import TrigramSimilarity
    from django.db.models import FloatField
    from django.db.models.functions import Greatest

    text = text.strip()
    if not text:
        return []
    variants = sorted(script_variants(text))
    match = Q()
    other = Q()
    for variant in variants:
        match |= Q(name__trigram_similar=variant) | Q(local_name__trigram_similar=variant)
        other |= Q(name__trigram_similar=variant)
    qs = Place.objects.filter(match | Q(pk__in=PlaceName.objects.filter(other).values("place_id")))
    if country:
        qs = qs.filter(country=country)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    other_best = Subquery(
        PlaceName.objects.filter(place=OuterRef("pk"))
        .annotate(s=Greatest(*[TrigramSimilarity("name", v) for v in variants], Value(0.0)))
        .order_by("-s").values("s")[:1],
        output_field=FloatField(),
    )
    scores = [TrigramSimilarity(field, v) for v in variants for field in ("name", "local_name")]
    return list(qs.annotate(similarity=Greatest(*scores, Coalesce(other_best, Value(0.0)))).order_by("-similarity", "name", "pk")[:limit])


def similar_places_many(queries, *, limit: int = 5) -> dict[tuple[str, str], list[Place]]:
    """`similar_places(text, country=country)` for many (text, country) pairs in two queries (a bulk
    import's near-duplicate check): the same matches (name, local name or other names, either Chinese
    script, the trigram threshold), most similar first, each with `similarity` set."""
    from django.db import connection

    keys = sorted({(text.strip(), country) for text, country in queries if text.strip()})
    probes = [(variant, country, i) for i, (text, country) in enumerate(keys) for variant in sorted(script_variants(text))]
    if not probes:
        return {}
    table, names = Place._meta.db_table, PlaceName._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT q.ord, p.id, p.sim FROM unnest(%s::text[], %s::text[], %s::int[]) AS q(v, c, ord)
            CROSS JOIN LATERAL (
                SELECT f.id, f.name, max(f.sim) AS sim FROM (
                    SELECT pl.id, pl.name, GREATEST(similarity(pl.name, q.v), similarity(pl.local_name, q.v)) AS sim
                    FROM {table} pl
                    WHERE pl.country = q.c AND (pl.name %% q.v OR pl.local_name %% q.v)
                    UNION ALL
                    SELECT pl.id, pl.name, similarity(pn.name, q.v) AS sim
                    FROM {names} pn JOIN {table} pl ON pl.id = pn.place_id
                    WHERE pl.country = q.c AND pn.name %% q.v
                ) f
                GROUP BY f.id, f.name
                ORDER BY sim DESC, f.name, f.id
                LIMIT %s
            ) p
            """,
            [[v for v, _c, _i in probes], [c for _v, c, _i in probes], [i for _v, _c, i in probes], limit],
        )
        rows = cursor.fetchall()
    places = Place.objects.in_bulk({place_id for _i, place_id, _s in rows})
    best: dict[int, dict[int, float]] = {}
    for i, place_id, similarity in rows:
        scores = best.setdefault(i, {})
        scores[place_id] = max(similarity, scores.get(place_id, 0.0))
    result: dict[tuple[str, str], list[Place]] = {key: [] for key in keys}
    for i, scores in best.items():
        ranked = sorted(scores.items(), key=lambda item: (-item[1], places[item[0]].name, item[0]))[:limit]
        found = []
        for place_id, similarity in ranked:
            place = places[place_id]
            place.similarity = similarity
            found.append(place)
        result[keys[i]] = found
    return result


def overlapping_events(*, pairing_id, event_type: str, date, exclude_pk=None) -> list[Event]:
    """Events of this type on this pairing whose period overlaps `date`'s (a PartialDate): a decision
    of 2019-10-07 overlaps one of 2019-10 and one of 2019, not one of 2019-11. For duplicate warnings."""
    if pairing_id is None or not event_type or date is None:
        return []
    qs = (
        Event.objects.filter(pairing_id=pairing_id, event_type=event_type, date__lte=date.end,
                             date__gt=date.date - dt.timedelta(days=366))
        .select_related("pairing__place_a", "pairing__place_b")
        .order_by("date", "order", "id")
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return [event for event in qs if event.when.end >= date.date]


def place_identified_by(*, scheme: str, value: str, exclude_pk=None) -> Place | None:
    """The place this identifier (e.g. a Wikidata QID) already identifies, if any."""
    qs = Place.objects.filter(identifiers__scheme=scheme, identifiers__value=value.strip())
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def pairing_timeline(pairing: Pairing) -> list[Event]:
    """A pairing's events in timeline order, each with its citations and their sources loaded."""
    return list(
        Event.objects.filter(pairing=pairing)
        .select_related("rescinds")
        .prefetch_related(Prefetch("citations", queryset=EventCitation.objects.select_related("source").order_by("id")))
        .order_by(*TIMELINE_ORDER)
    )


def places_with_pairing_counts() -> QuerySet[Place]:
    """Places with `pairing_count`, the pairings they are part of: counted per row from the pairings'
    place indexes (a page counts its own places' pairings, not every place's: 1.7 s at 300,000 pairings
    as a grouped join)."""
    def count(side):
        return Coalesce(Subquery(
            Pairing.objects.filter(**{side: OuterRef("pk")}).order_by().values(side).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ), 0)

    return Place.objects.annotate(pairing_count=count("place_a") + count("place_b"))


def pairings_of_place(place: Place) -> QuerySet[Pairing]:
    return pairings_with_status().filter(Q(place_a=place) | Q(place_b=place))


def pairings_with_status(*, as_of: dt.date | None = None) -> QuerySet[Pairing]:
    """The pairing list of the pages and the API: places, established date, latest event id, number of
    sources, and `current_status`, `current_since` (+ `_precision`, `_circa`) and
    `current_status_event_id` — the stored derived status and the event it holds from, or with `as_of`
    those stored on the latest event on or before that date ("unknown", from no date, before any).

    Only reads what `pairing_status_refresh` stored from `twinning.status.derive` (the established date
    and the latest event, `stored_fields`) and what the database keeps (`sources_cited`), so a page costs
    the same at any table size; with `as_of` the latest event on or before that date is the event whose
    stored period holds the date (`_with_status`). (The established date and the number of sources do not
    depend on `as_of`.)"""
    qs = Pairing.objects.annotate(
        established_on=F("established_date"),
        established_precision=F("established_date_precision"),
        established_circa=F("established_date_circa"),
        source_count=F("sources_cited"),
    )
    if as_of is None:
        qs = qs.annotate(latest_event_id=F("last_event_id"))
    return _with_status(qs, as_of)


def pairing_has_rows(table: str, condition: str) -> RawSQL:
    """An annotation for a query of pairings: whether `table` (aliased `t`) has a row meeting
    `condition`, where `{pairing}` names the pairing's table. Raw SQL: nothing to build or compile,
    for a detail to skip querying what a pairing rarely has (agreements, campaigns, petitions)."""
    where = condition.format(pairing=Pairing._meta.db_table)
    return RawSQL(f"EXISTS (SELECT 1 FROM {table} t WHERE {where})", (), output_field=BooleanField())


def with_has_agreements(qs: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """`has_agreements` on each pairing (few have any: a detail reads them only then)."""
    return qs.annotate(has_agreements=pairing_has_rows(Agreement._meta.db_table, "t.pairing_id = {pairing}.id"))


def _with_status(qs: QuerySet[Pairing], as_of: dt.date | None) -> QuerySet[Pairing]:
    """`current_status`, `current_since` (+ `_precision`, `_circa`) and `current_status_event_id`, now
    or on `as_of`; and both places."""
    qs = qs.select_related("place_a", "place_b")
    if as_of is None:
        return qs.annotate(
            current_status=F("status"),
            current_since=F("status_since"),
            current_since_precision=F("status_since_precision"),
            current_since_circa=F("status_since_circa"),
            current_status_event_id=F("status_event_id"),
        )

    # The one event whose stored `status_during` contains the date (a LEFT JOIN served by the GiST index
    # on (status_after, status_during)), not a correlated subquery per pairing. None before any event.
    # It is also the latest event on that date: the periods (`twinning.status.stored_fields`) run from each
    # event's effective day to the next's, in timeline order, so the one holding a date is the last event
    # effective on or before it, latest first in TIMELINE_ORDER_DESC (tests hold the two equal).
    qs = qs.annotate(as_of_event=FilteredRelation("events", condition=Q(events__status_during__contains=as_of)))
    return qs.annotate(
        latest_event_id=F("as_of_event__id"),
        current_status=Coalesce(F("as_of_event__status_after"), Value(Status.UNKNOWN.value)),
        current_since=F("as_of_event__status_since_event__date"),
        current_since_precision=F("as_of_event__status_since_event__date_precision"),
        current_since_circa=F("as_of_event__status_since_event__date_circa"),
        current_status_event_id=F("as_of_event__status_since_event_id"),
    )


def filter_current_status(qs: QuerySet[Pairing], statuses) -> QuerySet[Pairing]:
    """Rows of `pairings_with_status` whose status (current, or on `as_of`) is one of `statuses`. With
    `as_of` and no "unknown" asked for, it filters on the joined event itself, so the index serves it."""
    statuses = list(statuses)
    if "as_of_event" in qs.query._filtered_relations and Status.UNKNOWN not in statuses:
        # Through an annotation, so the condition lands on the one LEFT JOIN the annotations use (which
        # PostgreSQL then makes an inner join served by the GiST index); `as_of_event__status_after__in`
        # in a later filter() would add a second join of the events table.
        return qs.alias(as_of_status_after=F("as_of_event__status_after")).filter(as_of_status_after__in=statuses)
    return qs.filter(current_status__in=statuses)


def filter_country(qs: QuerySet[Pairing], code: str) -> QuerySet[Pairing]:
    """Rows of `pairings_with_status` with a place in country `code`. The alias `country_code` (no SQL)
    lets `PairingQuerySet.for_counting` count them from the events when a status on a date is asked."""
    return qs.alias(country_code=Value(code)).filter(in_country(code))


def filter_country_pair(qs: QuerySet[Pairing], first: str, second: str) -> QuerySet[Pairing]:
    """Rows of `pairings_with_status` with one place in each country, either way round. With a status on
    a date asked first (`filter_current_status` leaves the alias `as_of_status_after`), the date's event
    must carry the pair too (its copies of the countries, migration 0019: the same rows), so PostgreSQL
    reads the few events of that status, pair and date instead of walking every pairing in name order
    for them (GB-CN severed on 2020-01-01 at 300,000 pairings: a first page's ids 15 -> 6 ms)."""
    def either_way(a: str, b: str) -> Q:
        return Q(**{a: first, b: second}) | Q(**{a: second, b: first})

    qs = qs.filter(either_way("country_a", "country_b"))
    if "as_of_status_after" not in qs.query.annotations:
        return qs
    copies = qs.alias(as_of_pair_a=F("as_of_event__country_a"), as_of_pair_b=F("as_of_event__country_b"))
    return copies.filter(either_way("as_of_pair_a", "as_of_pair_b"))


# The fields of a list row read as a Record (core.records): the pairing, its status (current or on
# `as_of`), its places, established date, latest event id and source count, as `pairings_with_status`
# annotates them.
PLACE_RECORD_FIELDS = ("id", "slug", "name", "local_name", "country", "region", "kind", "latitude", "longitude")
PAIRING_RECORD_FIELDS = (
    "pk", "id", "slug", "relationship", "confidence", "updated_at",
    "current_status", "current_since", "current_since_precision", "current_since_circa", "current_status_event_id",
    "established_on", "established_precision", "established_circa", "latest_event_id", "source_count",
    *(f"place_{side}__{f}" for side in ("a", "b") for f in PLACE_RECORD_FIELDS),
)
EVENT_RECORD_FIELDS = (
    "id", "pairing_id", "event_type", "date", "date_precision", "date_circa", "order", "status_to", "status_after",
    "rescinds_id", "actor", "body", "summary", "mover", "mover_party", "seconder", "seconder_party", "votes_for",
    "votes_against", "abstentions", "unanimous", "casting_vote", "agreement_id", "confidence", "confidence_note",
    "updated_at",
)
SOURCE_RECORD_FIELDS = (
    "id", "title", "publisher", "url", "archive_url", "published", "published_precision", "published_circa", "source_type",
)
CITATION_RECORD_FIELDS = (
    "event_id", "locator", "quote", "claimed_date", "claimed_date_precision", "claimed_date_circa",
    *(f"source__{f}" for f in SOURCE_RECORD_FIELDS),
)


def pairing_records(pairings: QuerySet[Pairing]) -> QuerySet:
    """Rows of `pairings_with_status` as Records (no model instances): what the API list serialises."""
    from core.records import records

    return records(pairings, *PAIRING_RECORD_FIELDS)


# An event's pairing as the events list shows it (EventWithPairingSerializer's `pairing`).
EVENT_PAIRING_FIELDS = (
    "pairing__id", "pairing__slug", "pairing__relationship",
    *(f"pairing__place_{side}__{f}" for side in ("a", "b") for f in PLACE_RECORD_FIELDS),
)


def event_records(ids, *, with_pairing: bool = False) -> dict:
    """Events by id as Records, with `when`, `has_vote` and `citations` (Records with `claimed` and
    their `source` with `published_date`) read by the models' own properties, and with `with_pairing`
    their `pairing` (its places): two queries whatever the number, and no model instances."""
    from core.records import id_array, records
    from sources.models import Source

    ids = sorted({pk for pk in ids if pk})
    if not ids:
        return {}
    events = {}
    fields = (*EVENT_RECORD_FIELDS, *EVENT_PAIRING_FIELDS) if with_pairing else EVENT_RECORD_FIELDS
    for event in records(Event.objects.filter(pk__in=id_array(ids)).order_by(), *fields):
        event.when = Event.when.fget(event)
        event.has_vote = Event.has_vote.fget(event)
        event.citations = []
        events[event.id] = event
    for citation in records(EventCitation.objects.filter(event_id__in=id_array(ids)).order_by("id"), *CITATION_RECORD_FIELDS):
        citation.claimed = EventCitation.claimed.fget(citation)
        citation.source.published_date = Source.published_date.fget(citation.source)
        events[citation.event_id].citations.append(citation)
    return events


def attach_latest_event_records(pairings) -> None:
    """Set `latest_event` and `status_event` (the event the status holds from, on `as_of` when the rows
    were selected with it) on rows of `pairings_with_status`, as Records of `event_records` with their
    sources, in two queries: for rows that are only serialised."""
    events = event_records([p.latest_event_id for p in pairings] + [p.current_status_event_id for p in pairings])
    for pairing in pairings:
        pairing.latest_event = events.get(pairing.latest_event_id)
        pairing.status_event = events.get(pairing.current_status_event_id)


# The rows query's base SQL, by whether it is dated: compiled once, not on every page (the ORM took
# 1.6 ms, 3.3 ms dated, to build it). Its parameters are constants or the markers below.
_ROWS_BASE: dict[bool, tuple[str, list] | None] = {}
_AS_OF, _IDS = object(), object()


def _compiled_once(build, dated: bool) -> tuple[str, list] | None:
    """The SQL `build(as_of, ids)` returns (with its parameters) for an array of ids, on a date if `dated`,
    with the markers `_IDS` and `_AS_OF` where the ids and the date go; None when those cannot be told
    from the constants (two probes must give the same SQL and markers)."""
    from core.records import int_array

    compiled = []
    for probe, ids in ((dt.date(1, 1, 2), [-7, -11]), (dt.date(1, 1, 3), [-13])):
        sql, params = build(probe if dated else None, ids)
        compiled.append((sql, [_IDS if p == int_array(ids) else _AS_OF if dated and p == probe else p for p in params]))
    markers = compiled[0][1]
    same = compiled[0] == compiled[1] and _IDS in markers and (not dated or _AS_OF in markers)
    return compiled[0] if same else None


def _rows_base(dated: bool) -> tuple[str, list] | None:
    """The SQL selecting PAIRING_RECORD_FIELDS of `pairings_with_status` for an array of ids, and its
    parameters (`_compiled_once`)."""
    from core.records import id_array

    def build(as_of, ids):
        base = pairings_with_status(as_of=as_of).filter(pk__in=id_array(ids))
        return base.order_by().values_list(*PAIRING_RECORD_FIELDS).query.sql_with_params()

    if dated not in _ROWS_BASE:
        _ROWS_BASE[dated] = _compiled_once(build, dated)
    return _ROWS_BASE[dated]


def pairing_rows_sql(ids, wrap, extra=(), *, as_of: dt.date | None = None) -> dict[int, str]:
    """What `wrap(sql)` makes of the rows of `pairings_with_status(as_of=as_of)` with these ids, selected
    as PAIRING_RECORD_FIELDS: a query of (id, text), e.g. each row's finished JSON
    (twinning.api.sqlrows.PairingJSON.sql), by id, with `extra` for the placeholders `wrap` adds. One
    query whatever the number of rows, prepared once per connection (core.prepared)."""
    from django.db import connection

    from core import prepared
    from core.records import id_array, int_array

    ids = list(ids)
    if not ids:
        return {}
    base = _rows_base(as_of is not None)
    if base is None:
        query = pairings_with_status(as_of=as_of).filter(pk__in=id_array(ids)).order_by()
        sql, params = query.values_list(*PAIRING_RECORD_FIELDS).query.sql_with_params()
    else:
        sql, markers = base
        ids_text = int_array(ids)
        params = [ids_text if p is _IDS else as_of if p is _AS_OF else p for p in markers]
    with connection.cursor() as cursor:
        prepared.execute(cursor, wrap(sql), [*params, *extra])
        return dict(cursor.fetchall())


def events_with_sources(ids) -> dict[int, Event]:
    """Events by id, with their citations and sources loaded (two queries whatever the number)."""
    events = (
        Event.objects.filter(pk__in=list(ids))
        .select_related("rescinds")
        .prefetch_related(Prefetch("citations", queryset=EventCitation.objects.select_related("source").order_by("id")))
    )
    return {event.pk: event for event in events}


# --- Map and statistics ----------------------------------------------------------------------------


def data_fingerprint(*models) -> str:
    """A cheap token that changes whenever rows of these models are added, deleted or changed: per
    table its row count and its latest `updated_at` (or highest id when it has none), in one query.
    Cached maps and statistics are keyed by it, so a write is seen on the next request."""
    from django.db import connection

    parts = []
    for model in models:
        table = connection.ops.quote_name(model._meta.db_table)
        field_names = {f.name for f in model._meta.concrete_fields}
        stamp = "max(updated_at)" if "updated_at" in field_names else "max(id)"
        parts.append(f"(SELECT count(*)::text || '/' || coalesce({stamp}::text, '-') FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT concat_ws('|', {', '.join(parts)})")
        return cursor.fetchone()[0]


def pairings_for_map() -> QuerySet[Pairing]:
    """A lean pairing queryset the pairing FilterSet can filter by status, country, place, campaign
    and relationship (the stored status as `current_status`), without the list's per-row subqueries."""
    return Pairing.objects.annotate(current_status=F("status"), current_since=F("status_since"))


def country_flows(pairings: QuerySet[Pairing]) -> list[dict]:
    """Pairings grouped by the (unordered) pair of countries, status and evidence ("listed" when only
    Wikidata brought the status), with their count; pairings with a place lacking coordinates left
    out. Largest first. One query."""
    rows = (
        pairings.filter(place_a__latitude__isnull=False, place_b__latitude__isnull=False)
        .order_by()
        .values_list("country_a", "country_b", "status", "evidence")
        .annotate(n=Count("id"))
    )
    merged: dict[tuple, int] = {}
    for a, b, status, evidence, n in rows:
        key = (*sorted((a, b)), status, evidence)
        merged[key] = merged.get(key, 0) + n
    flows = [{"countries": (k[0], k[1]), "status": k[2], "evidence": k[3], "count": n} for k, n in merged.items()]
    flows.sort(key=lambda f: (-f["count"], f["countries"], f["status"]))
    return flows


def country_centres() -> dict[str, tuple[float, float]]:
    """The mean position of each country's places that have coordinates: where the map draws a country
    when it aggregates. One query."""
    from django.db.models import Avg

    rows = (
        Place.objects.filter(latitude__isnull=False, longitude__isnull=False)
        .order_by()
        .values_list("country")
        .annotate(lat=Avg("latitude"), lon=Avg("longitude"))
    )
    return {country: (float(lat), float(lon)) for country, lat, lon in rows}


DECISION_RULE = (
    "A decision is counted once however many pairings it covers: decision events with the same outcome, "
    "taken by the same council (the place on the side that acted), on the same date (at the same precision) "
    "and by the same body are one decision. An event whose acting side is not one of the two places counts alone."
)


def decisions_by_year() -> list[dict]:
    """Decisions (DECISION_RULE) per year and outcome, with the events and pairings behind them, every
    year from the first decision to the last (zero years included, with no rows). One query."""
    from django.db.models import Case, CharField, When
    from django.db.models.functions import Cast, Concat, ExtractYear

    from twinning.constants import DECISION_TYPES, Actor

    decider = Case(
        When(actor=Actor.SIDE_A, then=Cast("pairing__place_a_id", CharField())),
        When(actor=Actor.SIDE_B, then=Cast("pairing__place_b_id", CharField())),
        default=Concat(Value("event-"), Cast("id", CharField())),
        output_field=CharField(),
    )
    key = Concat(decider, Value("|"), Cast("date", CharField()), Value("|"), "date_precision", Value("|"), "body",
                 output_field=CharField())
    rows = (
        Event.objects.filter(event_type__in=DECISION_TYPES)
        .annotate(year=ExtractYear("date"), decision=key)
        .order_by()
        .values_list("year", "event_type")
        .annotate(decisions=Count("decision", distinct=True), events=Count("id"), pairings=Count("pairing", distinct=True))
    )
    return [
        {"year": year, "event_type": event_type, "decisions": decisions, "events": events, "pairings": pairings}
        for year, event_type, decisions, events, pairings in sorted(rows)
    ]


def pairings_by_country() -> list[dict]:
    """Per country: pairings by status and by what the status rests on (verified by a curator's event,
    listed by Wikidata only, unknown). A pairing counts once for each country it involves (once when
    both places are in it). Most pairings first. Two queries."""
    countries: dict[str, dict] = {}
    side_a = Pairing.objects.order_by().values_list("country_a", "status", "evidence")
    side_b = (
        Pairing.objects.exclude(country_b=F("country_a"))
        .order_by().values_list("country_b", "status", "evidence")
    )
    for qs in (side_a, side_b):
        for code, status, evidence, n in qs.annotate(n=Count("id")):
            entry = countries.setdefault(
                code, {"country": code, "pairings": 0, "by_status": {}, "verified": 0, "listed": 0, "unknown": 0}
            )
            entry["pairings"] += n
            entry["by_status"][status] = entry["by_status"].get(status, 0) + n
            entry[evidence] += n
    return sorted(countries.values(), key=lambda c: (-c["pairings"], c["country"]))


def stats_fingerprint() -> str:
    """The key the statistics are cached under: the register's version (one query on a sequence, no
    table read; core.register_version), which moves on every write to the register."""
    from core.register_version import register_version

    return f"v{register_version()}"


def register_stats(fingerprint: str | None = None) -> dict:
    """The register's statistics, shared by /stats/ and /api/v1/stats/, cached under the register's
    version (one query on a hit, seven on a miss), so a write is counted on the next request."""
    from django.core.cache import cache
    from django.db import transaction

    fingerprint = fingerprint or stats_fingerprint()
    key = "register-stats:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    stats = cache.get(key)
    if stats is None:
        with transaction.atomic(savepoint=False):  # its first query lets the rest use parallel workers
            stats = _register_stats()
        cache.set(key, stats, 24 * 3600)
    return stats


def _register_stats() -> dict:
    """The statistics themselves (seven queries), computed for register_stats."""
    import datetime as _dt

    from django.db import connection
    from django.utils import timezone

    from core.parallel import with_parallel_workers
    from sources.models import Source
    from twinning import world

    tables = [connection.ops.quote_name(m._meta.db_table) for m in (Pairing, Event, Place, Source)]
    with connection.cursor() as cursor:
        # Whole-table counts and groupings: worth parallel workers, for this transaction (core.parallel).
        cursor.execute(with_parallel_workers("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables)))
        cursor.nextset()
        pairings, events, places, sources = cursor.fetchone()
    evidence = world.evidence_counts()
    totals = Pairing.objects.order_by().aggregate(
        **{f"rel_{r}": Count("id", filter=Q(relationship=r)) for r in _relationships()},
    )
    decisions = decisions_by_year()
    years = [row["year"] for row in decisions]
    stats = {
        "generated_at": timezone.now().replace(microsecond=0).astimezone(_dt.UTC),
        "places": places,
        "pairings": pairings,
        "events": events,
        "sources": sources,
        "evidence": evidence,
        "pairings_by_relationship": {r: totals[f"rel_{r}"] for r in _relationships()},
        "countries": pairings_by_country(),
        "decisions": decisions,
        "years": list(range(min(years), max(years) + 1)) if years else [],
    }
    return stats


def _relationships() -> list[str]:
    from twinning.constants import Relationship

    return list(Relationship.values)


# --- The full export ------------------------------------------------------------------------------

# The columns of `pairing_export_chunks`' rows, in order: the pairing, its status (current or on `as_of`,
# as `pairings_with_status` reads it), its places, established date, latest event, source count and
# the status event with its sources' URLs (or titles).
PLACE_EXPORT_FIELDS = ("id", "slug", "name", "local_name", "country", "region", "kind", "latitude", "longitude")
PAIRING_EXPORT_COLUMNS = (
    "id", "slug", "relationship", "confidence", "updated_at",
    "status", "status_since", "status_since_precision", "status_since_circa", "status_event_id",
    *(f"place_a_{f}" for f in PLACE_EXPORT_FIELDS),
    *(f"place_b_{f}" for f in PLACE_EXPORT_FIELDS),
    "established_on", "established_precision", "established_circa",
    "latest_event_id", "latest_event_type", "latest_event_date", "latest_event_precision", "latest_event_circa",
    "source_count",
    "status_event_pk", "status_event_type", "status_event_date", "status_event_precision", "status_event_circa",
    "status_event_actor", "status_event_body", "status_event_mover", "status_event_mover_party",
    "status_event_seconder", "status_event_seconder_party", "status_event_votes_for", "status_event_votes_against",
    "status_event_abstentions", "status_event_unanimous", "status_event_source_urls",
)

_STATUS_EVENT_FIELDS = (
    "id", "event_type", "date", "date_precision", "date_circa", "actor", "body", "mover", "mover_party", "seconder",
    "seconder_party", "votes_for", "votes_against", "abstentions", "unanimous",
)


def pairing_export_sql(
    pairings: QuerySet[Pairing], *, as_of: dt.date | None = None, with_position: bool = False, page: bool = False
) -> tuple[str, list]:
    """The query of `pairing_export_chunks`: every row of `pairings` as PAIRING_EXPORT_COLUMNS, in its order.
    `page`: the rows are a page (a few hundred ids, `pairing_export_page`): they are read once, into a
    materialised CTE that the citations read too, instead of selecting them again (at 300,000 pairings,
    a 500-row page: 17.4 -> 16.1 ms). Not for the whole register, which a CTE would keep from parallel
    workers.

    The established date, the latest event and the source count are read from the pairing, as the list
    reads them (with `as_of`, the latest event on that date is the event whose period holds it, joined
    for the status on that date);
    the status event and its sources (which the list loads per page) are joined on the filtered rows;
    the status is the stored one (never re-derived). The filtered queryset must not use `.distinct()` (the
    row numbering of a non-default order would keep duplicates); the FilterSet's filters do not."""
    from django.contrib.postgres.aggregates import ArrayAgg
    from django.db.models import FloatField, Func, Window
    from django.db.models.functions import Cast, NullIf, RowNumber

    ordering = list(pairings.query.order_by) or ["pk"]
    # In id order (the default) the id is the sort key; any other order is numbered by a window.
    row_number = F("pk") if ordering in (["pk"], ["id"]) else Window(RowNumber(), order_by=ordering)
    places = {
        f"_{side}_{f}": Cast(f"place_{side}__{f}", FloatField()) if f in ("latitude", "longitude") else F(f"place_{side}__{f}")
        for side in ("a", "b") for f in PLACE_EXPORT_FIELDS
    }
    base = (
        pairings.annotate(**places, _export_row=row_number)
        .order_by()
        .values_list(
            "pk", "slug", "relationship", "confidence", "updated_at",
            "current_status", "current_since", "current_since_precision", "current_since_circa", "current_status_event_id",
            *places, "established_date", "established_date_precision", "established_date_circa", "latest_event_id",
            "sources_cited", "_export_row",
        )
    )
    base_columns = [f"c{i}" for i in range(10 + len(places))]
    # The aggregates are restricted to the filtered rows by the filtered queryset itself (not by the
    # outer query), so the planner knows how many there are: hash joins over whole tables for the whole
    # register, index lookups for a handful of rows.
    from django.db.models.expressions import RawSQL

    # The filtered rows' status events: read from the CTE `b` for a page, else selected again.
    status_events = RawSQL("SELECT b.c9 FROM b", ()) if page else pairings.order_by().values("current_status_event_id")
    status_event = Event.objects.order_by().values_list(*_STATUS_EVENT_FIELDS)
    source_url = Coalesce(NullIf("source__url", Value("")), "source__title")
    source_urls = (
        EventCitation.objects.filter(event_id__in=status_events).order_by().values("event_id")
        .annotate(urls=ArrayAgg(source_url, order_by="id"))
        .values_list("event_id", "urls")
    )
    source_urls_part = source_urls.query.sql_with_params()
    if with_position:
        # and as the CSV cell (core.api.renderers.csv_cell of that list: each formula-safe, "; " between).
        # The citations are sorted once, in (event, id) order, and aggregated as they come: an aggregate's
        # own ORDER BY sorts each group apart (PostgreSQL 15), a third of this subquery's cost, and the
        # subquery is rebuilt in each parallel worker. A subquery with an ORDER BY is never merged into
        # the query around it, so its sort is what the aggregates read.
        cited = (
            EventCitation.objects.filter(event_id__in=status_events)
            .annotate(
                _url=source_url,
                _url_text=Func(source_url, Value("^([=+@\t\r-])"), Value("'\\1"), function="regexp_replace"),
            )
            .order_by("event_id", "id").values_list("event_id", "_url", "_url_text")
        )
        cited_sql, cited_params = cited.query.sql_with_params()
        source_urls_part = (
            f"SELECT c.event_id, array_agg(c.url), string_agg(c.url_text, '; ') "
            f"FROM ({cited_sql}) c (event_id, url, url_text) GROUP BY c.event_id",
            cited_params,
        )
    # The latest event (on `as_of`: the event whose period holds the date, `pairings_with_status`), by id.
    latest_event = Event.objects.order_by().values_list("id", "event_type", "date", "date_precision", "date_circa")
    parts = [base.query.sql_with_params()] + [qs.query.sql_with_params() for qs in (latest_event, status_event)]
    parts.append(source_urls_part)
    names = ", ".join(base_columns)
    # The established date, the latest event (its id: `as_of` reads it from the aggregate) and the number
    # of sources are stored on the pairing (c10.., after the places).
    n = len(base_columns)
    stored = [f"c{i}" for i in range(n, n + 5)]
    latest_join = f"LEFT JOIN ({parts[1][0]}) lat (id, t, d, p, c) ON lat.id = b.{stored[3]}"
    columns = f"{names}, {', '.join(stored)}, n"
    rows = "b" if page else f"({parts[0][0]}) b ({columns})"
    sql = f"""
        {f"WITH b ({columns}) AS MATERIALIZED ({parts[0][0]})" if page else ""}
        SELECT {", ".join(f"b.{c}" for c in base_columns)},
               b.{stored[0]}, b.{stored[1]}, b.{stored[2]},
               lat.id, lat.t, lat.d, lat.p, lat.c,
               b.{stored[4]},
               se.*, su.urls{", su.urls_text, b.n" if with_position else ""}
        FROM {rows}
        {latest_join}
        LEFT JOIN ({parts[2][0]}) se ON se.id = b.c9
        LEFT JOIN ({parts[3][0]}) su (event_id, urls{", urls_text" if with_position else ""}) ON su.event_id = b.c9
        {"" if with_position else "ORDER BY b.n"}
    """
    params = [p for _sql, part_params in parts for p in part_params]
    return sql, params


def _export_settings_sql(*, wrapped: bool, parallel: bool) -> str:
    """The transaction-local settings the export's query runs with. JIT off: compiling this plan costs
    seconds, more than running it. The settings core.sqlcsv relies on (floats in their shortest exact
    form, ISO dates). When the database writes the lines, the leader only gathers and sends them: each
    process running the plan rebuilds the sources' aggregate (not a shared hash), and on two cores a
    third such process only competes with the two workers and with the sending. `parallel`: the whole
    register is worth parallel workers (core.parallel; a page's query is not)."""
    from core import sqlcsv
    from core.parallel import PARALLEL_SQL

    sql = sqlcsv.session_sql() + ", set_config('jit', 'off', true)"
    if wrapped:
        sql += ", set_config('parallel_leader_participation', 'off', true)"
    if parallel:
        sql += ", " + PARALLEL_SQL
    return sql


def pairing_export_chunks(
    pairings: QuerySet[Pairing], *, as_of: dt.date | None = None, chunk_size: int = 2000, wrap=None
):
    """Every row of `pairings` (a filtered and ordered `pairings_with_status(as_of=as_of)`) as tuples of
    PAIRING_EXPORT_COLUMNS, in lists of up to `chunk_size`, from one streamed query (`pairing_export_sql`):
    constant memory at any size. `wrap(sql)` (optional) turns that query, with two more columns (the
    status event's sources as one formula-safe CSV cell, `urls_text`, and the row's position, `n`) and
    without its ORDER BY (so PostgreSQL can merge it into the wrapping query), into a query of what to
    send instead (e.g. finished CSV lines), which must itself order by `n`."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connection, transaction

    try:
        sql, params = pairing_export_sql(pairings, as_of=as_of, with_position=wrap is not None)
    except EmptyResultSet:  # a filter that can match nothing (a search that found no place): no rows
        return
    if wrap is not None:
        sql = wrap(sql)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_export_settings_sql(wrapped=wrap is not None, parallel=True))
        # Streamed (psycopg's `stream`: the rows sent in chunks as the server produces them, not
        # fetched from a cursor): the server keeps working while the rows are written, and the plan
        # is that for the whole result (a cursor's is for its first rows, and never parallel).
        # Closing early cancels the query.
        rows = []
        for row in cursor.cursor.stream(sql, params, size=chunk_size):
            rows.append(row)
            if len(rows) >= chunk_size:
                yield rows
                rows = []
        if rows:
            yield rows


# The export query of a page of ids (`pairing_export_page`), by whether it is dated: compiled once, not on
# every page (the ORM took 3.7 ms to build it, 6.1 ms dated). Its parameters are constants or the markers
# `_IDS` and `_AS_OF`.
_EXPORT_PAGE_BASE: dict[bool, tuple[str, list] | None] = {}


def _export_page_base(dated: bool) -> tuple[str, list] | None:
    """`pairing_export_sql` (with the row position) of the rows of `pairings_with_status` with an array of
    ids, in id order, and its parameters (`_compiled_once`)."""
    from core.records import id_array

    def build(as_of, ids):
        rows = pairings_with_status(as_of=as_of).filter(pk__in=id_array(ids)).order_by("pk")
        return pairing_export_sql(rows, as_of=as_of, with_position=True, page=True)

    if dated not in _EXPORT_PAGE_BASE:
        _EXPORT_PAGE_BASE[dated] = _compiled_once(build, dated)
    return _EXPORT_PAGE_BASE[dated]


def pairing_export_page(ids, wrap, *, as_of: dt.date | None = None) -> list[tuple]:
    """What `wrap(sql)` makes of the export rows (`pairing_export_chunks`) of the pairings with these ids
    (e.g. their finished CSV lines), in id order: a page of rows, not the register. The settings and the
    query in one round trip (one implicit transaction, to which the settings are local), through Django's
    cursor (counted like any other query), the query prepared once per connection (core.prepared: a
    500-row CSV page's ~20 KB of SQL took ~5 ms to plan at 300,000 pairings)."""
    from django.db import connection

    from core import prepared
    from core.records import id_array, int_array

    ids = list(ids)
    if not ids:
        return []
    base = _export_page_base(as_of is not None)
    if base is None:
        rows = pairings_with_status(as_of=as_of).filter(pk__in=id_array(ids)).order_by("pk")
        sql, params = pairing_export_sql(rows, as_of=as_of, with_position=True, page=True)
    else:
        sql, markers = base
        ids_text = int_array(ids)
        params = [ids_text if p is _IDS else as_of if p is _AS_OF else p for p in markers]
    with connection.cursor() as cursor:
        prepared.execute(cursor, wrap(sql), params, before=_export_settings_sql(wrapped=True, parallel=False))
        return cursor.fetchall()
