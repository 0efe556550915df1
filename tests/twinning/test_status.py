"""Status is derived from dated events alone (twinning.status + pairing_status_refresh)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.sources.factories import SourceFactory
from tests.twinning.factories import make_pairing, record
from twinning import services
from twinning.constants import EventType, Status
from twinning.models import EventCitation, Pairing
from twinning.selectors import pairings_summary


def as_of(pairing, day: str):
    return pairings_summary(as_of=dt.date.fromisoformat(day)).get(pk=pairing.pk).status_on_date or Status.UNKNOWN


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

    def test_rescind_without_named_target_withdraws_latest_decision(self):
        pairing = make_pairing(established="2010")
        record(pairing, EventType.DECISION_SEVER, "2020-09")
        record(pairing, EventType.DECISION_RESCINDED, "2021")
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

    def test_month_precision_event_sorts_before_a_day_in_that_month(self):
        pairing = make_pairing(established="2000")
        record(pairing, EventType.DECISION_SEVER, "2022-11-02")
        record(pairing, EventType.REVIEW_OPENED, "2022-11")
        pairing.refresh_from_db()
        assert pairing.status == Status.SEVERED
        assert as_of(pairing, "2022-11-01") == Status.UNDER_REVIEW
        review = pairing.events.get(event_type=EventType.REVIEW_OPENED)
        assert review.when.display() == "November 2022"
        assert review.date_precision == "month"

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
