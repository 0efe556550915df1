"""Statistics (issue 11 item 5, issue 9): decisions counted as decisions, every year on the axis,
verified vs listed, aligned tables, the numbers downloadable as CSV, cached with invalidation."""

import csv
import io
import re

import pytest

from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning.constants import Actor, Body, EventType

pytestmark = pytest.mark.django_db


@pytest.fixture
def wakefield(db):
    """Wakefield's one vote (September 2020, the leader) to withdraw from Nanning and Xiangyang;
    Newcastle's own vote in 2022; nothing in 2021."""
    wakefield = PlaceFactory(name="Wakefield", latitude="53.68", longitude="-1.5")
    nanning = PlaceFactory(name="Nanning", country="CN", latitude="22.8", longitude="108.3")
    xiangyang = PlaceFactory(name="Xiangyang", country="CN", latitude="32.0", longitude="112.1")
    for twin in (nanning, xiangyang):
        record(make_pairing(place_a=wakefield, place_b=twin, established="2019"), EventType.DECISION_SEVER, "2020-09",
               actor=Actor.SIDE_A, body=Body.LEADER)
    newcastle = make_pairing(place_a=PlaceFactory(name="Newcastle"), place_b=PlaceFactory(country="CN"), established="1985")
    record(newcastle, EventType.DECISION_SEVER, "2022-11-02", actor=Actor.SIDE_A, body=Body.FULL_COUNCIL)


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_one_vote_covering_two_pairings_is_one_decision(client, wakefield):
    years = {row["label"]: row for row in client.get("/stats/").context["years"]["rows"]}
    assert years["2020"]["counts"] == {"decision_sever": 1} and years["2020"]["events"] == 2
    api = client.get("/api/v1/stats/").json()
    assert {"year": 2020, "event_type": "decision_sever", "count": 1, "events": 2, "pairings": 2} in api["decisions_by_year"]
    assert "same council on the same date" in client.get("/stats/").content.decode()


def test_the_same_date_but_another_council_is_another_decision(client, wakefield):
    other = make_pairing(place_a=PlaceFactory(name="Bath"), place_b=PlaceFactory(country="CN"))
    record(other, EventType.DECISION_SEVER, "2020-09", actor=Actor.SIDE_A, body=Body.LEADER)
    api = client.get("/api/v1/stats/").json()
    assert {"year": 2020, "event_type": "decision_sever", "count": 2, "events": 3, "pairings": 3} in api["decisions_by_year"]


def test_every_year_is_on_the_axis_zero_years_included(client, wakefield):
    response = client.get("/stats/")
    assert [row["label"] for row in response.context["years"]["rows"]] == ["2020", "2021", "2022"]
    assert re.search(r'<th scope="row">2021</th><td class="num">0</td>', response.content.decode())
    assert client.get("/api/v1/stats/").json()["years"] == [2020, 2021, 2022]
    table = rows_of(client.get("/stats/decisions-per-year.csv"))
    assert table[0][0] == "year" and [r[0] for r in table[1:]] == ["2020", "2021", "2022"]
    header = table[0]
    by_year = {r[0]: dict(zip(header, r, strict=True)) for r in table[1:]}
    assert by_year["2021"]["decisions"] == "0" and by_year["2020"]["decisions"] == "1" and by_year["2020"]["decision_events"] == "2"


def test_numbers_are_right_aligned_under_right_aligned_headings(client, wakefield):
    html = client.get("/stats/").content.decode()
    for table in re.findall(r"<table.*?</table>", html, re.S):
        heads = re.findall(r'<th scope="col"( class="num")?>', table)
        cells = re.findall(r"<td( class=\"num\")?>\d+</td>", table)
        assert heads[0] == "" and all(h == ' class="num"' for h in heads[1:])
        assert cells and all(c == ' class="num"' for c in cells)


def test_verified_and_listed_are_counted_apart_and_downloadable(client, wakefield):
    listed = make_pairing(place_a=PlaceFactory(country="DE"), place_b=PlaceFactory(country="JP"), established=None)
    record(listed, EventType.LISTED, "2026-05-01")
    response = client.get("/stats/")
    assert response.context["evidence"] == {"verified": 3, "listed": 1, "unknown": 0}
    countries = {r[0]: r for r in rows_of(client.get("/stats/pairings-by-country.csv"))}
    header = countries.pop("country")
    assert dict(zip(header, countries["DE"], strict=True))["listed"] == "1"
    assert dict(zip(header, countries["GB"], strict=True))["verified"] == "3"
    evidence = rows_of(client.get("/stats/pairings-by-evidence.csv"))
    assert evidence[0] == ["status", "verified", "listed"] and ["listed", "0", "1"] in evidence and ["severed", "3", "0"] in evidence
    assert client.get("/stats/nothing.csv").status_code == 404
    html = response.content.decode()
    for name in ("decisions-per-year", "pairings-by-country", "pairings-by-evidence"):
        assert f'href="/stats/{name}.csv"' in html


def test_stats_are_cached_and_a_new_decision_counts_at_once(client, wakefield, django_assert_max_num_queries):
    client.get("/stats/")
    with django_assert_max_num_queries(1):
        client.get("/stats/")
    with django_assert_max_num_queries(1):
        client.get("/api/v1/stats/")
    later = make_pairing(place_a=PlaceFactory(name="Sheffield"), place_b=PlaceFactory(country="CN"))
    record(later, EventType.DECISION_RETAIN, "2024-05", actor=Actor.SIDE_A)
    years = client.get("/api/v1/stats/").json()["years"]
    assert years == [2020, 2021, 2022, 2023, 2024]


def test_stats_stay_within_ten_queries(client, django_assert_max_num_queries):
    hub = PlaceFactory(name="Hub")
    for i in range(25):
        p = make_pairing(place_a=hub, place_b=PlaceFactory(country="CN" if i % 2 else "FR"))
        record(p, EventType.DECISION_SEVER, f"{2000 + i}", actor=Actor.SIDE_A)
    for url in ("/stats/", "/api/v1/stats/", "/stats/pairings-by-country.csv"):
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
