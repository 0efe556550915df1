"""Reads shared by the public pages and the API. Querysets here are built to stay within a constant
number of queries however many rows they return (select_related / prefetch / annotations)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from sources.models import Source
from twinning.constants import EventType
from twinning.models import Event, EventCitation, Pairing, Place


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


def status_as_of_subquery(on: dt.date):
    """SQL for "status of the pairing on date `on`": `status_after` of its latest event on or before
    that date (by date, then order), as derived by twinning.status. NULL when no event precedes it."""
    latest = Event.objects.filter(pairing=OuterRef("pk"), date__lte=on).order_by("-date", "-order", "-id")
    return Subquery(latest.values("status_after")[:1])


def pairings_summary(*, as_of: dt.date | None = None) -> QuerySet[Pairing]:
    """Pairings with their places, established date, latest event id and number of sources.

    With `as_of`, `status_on_date` is annotated with the status on that date ('' before any event)."""
    established = Event.objects.filter(pairing=OuterRef("pk"), event_type=EventType.ESTABLISHED).order_by("date", "order", "id")
    latest = Event.objects.filter(pairing=OuterRef("pk"))
    if as_of is not None:
        latest = latest.filter(date__lte=as_of)
    latest = latest.order_by("-date", "-order", "-id")
    qs = (
        Pairing.objects.select_related("place_a", "place_b")
        .annotate(
            established_on=Subquery(established.values("date")[:1]),
            established_precision=Subquery(established.values("date_precision")[:1]),
            established_circa=Subquery(established.values("date_circa")[:1]),
            latest_event_id=Subquery(latest.values("id")[:1]),
            source_count=Count("events__citations__source", distinct=True),
        )
    )
    if as_of is not None:
        qs = qs.annotate(status_on_date=status_as_of_subquery(as_of))
    return qs


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
    return pairings_summary().filter(Q(place_a=place) | Q(place_b=place))


def sources_citing_count() -> QuerySet[Source]:
    return Source.objects.annotate(event_citation_count=Count("eventcitation", distinct=True))


# --- API reads (status on a date, latest events) ----------------------------------------------


def _status_run_start(*, status_ref: str, as_of: dt.date | None):
    """The first event of the final run of events (on or before `as_of`) whose derived
    `status_after` is the pairing's status: the event from which that status holds."""
    from django.db.models import Exists

    events = Event.objects.filter(pairing=OuterRef("pairing"))
    candidates = Event.objects.filter(pairing=OuterRef("pk"), status_after=OuterRef(status_ref))
    if as_of is not None:
        events, candidates = events.filter(date__lte=as_of), candidates.filter(date__lte=as_of)
    later_and_different = events.filter(
        Q(date__gt=OuterRef("date"))
        | Q(date=OuterRef("date"), order__gt=OuterRef("order"))
        | Q(date=OuterRef("date"), order=OuterRef("order"), id__gt=OuterRef("id"))
    ).exclude(status_after=OuterRef("status_after"))
    return candidates.filter(~Exists(later_and_different)).order_by("date", "order", "id")


def status_event_subquery(*, as_of: dt.date | None = None) -> Subquery:
    """Id of the event that brought the pairing's status (the one stored, or with `as_of` the one
    annotated as `status_on_date`): for a severed or retained pairing, the decision."""
    status_ref = "status" if as_of is None else "status_on_date"
    return Subquery(_status_run_start(status_ref=status_ref, as_of=as_of).values("id")[:1])


def status_event_ids(pairing_ids, *, as_of: dt.date | None = None) -> dict[int, int | None]:
    """`status_event_subquery` for a page of pairings, in one query (kept out of list queries, where
    it would be evaluated for every row an OFFSET skips)."""
    qs = Pairing.objects.filter(pk__in=list(pairing_ids))
    if as_of is not None:
        qs = qs.annotate(status_on_date=status_as_of_subquery(as_of))
    return dict(qs.annotate(status_event_id=status_event_subquery(as_of=as_of)).values_list("pk", "status_event_id"))


def pairings_with_status(*, as_of: dt.date | None = None) -> QuerySet[Pairing]:
    """Pairings for lists at any size: places, established date, latest event id, number of
    sources, and `current_status`, `current_since` (+ `_precision`, `_circa`) — the stored derived
    status, or with `as_of` the status on that date and the date it held from.

    Like `pairings_summary`, but counts sources with a correlated subquery instead of a GROUP BY
    over every pairing's events, so a page costs the same at any table size. Reads only
    `Event.status_after` as derived by twinning.status: the status on a date is that of the latest
    event on or before it ("unknown" before any), and it holds from the first event of the final
    run of events leading to that same status."""
    from django.db.models import Count, F, IntegerField, Value
    from django.db.models.functions import Coalesce

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
        )
    qs = qs.annotate(
        status_on_date=status_as_of_subquery(as_of), current_status=Coalesce("status_on_date", Value("unknown"))
    )
    run_start = _status_run_start(status_ref="status_on_date", as_of=as_of)
    return qs.annotate(
        current_since=Subquery(run_start.values("date")[:1]),
        current_since_precision=Subquery(run_start.values("date_precision")[:1]),
        current_since_circa=Subquery(run_start.values("date_circa")[:1]),
    )


def events_with_sources(ids) -> dict[int, Event]:
    """Events by id, with their citations and sources loaded (two queries whatever the number)."""
    events = (
        Event.objects.filter(pk__in=list(ids))
        .select_related("rescinds")
        .prefetch_related(Prefetch("citations", queryset=EventCitation.objects.select_related("source").order_by("id")))
    )
    return {event.pk: event for event in events}
