import datetime as dt

import pytest

from tests.twinning.factories import PlaceFactory
from twinning.selectors import (
    filter_country,
    filter_country_pair,
    filter_current_status,
    pairings_with_status,
    similar_places,
)

pytestmark = pytest.mark.django_db


def test_similar_places_finds_a_typo_and_ranks_the_closest_first():
    nottingham = PlaceFactory(name="Nottingham", country="GB")
    PlaceFactory(name="Northampton", country="GB")
    PlaceFactory(name="Ningbo", country="CN")

    found = similar_places("Nottinghm")

    assert found[0] == nottingham
    assert "Ningbo" not in [p.name for p in found]


def test_similar_places_matches_chinese_names_in_either_script_and_respects_country():
    ningbo = PlaceFactory(name="Ningbo", local_name="宁波", country="CN")
    PlaceFactory(name="Ningbo Lake", local_name="", country="US")

    assert similar_places("寧波") == [ningbo]
    assert similar_places("Ningbo", country="US")[0].name == "Ningbo Lake"
    assert similar_places("Ningbo", country="CN", exclude_pk=ningbo.pk) == []
    assert similar_places("   ") == []


@pytest.mark.parametrize("as_of", [None, "1900-01-01", "2004-12-31", "2021-06-01", "2022-11-01"])
def test_the_api_detail_says_what_the_list_row_says(api, world, as_of):
    """A pairing's record and its list row read the same stored facts (established date, latest event,
    number of sources, status), on every pairing (no established event, a source shared by events and
    by the pairing, same-day events…), now and on past dates."""
    from tests.sources.factories import SourceFactory
    from tests.twinning.factories import make_pairing, record
    from twinning import services
    from twinning.constants import EventType

    shared = SourceFactory()
    bare = make_pairing(established=None, source=shared)  # no established event, a source for the pairing only
    record(bare, EventType.REVIEW_OPENED, "2021-06-01", source=shared)
    record(bare, EventType.DECISION_RETAIN, "2021-06-01", source=shared)  # same day: order decides the latest
    circa = make_pairing(established="c. 1995")
    services.event_cite(event=circa.events.get(), cite=services.Cite(source=shared))
    params = {"as_of": as_of} if as_of else {}
    rows = api.get("/api/v1/pairings/", params).json()["results"]
    assert len(rows) == 8
    facts = ("established", "status", "status_since", "source_count", "status_event")
    for row in rows:
        detail = api.get(f"/api/v1/pairings/{row['id']}/", params).json()
        assert {f: detail[f] for f in facts} == {f: row[f] for f in facts}, row["slug"]
        assert (detail["latest_event"] or {}).get("id") == (row["latest_event"] or {}).get("id")


def test_counting_pairings_reads_the_events_alone_only_for_a_country_in_a_status_on_a_date(world):
    """`PairingQuerySet.for_counting` counts from the events only a country's pairings in a status on a
    date with nothing else asked: without a status, pairings with no event on the date ("unknown") must
    stay counted; with another condition (a relationship), the pairings' own conditions are counted (from
    the events of a common status, PostgreSQL read most of them)."""
    on_date = pairings_with_status(as_of=dt.date(2022, 1, 1))
    plain = [
        filter_country(pairings_with_status(), "GB"),
        filter_country(on_date, "GB"),
        filter_current_status(on_date, ["severed", "unknown"]),
        filter_country(filter_current_status(on_date, ["unknown", "active"]), "RU"),
        filter_country(filter_current_status(on_date, ["active"]), "GB").filter(relationship="twin_town"),
        filter_current_status(filter_country(on_date, "GB"), ["active"]).filter(relationship="twin_town"),  # either order
    ]
    for qs in plain:
        assert qs.for_counting() is qs
    with_relationship = plain[-1]
    assert with_relationship.count() == 2  # Nottingham's two
    assert filter_current_status(filter_country(on_date, "GB"), ["active"]).for_counting().query.combinator == "union"


