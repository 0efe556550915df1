"""Reads shared by the public pages and the API. Querysets here are built to stay within a constant
number of queries however many rows they return (select_related / prefetch / annotations)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from twinning.constants import EventType, Status
from twinning.models import Event, EventCitation, Pairing, Place


@cache
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def script_variants(text: str) -> set[str]:
    """The text as typed, in Simplified and in Traditional characters: a reader in Hong Kong who
    types 寧波 finds Ningbo recorded as 宁波, and the other way round."""
    return {text, _converter("t2s").convert(text), _converter("s2t").convert(text)}


def similar_places(text: str, *, country: str = "", exclude_pk: int | None = None, limit: int = 5) -> list[Place]:
    """Places whose name or local name (either Chinese script) looks like `text` (pg_trgm similarity,
    served by the trigram indexes), most similar first, each with `similarity` set. With `country`,
    only places in that country. For near-duplicate warnings and "did you mean"."""
    from django.contrib.postgres.search import TrigramSimilarity
    from django.db.models.functions import Greatest

    text = text.strip()
    if not text:
        return []
    variants = sorted(script_variants(text))
    match = Q()
    for variant in variants:
        match |= Q(name__trigram_similar=variant) | Q(local_name__trigram_similar=variant)
    qs = Place.objects.filter(match)
    if country:
        qs = qs.filter(country=country)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    scores = [TrigramSimilarity(field, v) for v in variants for field in ("name", "local_name")]
    return list(qs.annotate(similarity=Greatest(*scores)).order_by("-similarity", "name", "pk")[:limit])


def similar_places_many(queries, *, limit: int = 5) -> dict[tuple[str, str], list[Place]]:
    """`similar_places(text, country=country)` for many (text, country) pairs in two queries (a bulk
    import's near-duplicate check): the same matches (either Chinese script, the trigram threshold),
    most similar first, each with `similarity` set."""
    from django.db import connection

    keys = sorted({(text.strip(), country) for text, country in queries if text.strip()})
    probes = [(variant, country, i) for i, (text, country) in enumerate(keys) for variant in sorted(script_variants(text))]
    if not probes:
        return {}
    table = Place._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT q.ord, p.id, p.sim FROM unnest(%s::text[], %s::text[], %s::int[]) AS q(v, c, ord)
            CROSS JOIN LATERAL (
                SELECT pl.id, pl.name, GREATEST(similarity(pl.name, q.v), similarity(pl.local_name, q.v)) AS sim
                FROM {table} pl
                WHERE pl.country = q.c AND (pl.name %% q.v OR pl.local_name %% q.v)
                ORDER BY sim DESC, pl.name, pl.id
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
        .order_by("date", "order", "id")
    )


def places_with_pairing_counts() -> QuerySet[Place]:
    return Place.objects.annotate(
        pairing_count=Count("pairings_as_a", distinct=True) + Count("pairings_as_b", distinct=True)
    )


def pairings_of_place(place: Place) -> QuerySet[Pairing]:
    return pairings_with_status().filter(Q(place_a=place) | Q(place_b=place))


def pairings_with_status(*, as_of: dt.date | None = None) -> QuerySet[Pairing]:
    """The pairing list of the pages and the API: places, established date, latest event id, number of
    sources, and `current_status`, `current_since` (+ `_precision`, `_circa`) and
    `current_status_event_id` — the stored derived status and the event it holds from, or with `as_of`
    those stored on the latest event on or before that date ("unknown", from no date, before any).

    Only reads what `pairing_status_refresh` stored from `twinning.status.derive`, and counts sources
    with a correlated subquery rather than a GROUP BY, so a page costs the same at any table size."""
    established = Event.objects.filter(pairing=OuterRef("pk"), event_type=EventType.ESTABLISHED).order_by("date", "order", "id")
    latest = Event.objects.filter(pairing=OuterRef("pk"))
    if as_of is not None:
        latest = latest.filter(date__lte=as_of)
    latest = latest.order_by("-date", "-order", "-id")
    sources = (
        EventCitation.objects.filter(event__pairing=OuterRef("pk"))
        .order_by()
        .values("event__pairing")
        .annotate(n=Count("source", distinct=True))
        .values("n")
    )
    qs = Pairing.objects.select_related("place_a", "place_b").annotate(
        established_on=Subquery(established.values("date")[:1]),
        established_precision=Subquery(established.values("date_precision")[:1]),
        established_circa=Subquery(established.values("date_circa")[:1]),
        latest_event_id=Subquery(latest.values("id")[:1]),
        source_count=Coalesce(Subquery(sources, output_field=IntegerField()), 0),
    )
    if as_of is None:
        return qs.annotate(
            current_status=F("status"),
            current_since=F("status_since"),
            current_since_precision=F("status_since_precision"),
            current_since_circa=F("status_since_circa"),
            current_status_event_id=F("status_event_id"),
        )

    def on_date(field: str) -> Subquery:
        return Subquery(latest.values(field)[:1])

    return qs.annotate(
        current_status=Coalesce(on_date("status_after"), Value(Status.UNKNOWN.value)),
        current_since=on_date("status_since_event__date"),
        current_since_precision=on_date("status_since_event__date_precision"),
        current_since_circa=on_date("status_since_event__date_circa"),
        current_status_event_id=on_date("status_since_event_id"),
    )


def attach_latest_events(pairings) -> None:
    """Set `latest_event` and `status_event` (the event the status holds from, on `as_of` when the rows
    were selected with it) on rows of `pairings_with_status`, with their sources, in two queries."""
    ids = {p.latest_event_id for p in pairings} | {p.current_status_event_id for p in pairings}
    events = events_with_sources(pk for pk in ids if pk)
    for pairing in pairings:
        pairing.latest_event = events.get(pairing.latest_event_id)
        pairing.status_event = events.get(pairing.current_status_event_id)


def events_with_sources(ids) -> dict[int, Event]:
    """Events by id, with their citations and sources loaded (two queries whatever the number)."""
    events = (
        Event.objects.filter(pk__in=list(ids))
        .select_related("rescinds")
        .prefetch_related(Prefetch("citations", queryset=EventCitation.objects.select_related("source").order_by("id")))
    )
    return {event.pk: event for event in events}
