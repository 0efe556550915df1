"""Events, places, agreements and stats: their filters keep the right rows and drop the others."""

import pytest

from tests.api_helpers import results
from twinning import services


def pairing_slugs_of_events(response):
    return sorted((r["pairing"]["slug"], r["event_type"]) for r in results(response))


@pytest.mark.parametrize(
    "query, expected",
    [
        ("type=decision_sever&country=GB", [
            ("bath-jiangxi", "decision_sever"), ("newcastle-upon-tyne-taiyuan", "decision_sever"),
            ("nottingham-krasnodar", "decision_sever"), ("rescindton-xian", "decision_sever")]),
        ("type=decision_sever&date_after=2022-04", [
            ("bath-jiangxi", "decision_sever"), ("newcastle-upon-tyne-taiyuan", "decision_sever")]),
        ("type=decision_sever&date_before=2021", [("rescindton-xian", "decision_sever")]),
        ("has_vote=true", [
            ("bath-jiangxi", "decision_sever"), ("newcastle-upon-tyne-taiyuan", "decision_sever"),
            ("rescindton-xian", "decision_sever")]),
        ("pairing=nottingham-ningbo&has_vote=false", [
            ("nottingham-ningbo", "decision_retain"), ("nottingham-ningbo", "established"), ("nottingham-ningbo", "review_opened")]),
        ("body=cabinet&body=leader", [("nottingham-krasnodar", "decision_sever"), ("nottingham-ningbo", "decision_retain")]),
        ("outcome=retained", [("nottingham-ningbo", "decision_retain")]),
        ("place=rescindton&type=decision_rescinded", [("rescindton-xian", "decision_rescinded")]),
        ("country=IT&type=visit", [("paris-rome", "visit")]),
        ("q=Wendy", [("newcastle-upon-tyne-taiyuan", "decision_sever")]),
    ],
)
def test_event_filters(api, world, query, expected):
    assert pairing_slugs_of_events(api.get(f"/api/v1/events/?{query}")) == expected


def test_events_are_in_timeline_order_and_carry_decision_details(api, world):
    rows = results(api.get("/api/v1/events/", {"pairing": world.rescindton_xian.pk}))
    assert [(r["event_type"], r["status_after"]) for r in rows] == [
        ("established", "active"), ("decision_sever", "severed"), ("decision_rescinded", "active"),
    ]
    assert rows[1]["votes_for"] == 20 and rows[1]["votes_against"] == 19 and rows[1]["has_vote"] is True
    assert rows[2]["rescinds"] == rows[1]["id"]


def test_place_filters_and_identifiers(api, world):
    services.place_identifier_set(place=world.taiyuan, scheme="wikidata", value="Q62002")

    def slugs(**params):
        return {r["slug"] for r in results(api.get("/api/v1/places/", params))}

    assert slugs(country="cn", region="shanxi") == {"taiyuan"}
    assert slugs(kind="province") == {"jiangxi"}
    assert slugs(q="宁波") == {"ningbo"}
    assert slugs(identifier="wikidata:Q62002") == {"taiyuan"}
    row = api.get("/api/v1/places/taiyuan/").json()
    assert row["identifiers"] == [{"scheme": "wikidata", "value": "Q62002"}] and row["pairing_count"] == 1


def test_agreement_filters(api, world):
    from core.partialdates import PartialDate

    charter = services.agreement_record(pairing=world.paris_rome, kind="charter", signed=PartialDate.parse("1956-01-30"))
    mou = services.agreement_record(pairing=world.bath_jiangxi, kind="mou", signed=PartialDate.parse("2009-10"),
                                    renewal_due=PartialDate.parse("2014"))

    def ids(**params):
        return {r["id"] for r in results(api.get("/api/v1/agreements/", params))}

    assert ids(kind="charter") == {charter.pk}
    assert ids(signed_after="2000") == {mou.pk}
    assert ids(renewal_due_before="2015") == {mou.pk}
    assert ids(pairing="paris-rome") == {charter.pk}
    assert results(api.get("/api/v1/agreements/", {"pairing": "bath-jiangxi"}))[0]["renewal_due"]["display"] == "2014"


def test_stats(api, world):
    stats = api.get("/api/v1/stats/").json()
    assert stats["pairings"] == 6 and stats["pairings_by_status"]["severed"] == 3
    assert stats["pairings_by_status"]["retained"] == 1 and stats["pairings_by_status"]["active"] == 2
    gb = next(c for c in stats["countries"] if c["country"] == "GB")
    assert gb == {"country": "GB", "pairings": 5, "severed": 3, "verified": 5, "listed": 0}
    assert stats["pairings_by_evidence"] == {"verified": 6, "listed": 0, "unknown": 0}
    # Three councils' decisions, one pairing each.
    assert {"year": 2022, "event_type": "decision_sever", "count": 3, "events": 3, "pairings": 3} in stats["decisions_by_year"]
    assert stats["years"] == list(range(stats["years"][0], stats["years"][-1] + 1))
