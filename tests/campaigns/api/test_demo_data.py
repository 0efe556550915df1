"""The issue's "done when", against the real demo data (`manage.py load_demo`)."""

import csv
import io

import pytest
from django.core.management import call_command

SEVERED_UK_CHINA = {
    frozenset({"Newcastle upon Tyne", "Taiyuan"}),
    frozenset({"Bath and North East Somerset", "Jiangxi Province"}),
    frozenset({"Bath and North East Somerset", "Jingdezhen"}),
    frozenset({"Wakefield", "Nanning"}),
    frozenset({"Wakefield", "Xiangyang"}),
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def pair(row):
    return frozenset({row["place_a"]["name"], row["place_b"]["name"]})


def test_uk_china_severed_pairings_with_their_decisions_and_sources(api, db, demo):
    response = api.get("/api/v1/pairings/", {"countries": "GB,CN", "status": "severed"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {pair(r) for r in rows} == SEVERED_UK_CHINA
    for row in rows:
        decision = row["status_event"]
        assert decision["event_type"] == "decision_sever", pair(row)
        assert decision["sources"], pair(row)
        assert row["ended"]["date"] >= "2020-09-01"
    newcastle = next(r for r in rows if "Taiyuan" in pair(r))
    assert newcastle["status_event"]["unanimous"] is True
    assert newcastle["status_event"]["date"]["display"] == "2 November 2022"
    assert newcastle["place_b"]["local_name"] == "太原"


def test_as_of_2022_newcastle_taiyuan_was_active(api, db, demo):
    rows = api.get("/api/v1/pairings/", {"countries": "GB,CN", "as_of": "2022-01-01"}).json()["results"]
    by_pair = {pair(r): r for r in rows}
    newcastle = by_pair[frozenset({"Newcastle upon Tyne", "Taiyuan"})]
    assert newcastle["status"] == "active" and newcastle["ended"] is None
    severed_then = api.get("/api/v1/pairings/", {"countries": "GB,CN", "status": "severed", "as_of": "2022-01-01"}).json()
    assert {pair(r) for r in severed_then["results"]} == {
        frozenset({"Wakefield", "Nanning"}), frozenset({"Wakefield", "Xiangyang"}),
    }


def test_csv_of_the_demo_opens_cleanly(api, db, demo):
    response = api.get("/api/v1/pairings/", {"countries": "GB,CN", "status": "severed", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5
    assert all(len(r) == len(rows[0]) and None not in r for r in rows)  # no ragged rows
    assert {r["status_event_type"] for r in rows} == {"decision_sever"}
