"""Status is derived from dated events alone (twinning.status + pairing_status_refresh)."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError

from tests.sources.factories import SourceFactory
from tests.twinning.factories import make_pairing, record
from twinning import services
from twinning.constants import EventType, Status
from twinning.models import EventCitation, Pairing
from twinning.selectors import filter_current_status, pairing_timeline, pairings_with_status
from twinning.status import derive


def as_of(pairing, day: str):
    return pairings_with_status(as_of=dt.date.fromisoformat(day)).get(pk=pairing.pk).current_status


@dataclass(frozen=True)
class Ev:
    """A plain event for `derive`: pk is the recording order, `name` the label used in the table."""

    pk: int
    name: str
    event_type: str
    date: dt.date
    order: int = 0
    status_to: str = ""
    rescinds_id: int | None = None


def timeline(*rows) -> list[Ev]:
    """(name, type, ISO date[, order][, rescinds name]) rows; a partial date ("2022-11") is its first day."""
    events: list[Ev] = []
    for pk, (name, event_type, day, *rest) in enumerate(rows, start=1):
        order = next((r for r in rest if isinstance(r, int)), 0)
        target = next((r for r in rest if isinstance(r, str)), None)
        rescinds = next(e.pk for e in events if e.name == target) if target else None
        padded = day + "-01" * (2 - day.count("-"))
        events.append(Ev(pk, name, event_type, dt.date.fromisoformat(padded), order, rescinds_id=rescinds))
    return events


E = EventType
DERIVE_CASES = {
    "sever": (
        [("est", E.ESTABLISHED, "1985"), ("review", E.REVIEW_OPENED, "2022-06"), ("sever", E.DECISION_SEVER, "2022-11-02")],
        Status.SEVERED, "sever",
    ),
    "retain after review": (
        [("est", E.ESTABLISHED, "2005"), ("review", E.REVIEW_OPENED, "2022-06"), ("retain", E.DECISION_RETAIN, "2023-03")],
        Status.RETAINED, "retain",
    ),
    "a statement after the decision changes nothing": (
        [("est", E.ESTABLISHED, "2005"), ("sever", E.DECISION_SEVER, "2022-11-02"), ("said", E.STATEMENT, "2022-11-20")],
        Status.SEVERED, "sever",
    ),
    "renewal keeps the status from the first event": (
        [("est", E.ESTABLISHED, "2005"), ("renew", E.RENEWED, "2015")],
        Status.ACTIVE, "est",
    ),
    "rescind the named decision": (
        [("est", E.ESTABLISHED, "2004"), ("sever", E.DECISION_SEVER, "2021-05-20"),
         ("rescind", E.DECISION_RESCINDED, "2022-02-14", "sever")],
        Status.ACTIVE, "rescind",
    ),
    "rescind without a target withdraws nothing (the services refuse one)": (
        [("est", E.ESTABLISHED, "2010"), ("review", E.REVIEW_OPENED, "2020"), ("sever", E.DECISION_SEVER, "2020-09"),
         ("rescind", E.DECISION_RESCINDED, "2021")],
        Status.SEVERED, "sever",
    ),
    "lapse": (
        [("est", E.ESTABLISHED, "2014-05-01"), ("lapse", E.LAPSED, "2019-05")],
        Status.LAPSED, "lapse",
    ),
    "same day: the order decides, not the recording": (
        [("est", E.ESTABLISHED, "2000"), ("sever", E.DECISION_SEVER, "2020-09-14", 1),
         ("suspend", E.SUSPENDED, "2020-09-14", 0)],
        Status.SEVERED, "sever",
    ),
    "same day, order swapped": (
        [("est", E.ESTABLISHED, "2000"), ("sever", E.DECISION_SEVER, "2020-09-14", 0),
         ("suspend", E.SUSPENDED, "2020-09-14", 1)],
        Status.SUSPENDED, "suspend",
    ),
    "precision mix: a month sorts before a day in it": (
        [("est", E.ESTABLISHED, "2000"), ("sever", E.DECISION_SEVER, "2022-11-02"), ("review", E.REVIEW_OPENED, "2022-11")],
        Status.SEVERED, "sever",
    ),
    "precision mix: a year sorts before a month in it": (
        [("lapse", E.LAPSED, "2019-05"), ("est", E.ESTABLISHED, "2019")],
        Status.LAPSED, "lapse",
    ),
    "only a visit: unknown, from no event": (
        [("visit", E.VISIT, "2010-05-01")],
        Status.UNKNOWN, None,
    ),
    "no events": ([], Status.UNKNOWN, None),
}


@pytest.mark.parametrize("rows, status, since", DERIVE_CASES.values(), ids=DERIVE_CASES.keys())
def test_derive_status_and_the_event_it_holds_from(rows, status, since):
    events = timeline(*rows)
    derived = derive(reversed(events))  # the input order does not matter
    assert derived.status == status
    assert getattr(derived.since_event, "name", None) == since
    # Each event carries the status right after it and the event that status holds from; the last
    # event's (in timeline order) are the pairing's.
    last = max(events, key=lambda e: (e.date, e.order, e.pk), default=None)
    if last is not None:
        assert derived.after[last.pk] == status
        assert getattr(derived.since_after[last.pk], "name", None) == since


def test_derive_gives_each_event_the_event_its_status_holds_from():
    events = timeline(
        ("visit", E.VISIT, "2001"), ("est", E.ESTABLISHED, "2004"), ("renew", E.RENEWED, "2014"),
        ("sever", E.DECISION_SEVER, "2021-05-20"), ("rescind", E.DECISION_RESCINDED, "2022-02-14", "sever"),
    )
    derived = derive(events)
    by_name = {e.name: e.pk for e in events}
    assert {name: (derived.after[pk], getattr(derived.since_after[pk], "name", None)) for name, pk in by_name.items()} == {
        "visit": (Status.UNKNOWN, None),
        "est": (Status.ACTIVE, "est"),
        "renew": (Status.ACTIVE, "est"),
        "sever": (Status.SEVERED, "sever"),
        "rescind": (Status.ACTIVE, "rescind"),
    }


@pytest.mark.django_db
class TestDerivation:
    def test_plain_history(self):
        pairing = make_pairing(established="1985")
        assert pairing.status == Status.ACTIVE
        record(pairing, EventType.REVIEW_OPENED, "2022-06")
        record(pairing, EventType.DECISION_SEVER, "2022-11-02", unanimous=True, body="full_council")
        pairing.refresh_from_db()
        assert pairing.status == Status.SEVERED
        assert pairing.status_since == dt.date(2022, 11, 2)
        assert pairing.status_since_precision == "day"
        assert as_of(pairing, "2022-01-01") == Status.ACTIVE
        assert as_of(pairing, "2022-07-01") == Status.UNDER_REVIEW
        assert as_of(pairing, "2022-11-01") == Status.UNDER_REVIEW
        assert as_of(pairing, "2022-11-02") == Status.SEVERED
        assert as_of(pairing, "1984-12-31") == Status.UNKNOWN

    def test_sever_later_rescinded_restores_status_before_it(self):
        pairing = make_pairing(established="2004")
        record(pairing, EventType.REVIEW_OPENED, "2022-06")
        sever = record(pairing, EventType.DECISION_SEVER, "2022-11-02")
        record(pairing, EventType.DECISION_RESCINDED, "2023-02-10", rescinds=sever)
        pairing.refresh_from_db()
        assert pairing.status == Status.UNDER_REVIEW
        assert pairing.status_since == dt.date(2023, 2, 10)
        assert as_of(pairing, "2022-12-01") == Status.SEVERED
        assert as_of(pairing, "2023-03-01") == Status.UNDER_REVIEW

    def test_rescind_must_name_its_decision_and_not_precede_it(self):
        pairing = make_pairing(established="2010")
        sever = record(pairing, EventType.DECISION_SEVER, "2020-09")
        with pytest.raises(ValidationError, match="Name the decision this event withdraws"):
            record(pairing, EventType.DECISION_RESCINDED, "2021")
        with pytest.raises(ValidationError, match="cannot come before the decision"):
            record(pairing, EventType.DECISION_RESCINDED, "2020-08-31", rescinds=sever)
        with pytest.raises(ValidationError, match="date it on or after September 2020"):
            record(pairing, EventType.DECISION_RESCINDED, "2020", rescinds=sever)  # sorts before the decision
        record(pairing, EventType.DECISION_RESCINDED, "2020-09", rescinds=sever)
        pairing.refresh_from_db()
        assert pairing.status == Status.ACTIVE

    def test_lapse(self):
        pairing = make_pairing(established="2014-05-01")
        record(pairing, EventType.LAPSED, "2019-05")
        pairing.refresh_from_db()
        assert pairing.status == Status.LAPSED
        assert pairing.status_since_date.display() == "May 2019"

    def test_two_events_on_one_day_follow_their_order(self):
        pairing = make_pairing(established="2000")
        record(pairing, EventType.DECISION_SEVER, "2020-09-14", order=1)
        record(pairing, EventType.SUSPENDED, "2020-09-14", order=0)
        pairing.refresh_from_db()
        assert pairing.status == Status.SEVERED
        # swapping the order swaps the outcome
        sever = pairing.events.get(event_type=EventType.DECISION_SEVER)
        services.event_update(sever, order=0, reason="order corrected")
        suspend = pairing.events.get(event_type=EventType.SUSPENDED)
        services.event_update(suspend, order=1, reason="order corrected")
        pairing.refresh_from_db()
        assert pairing.status == Status.SUSPENDED

    def test_a_month_precision_event_counts_from_the_end_of_its_month(self):
        # Issue 11 item 6: "November 2022" follows "2 November 2022" on the timeline and in the status.
        pairing = make_pairing(established="2000")
        record(pairing, EventType.DECISION_SEVER, "2022-11-02")
        record(pairing, EventType.REVIEW_OPENED, "2022-11")
        pairing.refresh_from_db()
        assert pairing.status == Status.UNDER_REVIEW
        assert as_of(pairing, "2022-11-01") == Status.ACTIVE
        assert as_of(pairing, "2022-11-02") == Status.SEVERED
        assert as_of(pairing, "2022-11-29") == Status.SEVERED
        assert as_of(pairing, "2022-11-30") == Status.UNDER_REVIEW
        assert [e.event_type for e in pairing_timeline(pairing)] == [
            EventType.ESTABLISHED, EventType.DECISION_SEVER, EventType.REVIEW_OPENED,
        ]
        review = pairing.events.get(event_type=EventType.REVIEW_OPENED)
        assert review.when.display() == "November 2022"
        assert review.date_precision == "month"

    def test_a_year_counts_from_its_last_day_and_the_curators_order_decides_on_that_day(self):
        pairing = make_pairing(established="2000")
        record(pairing, EventType.DECISION_SEVER, "2022-12-31", order=1)
        record(pairing, EventType.REVIEW_OPENED, "2022")
        pairing.refresh_from_db()
        assert as_of(pairing, "2022-12-30") == Status.ACTIVE
        assert [e.event_type for e in pairing_timeline(pairing)][1:] == [EventType.REVIEW_OPENED, EventType.DECISION_SEVER]
        assert pairing.status == Status.SEVERED

    def test_as_of_status_filter_agrees_with_the_described_status(self):
        severed = make_pairing(established="2000")
        record(severed, EventType.DECISION_SEVER, "2010")
        active = make_pairing(established="2000-06")
        both = pairings_with_status(as_of=dt.date(2010, 12, 31))
        assert set(filter_current_status(both, ["severed"]).values_list("pk", flat=True)) == {severed.pk}
        assert set(filter_current_status(both, ["active"]).values_list("pk", flat=True)) == {active.pk}
        before = pairings_with_status(as_of=dt.date(2000, 6, 29))
        assert set(filter_current_status(before, ["unknown"]).values_list("pk", flat=True)) == {severed.pk, active.pk}
        # The filter reads the same joined event the described status comes from: one join of the
        # events on that date (a second one would double the cost of every count at world scale).
        sql = str(filter_current_status(both, ["severed", "active"]).order_by().values("pk").query)
        assert sql.count("@>") == 1, sql
        assert [row["current_status"] for row in filter_current_status(both, ["severed"]).values("current_status")] == [
            "severed"
        ]

    def test_curator_may_record_the_status_an_event_leads_to(self):
        pairing = make_pairing(established="2000")
        record(pairing, EventType.STATEMENT, "2023", status_to=Status.DORMANT)
        pairing.refresh_from_db()
        assert pairing.status == Status.DORMANT

    def test_no_events_is_unknown(self):
        pairing = make_pairing(established=None)
        assert Pairing.objects.get(pk=pairing.pk).status == Status.UNKNOWN

    def test_status_changing_event_without_source_is_refused_and_nothing_saved(self):
        pairing = make_pairing(established="2000")
        with pytest.raises(ValidationError, match="needs at least one source"):
            record(pairing, EventType.DECISION_SEVER, "2022-11-02", sourced=False)
        pairing.refresh_from_db()
        assert pairing.status == Status.ACTIVE
        assert pairing.events.count() == 1

    def test_a_status_changing_event_keeps_its_last_source(self, curator):
        pairing = make_pairing(established="2000")
        sever = record(pairing, EventType.DECISION_SEVER, "2022-11-02")
        services.event_cite(event=sever, cite=services.Cite(source=SourceFactory()))
        first, last = sever.citations.order_by("pk")
        first_pk = first.pk
        services.event_citation_delete(first, user=curator, reason="Blog post, not the minutes")
        removed = EventCitation.history.get(id=first_pk, history_type="-")
        assert (removed.history_user, removed.history_change_reason) == (curator, "Blog post, not the minutes")
        with pytest.raises(ValidationError, match="needs at least one source"):
            services.event_citation_delete(last, user=curator, reason="Oops")
        assert list(sever.citations.all()) == [last]
        tabled = record(pairing, EventType.MOTION_TABLED, "2022-10")
        services.event_citation_delete(tabled.citations.get(), user=curator, reason="Not about this motion")
        assert not tabled.citations.exists()

    def test_event_that_changes_nothing_needs_no_source(self):
        pairing = make_pairing(established="2000")
        record(pairing, EventType.MOTION_TABLED, "2022-10", sourced=False)
        assert pairing.events.count() == 2

    def test_status_cannot_be_set_directly(self):
        pairing = make_pairing(established="2000")
        with pytest.raises(ValidationError):
            services.pairing_update(pairing, status=Status.SEVERED)


@pytest.mark.django_db
def test_migration_fills_the_since_events_of_existing_rows():
    import importlib

    from django.apps import apps

    from twinning.models import Event

    migration = importlib.import_module("twinning.migrations.0002_status_since_event")
    pairing = make_pairing(established="2004")
    sever = record(pairing, EventType.DECISION_SEVER, "2021-05-20")
    rescind = record(pairing, EventType.DECISION_RESCINDED, "2022-02-14", rescinds=sever)
    Event.objects.update(status_since_event=None)
    Pairing.objects.update(status_event=None)
    migration.rederive_every_pairing(apps, None)
    pairing.refresh_from_db()
    assert pairing.status_event_id == rescind.pk and pairing.status_since == dt.date(2022, 2, 14)
    established = pairing.events.get(event_type=EventType.ESTABLISHED)
    assert dict(pairing.events.values_list("pk", "status_since_event")) == {
        established.pk: established.pk, sever.pk: sever.pk, rescind.pk: rescind.pk,
    }
