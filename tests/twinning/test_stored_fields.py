"""What is stored on the pairing instead of being computed per request: `established_date*`,
`last_event` and `evidence` (derived with the status by `pairing_status_refresh`, twinning.status.stored_fields)
and `sources_cited` (kept by the database triggers of migration 0013 on every write path). Each is compared
with the definition the readers computed per request before it was stored."""

import importlib

import pytest
from django.db import connection
from django.db.models import Case, Q, Value, When

from core.partialdates import PartialDate
from tests.sources.factories import SourceFactory
from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning import services
from twinning.constants import WIKIDATA_EVENT_TYPES, EventType, Relationship, Status
from twinning.models import Event, EventCitation, Pairing
from twinning.selectors import pairings_with_status
from twinning.status import TIMELINE_ORDER, TIMELINE_ORDER_DESC

pytestmark = pytest.mark.django_db

STORED = [
    "evidence", "established_date", "established_date_precision", "established_date_circa", "last_event_id",
    "sources_cited",
]

# The per-request definition of the evidence before it was stored (twinning.world.EVIDENCE then).
OLD_EVIDENCE = Case(
    When(Q(status=Status.UNKNOWN), then=Value("unknown")),
    When(Q(status=Status.LISTED) | Q(status_event__event_type__in=WIKIDATA_EVENT_TYPES), then=Value("listed")),
    default=Value("verified"),
)


def per_request(pairing) -> dict:
    """The values as the readers computed them per request (selectors._established_events,
    the latest event in TIMELINE_ORDER_DESC, _source_counts and world.EVIDENCE)."""
    established = Event.objects.filter(pairing=pairing, event_type=EventType.ESTABLISHED).order_by(*TIMELINE_ORDER).first()
    latest = Event.objects.filter(pairing=pairing).order_by(*TIMELINE_ORDER_DESC).first()
    return {
        "evidence": Pairing.objects.filter(pk=pairing.pk).annotate(old=OLD_EVIDENCE).values_list("old", flat=True).get(),
        "established_date": established.date if established else None,
        "established_date_precision": established.date_precision if established else "day",
        "established_date_circa": established.date_circa if established else False,
        "last_event_id": latest.pk if latest else None,
        "sources_cited": EventCitation.objects.filter(event__pairing=pairing).values("source").distinct().count(),
    }


def stored(pairing) -> dict:
    return Pairing.objects.values(*STORED).get(pk=pairing.pk)


def assert_stored_as_derived(pairing) -> dict:
    values = stored(pairing)
    assert values == per_request(pairing)
    row = pairings_with_status().get(pk=pairing.pk)
    assert (row.established_on, row.established_precision, row.established_circa, row.latest_event_id, row.source_count) == (
        values["established_date"], values["established_date_precision"], values["established_date_circa"],
        values["last_event_id"], values["sources_cited"],
    )
    return values


