"""Reads shared by the public pages and the API. Querysets here are built to stay within a constant
number of queries however many rows they return (select_related / prefetch / annotations)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.db.models import Count, F, FilteredRelation, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from twinning.constants import EventType, Status
from twinning.models import Event, EventCitation, Pairing, Place
from twinning.status import TIMELINE_ORDER, TIMELINE_ORDER_DESC


@cache
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def script_variants(text: str) -> set[str]:
    """The text as typed, in Simplified and in Traditional characters: a reader in Hong Kong who
    types 寧波 finds Ningbo recorded as 宁波, and the other way round."""
    return {text, _converter("t2s").convert(text), _converter("s2t").convert(text)}


def place_name_match(text: str, *prefixes: str) -> Q:
    """A filter matching `text` in the name or local name (either Chinese script) of the place at each
    prefix ("" for a Place queryset; "place_a__", "place_b__" for pairings). Pages and API share it."""
    match = Q()
    for variant in script_variants(text.strip()):
        for prefix in prefixes or ("",):
            match |= Q(**{f"{prefix}name__icontains": variant}) | Q(**{f"{prefix}local_name__icontains": variant})
    return match


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


def pairing_timeline(pairing: Pairing) -> list[Event]:
    """A pairing's events in timeline order, each with its citations and their sources loaded."""
    return list(
        Event.objects.filter(pairing=pairing)
        .select_related("rescinds")
        .prefetch_related(Prefetch("citations", queryset=EventCitation.objects.select_related("source").order_by("id")))
        .order_by(*TIMELINE_ORDER)
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
    established = Event.objects.filter(pairing=OuterRef("pk"), event_type=EventType.ESTABLISHED).order_by(*TIMELINE_ORDER)
    latest = Event.objects.filter(pairing=OuterRef("pk"))
    if as_of is not None:
        latest = latest.filter(effective_on__lte=as_of)  # an event counts from the end of its period
    latest = latest.order_by(*TIMELINE_ORDER_DESC)
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

    # The one event whose stored `status_during` contains the date (a LEFT JOIN served by the GiST index
    # on (status_after, status_during)), not a correlated subquery per pairing. None before any event.
    qs = qs.annotate(as_of_event=FilteredRelation("events", condition=Q(events__status_during__contains=as_of)))
    return qs.annotate(
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
        return qs.filter(as_of_event__status_after__in=statuses)
    return qs.filter(current_status__in=statuses)


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