def test_pairings_of_a_country_in_a_status_on_a_date_are_counted_from_the_events_alone(world):
    """With nothing else asked, a country's pairings in a status on a date are counted as the events of
    that status on that date with a place in the country (one per pairing): side A's and side B's, a
    pairing with both places in the country once."""
    from twinning.models import Pairing

    on_date = pairings_with_status(as_of=dt.date(2022, 1, 1))
    for code, statuses in (("GB", ["active"]), ("CN", ["active"]), ("GB", ["severed", "active"]), ("RU", ["active"])):
        for qs in (
            filter_country(filter_current_status(on_date, statuses), code),
            filter_current_status(filter_country(on_date, code), statuses),  # either order
        ):
            counted = qs.for_counting()
            assert counted.model is not Pairing and counted.query.combinator == "union"
            assert '"twinning_pairing"' not in str(counted.query)
            assert counted.count() == qs.count(), (code, statuses)
    assert filter_country(filter_current_status(on_date, ["active"]), "GB").for_counting().count() == 4
    # A pairing with both places in the country is one pairing, counted once.
    from tests.twinning.factories import make_pairing

    make_pairing(place_a=world.nottingham, place_b=world.bath, established="2005")
    for code, expected in (("GB", 5), ("FR", 1), ("US", 0)):
        qs = filter_country(filter_current_status(pairings_with_status(as_of=dt.date(2022, 1, 1)), ["active"]), code)
        assert qs.for_counting().count() == qs.count() == expected


def test_a_pair_of_countries_in_a_status_on_a_date_is_read_from_the_date_s_event_copies_too(world):
    """`filter_country_pair` after a status on a date also asks the date's event for the pair (its copies
    of the countries: the same rows, which the events' indexes find); without a status, pairings with no
    event on the date ("unknown") stay, so the event is not asked."""
    on_date = pairings_with_status(as_of=dt.date(2022, 1, 1))
    for statuses, slugs in ((["active"], {"newcastle_taiyuan", "bath_jiangxi", "nottingham_ningbo"}),
                            (["severed"], {"rescindton_xian"})):
        for first, second in (("GB", "CN"), ("CN", "GB")):
            qs = filter_country_pair(filter_current_status(on_date, statuses), first, second)
            assert 'as_of_event."country_a"' in str(qs.query)
            assert set(qs.values_list("pk", flat=True)) == {getattr(world, s).pk for s in slugs}
            assert qs.count() == len(slugs)
    before_any = filter_country_pair(pairings_with_status(as_of=dt.date(1950, 1, 1)), "GB", "CN")
    assert 'as_of_event."country_a"' not in str(before_any.query)
    assert before_any.count() == 4  # none had begun: unknown on that date, and all kept
    assert filter_country_pair(pairings_with_status(), "GB", "RU").get() == world.nottingham_krasnodar


@pytest.mark.parametrize("dated", [False, True])
def test_a_page_s_row_and_export_queries_are_compiled_once(dated):
    """A list page's rows query and a CSV page's export query are compiled once, with markers where the
    ids and the date go (else each page compiles them again: 2-6 ms); the export's dated query takes the
    date in more than one place."""
    from twinning import selectors

    for base in (selectors._rows_base(dated), selectors._export_page_base(dated)):
        assert base is not None
        _sql, markers = base
        assert selectors._IDS in markers
        assert (selectors._AS_OF in markers) is dated


@pytest.mark.parametrize("dated", [False, True])
def test_a_page_s_export_reads_its_pairings_once(dated):
    """A CSV page's export query selects its pairings (with their status on the date) once, into a CTE
    that the latest events and the citations read; the whole register's export selects them in place."""
    from twinning import selectors

    sql, _markers = selectors._export_page_base(dated)
    assert sql.count('FROM "twinning_pairing"') == 1
    assert "AS MATERIALIZED" in sql
    whole, _params = selectors.pairing_export_sql(
        pairings_with_status(as_of=dt.date(2020, 1, 1) if dated else None), as_of=dt.date(2020, 1, 1) if dated else None,
        with_position=True,
    )
    assert "AS MATERIALIZED" not in whole