class TestDerivedWithTheStatus:
    def test_recording_an_event(self):
        pairing = make_pairing(established="2005-06")
        values = assert_stored_as_derived(pairing)
        assert values["established_date_precision"] == "month" and values["evidence"] == "verified"
        sever = record(pairing, EventType.DECISION_SEVER, "2022-11-02")
        values = assert_stored_as_derived(pairing)
        assert values["last_event_id"] == sever.pk and values["sources_cited"] == 2

    def test_editing_a_date_changes_which_event_is_first_and_latest(self):
        pairing = make_pairing(established="2005")
        first = pairing.events.get()
        second = record(pairing, EventType.ESTABLISHED, "2010-03-04")
        sever = record(pairing, EventType.DECISION_SEVER, "2022-11-02")
        assert stored(pairing)["established_date"].year == 2005
        services.event_update(second, date=PartialDate.parse("1999"), reason="earlier")
        values = assert_stored_as_derived(pairing)
        assert values["established_date"].year == 1999 and values["established_date_precision"] == "year"
        services.event_update(sever, date=PartialDate.parse("2001-01-01"), reason="earlier")
        values = assert_stored_as_derived(pairing)
        assert values["last_event_id"] == first.pk

    def test_deleting_an_event(self):
        pairing = make_pairing(established="2005")
        established = pairing.events.get()
        statement = record(pairing, EventType.STATEMENT, "2020")
        assert stored(pairing)["last_event_id"] == statement.pk
        services.event_delete(statement, reason="mistake")
        values = assert_stored_as_derived(pairing)
        assert values["last_event_id"] == established.pk and values["sources_cited"] == 1

    def test_rescinding(self):
        pairing = make_pairing(established="2004")
        sever = record(pairing, EventType.DECISION_SEVER, "2021-05-20")
        rescind = record(pairing, EventType.DECISION_RESCINDED, "2022-02-14", rescinds=sever)
        values = assert_stored_as_derived(pairing)
        assert values["last_event_id"] == rescind.pk and values["evidence"] == "verified"

    def test_a_wikidata_listing_is_listed_until_a_curated_event(self):
        pairing = make_pairing(established=None)
        assert assert_stored_as_derived(pairing)["evidence"] == "unknown"
        record(pairing, EventType.LISTED, "2026-05-01")
        assert assert_stored_as_derived(pairing)["evidence"] == "listed"
        record(pairing, EventType.LISTED_ENDED, "2026-06-01")  # lapsed, but only Wikidata says so
        pairing.refresh_from_db()
        assert pairing.status == Status.LAPSED
        assert assert_stored_as_derived(pairing)["evidence"] == "listed"
        record(pairing, EventType.DECISION_RETAIN, "2026-07-01")
        assert assert_stored_as_derived(pairing)["evidence"] == "verified"

    def test_the_bulk_refresh_stores_the_same(self):
        pairings = [make_pairing(established="2005"), make_pairing(established=None)]
        record(pairings[0], EventType.DECISION_SEVER, "2022-11-02")
        record(pairings[1], EventType.LISTED, "2026-05-01")
        expected = [per_request(p) for p in pairings]
        Pairing.objects.update(evidence="unknown", established_date=None, last_event=None)
        services.pairings_status_refresh_bulk(pairing_ids=[p.pk for p in pairings])
        assert [stored(p) for p in pairings] == expected

    def test_they_are_not_curator_changes(self):
        pairing = make_pairing(established="2005")
        history = pairing.history.count()
        record(pairing, EventType.DECISION_SEVER, "2022-11-02")
        assert pairing.history.count() == history
        assert not {"evidence", "last_event", "sources_cited"} & {f.name for f in Pairing.history.model._meta.fields}

    def test_they_cannot_be_set_directly(self):
        pairing = make_pairing(established="2005")
        for name, value in (("evidence", "listed"), ("last_event_id", None), ("sources_cited", 9)):
            with pytest.raises(Exception, match="derived"):
                services.pairing_update(pairing, **{name: value})


def cited(pairing) -> int:
    return Pairing.objects.values_list("sources_cited", flat=True).get(pk=pairing.pk)


def cited_per_request(pairing) -> int:
    return per_request(pairing)["sources_cited"]


class TestSourcesCited:
    def test_citing_through_the_service_and_the_same_source_twice(self):
        pairing = make_pairing(established="2005")
        event = record(pairing, EventType.STATEMENT, "2020", sourced=False)
        assert cited(pairing) == 1
        source = SourceFactory()
        services.event_cite(event=event, cite=services.Cite(source=source))
        assert cited(pairing) == 2
        other = record(pairing, EventType.STATEMENT, "2021", source=source)  # the same source again
        assert cited(pairing) == 2 == cited_per_request(pairing)
        citation = event.citations.get()
        services.event_citation_delete(citation, reason="wrong")
        assert cited(pairing) == 2  # still cited by `other`
        services.event_citation_delete(other.citations.get(), reason="wrong")
        assert cited(pairing) == 1 == cited_per_request(pairing)

    def test_deleting_an_event_takes_its_sources(self):
        pairing = make_pairing(established="2005")
        event = record(pairing, EventType.STATEMENT, "2020")
        assert cited(pairing) == 2
        services.event_delete(event, reason="mistake")
        assert cited(pairing) == 1

    def test_an_event_moved_to_another_pairing_takes_its_sources(self):
        a, b = PlaceFactory(), PlaceFactory()
        keep = make_pairing(place_a=a, place_b=b, relationship=Relationship.SISTER_CITY)
        merge = make_pairing(place_a=a, place_b=b, relationship=Relationship.FRIENDSHIP)
        record(merge, EventType.STATEMENT, "2020")
        assert (cited(keep), cited(merge)) == (1, 2)
        Event.objects.filter(pairing=merge).update(pairing=keep)  # what a merge does
        assert (cited(keep), cited(merge)) == (3, 0)
        assert cited(keep) == cited_per_request(keep)

    def test_merging_pairings(self):
        a, b = PlaceFactory(), PlaceFactory()
        keep = make_pairing(place_a=a, place_b=b, relationship=Relationship.SISTER_CITY)
        merge = make_pairing(place_a=a, place_b=b, relationship=Relationship.FRIENDSHIP)
        services.pairing_merge(keep=keep, merge=merge, reason="duplicate")
        assert cited(keep) == 2 == cited_per_request(keep)

    def test_a_bulk_create_is_counted_for_each_pairing_in_one_statement(self, django_assert_num_queries):
        pairings = [make_pairing(established="2005") for _ in range(3)]
        events = [p.events.get() for p in pairings]
        sources = SourceFactory.create_batch(4)
        citations = [EventCitation(event=e, source=s) for e in events[:2] for s in sources] + [
            EventCitation(event=events[2], source=sources[0])
        ]
        with django_assert_num_queries(1):
            EventCitation.objects.bulk_create(citations)
        assert [cited(p) for p in pairings] == [5, 5, 2] == [cited_per_request(p) for p in pairings]

    def test_the_triggers_are_per_statement(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgname, tgtype & 1 FROM pg_trigger WHERE tgname IN ('twinning_citations_inserted', "
                "'twinning_citations_updated', 'twinning_citations_deleted', 'twinning_events_moved', 'twinning_events_deleted')"
            )
            rows = dict(cursor.fetchall())
        assert len(rows) == 5 and set(rows.values()) == {0}  # bit 0 set = FOR EACH ROW

    def test_a_citation_moved_to_another_event_or_source(self):
        first, second = make_pairing(established="2005"), make_pairing(established="2005")
        citation = record(first, EventType.STATEMENT, "2020").citations.get()
        statement = record(second, EventType.STATEMENT, "2020", sourced=False)
        EventCitation.objects.filter(pk=citation.pk).update(event=statement)
        assert (cited(first), cited(second)) == (1, 2)
        EventCitation.objects.filter(pk=citation.pk).update(source=second.events.first().citations.get().source)
        assert cited(second) == 1 == cited_per_request(second)

    def test_a_stale_pairing_saved_keeps_the_count(self):
        pairing = make_pairing(established="2005")
        stale = Pairing.objects.get(pk=pairing.pk)
        record(pairing, EventType.STATEMENT, "2020")
        services.pairing_update(stale, notes="A note.", reason="note")
        assert cited(pairing) == 2


def test_the_list_reads_the_stored_values_in_one_query(django_assert_max_num_queries):
    for _ in range(3):
        record(make_pairing(established="2005"), EventType.STATEMENT, "2020")
    with django_assert_max_num_queries(1):
        rows = list(pairings_with_status())
    assert all(r.source_count == 2 and r.latest_event_id for r in rows)


def test_migration_fills_the_stored_fields_of_existing_rows():
    migration = importlib.import_module("twinning.migrations.0013_pairing_stored_from_events")
    one = make_pairing(established="2004-05")
    record(one, EventType.ESTABLISHED, "2001", order=1)
    sever = record(one, EventType.DECISION_SEVER, "2021-05-20", source=one.events.first().citations.get().source)
    record(one, EventType.DECISION_RESCINDED, "2022-02-14", rescinds=sever)
    listed = make_pairing(established=None)
    record(listed, EventType.LISTED, "2026-05-01")
    empty = make_pairing(established=None)
    expected = {p.pk: per_request(p) for p in (one, listed, empty)}
    with connection.cursor() as cursor:
        # As the rows were before the migration, triggers off (its guard trigger would keep the count).
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE twinning_pairing SET evidence = 'unknown', established_date = NULL, established_date_precision = 'day', "
            "established_date_circa = false, last_event_id = NULL, sources_cited = 0"
        )
        cursor.execute(migration.FILL)  # (run before the migration creates the triggers)
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert {p.pk: stored(p) for p in (one, listed, empty)} == expected
    assert expected[one.pk]["sources_cited"] == 3 and expected[listed.pk]["evidence"] == "listed"