@pytest.mark.parametrize("statuses", [["active"], ["severed"], ["active", "severed"]])
@pytest.mark.parametrize("code", ["GB", "CN", "RU", "US"])
def test_a_country_in_a_status_on_a_date_with_more_asked_is_read_from_the_date_s_events(world, code, statuses):
    """`narrowed`: the same rows in the same order, counted alike, from the pairings of the date's events
    of that country and status; `rows_at_most` says how many events there were."""
    from tests.twinning.factories import make_pairing
    from twinning.constants import Relationship

    make_pairing(place_a=world.nottingham, place_b=world.bath, established="2005")  # GB on both sides: once
    on_date = pairings_with_status(as_of=dt.date(2022, 1, 1))
    for qs in (
        filter_country(filter_current_status(on_date, statuses), code).filter(relationship=Relationship.TWIN_TOWN),
        filter_current_status(filter_country(on_date, code), statuses).exclude(relationship=Relationship.PARTNERSHIP),
    ):
        narrowed = qs.narrowed()
        assert narrowed is not qs and narrowed.rows_at_most() is not None
        assert " UNION ALL " in str(narrowed.query)
        assert list(narrowed.values_list("pk", flat=True)) == list(qs.values_list("pk", flat=True))
        assert narrowed.count() == qs.count()
        assert narrowed.rows_at_most() == filter_current_status(filter_country(on_date, code), statuses).count()


def test_a_country_in_a_status_on_a_date_stays_as_it_is_with_nothing_else_or_too_many_events(world):
    """Not narrowed with nothing else asked (walking the name order finds a page sooner), without a
    status on a date, or when the date's events are more than the limit."""
    on_date = pairings_with_status(as_of=dt.date(2022, 1, 1))
    alone = filter_country(filter_current_status(on_date, ["active"]), "GB")
    assert alone.narrowed() is alone
    undated = filter_country(filter_current_status(pairings_with_status(), ["active"]), "GB").filter(relationship="twin_town")
    assert undated.narrowed() is undated and undated.rows_at_most() is None
    with_unknown = filter_country(filter_current_status(on_date, ["active", "unknown"]), "GB").filter(relationship="twin_town")
    assert with_unknown.narrowed() is with_unknown
    more = alone.filter(relationship="twin_town")
    assert more.narrowed(limit=alone.count() - 1) is more
    assert more.narrowed(limit=alone.count()) is not more


def test_the_latest_event_on_a_date_is_the_event_whose_period_holds_it(world):
    """`pairings_with_status(as_of=…)` reads a pairing's latest event on a date as the event whose stored
    period holds the date: the last event effective on or before it, in timeline order (same-day events
    and coarse dates included), or none before any."""
    from django.db.models import OuterRef, Subquery

    from tests.twinning.factories import make_pairing, record
    from twinning.constants import EventType
    from twinning.models import Event, Pairing
    from twinning.status import TIMELINE_ORDER_DESC

    def latest_on(day):  # the definition: the last event effective on or before the day, in timeline order
        return Event.objects.filter(pairing=OuterRef("pk"), effective_on__lte=day).order_by(*TIMELINE_ORDER_DESC)

    pairing = make_pairing(place_a=world.nottingham, place_b=world.bath, established="2005")
    record(pairing, EventType.REVIEW_OPENED, "2019-03")
    record(pairing, EventType.DECISION_SEVER, "2019-03-31")
    record(pairing, EventType.STATEMENT, "2019-03-31")  # the same day
    record(pairing, EventType.STATEMENT, "2019")  # effective from the year's last day
    dates = ["1950-01-01", "2005-06-01", "2019-03-30", "2019-03-31", "2019-12-31", "2021-06-01", "2022-11-02", "2030-01-01"]
    for day in map(dt.date.fromisoformat, dates):
        read = dict(pairings_with_status(as_of=day).values_list("pk", "latest_event_id"))
        latest = Subquery(latest_on(day).values("id")[:1])
        expected = dict(Pairing.objects.annotate(latest=latest).values_list("pk", "latest"))
        assert read == expected, day
    assert dict(pairings_with_status(as_of=dt.date(1950, 1, 1)).values_list("pk", "latest_event_id"))[pairing.pk] is None
