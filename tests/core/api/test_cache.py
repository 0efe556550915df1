"""Anonymous API reads come from the cache until the register changes; nobody ever gets a stale answer."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.core.factories import api_token_key
from tests.twinning.factories import make_pairing, record
from twinning.constants import EventType

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairing():
    pairing = make_pairing()
    for _ in range(3):
        make_pairing()
    return pairing


def test_a_repeated_anonymous_read_is_served_from_the_cache_identically(api, pairing, django_assert_max_num_queries):
    first = api.get("/api/v1/pairings/", {"page_size": 2})
    assert first.status_code == 200 and first.json()["count"] == 4
    with django_assert_max_num_queries(1):  # the register's version, nothing else
        again = api.get("/api/v1/pairings/", {"page_size": 2})
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Link"] == first["Link"] and "page=2" in again["Link"]
    assert again["ETag"] == first["ETag"]
    assert "Accept" in again["Vary"]
    assert api.get("/api/v1/pairings/", {"page_size": 2}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    detail = api.get(f"/api/v1/pairings/{pairing.pk}/")
    assert detail.status_code == 200 and detail.json()["id"] == pairing.pk
    with django_assert_max_num_queries(1):
        assert api.get(f"/api/v1/pairings/{pairing.pk}/").content == detail.content


def test_a_write_is_seen_by_the_next_read(api, pairing, curator):
    before = api.get(f"/api/v1/pairings/{pairing.pk}/").json()
    listed = api.get("/api/v1/pairings/", {"status": "severed"}).json()
    assert before["status"] != "severed" and listed["count"] == 0
    record(pairing, EventType.DECISION_SEVER, "2022-11-02", user=curator)
    assert api.get(f"/api/v1/pairings/{pairing.pk}/").json()["status"] == "severed"
    assert api.get("/api/v1/pairings/", {"status": "severed"}).json()["count"] == 1


def test_each_format_has_its_own_entry(api, pairing):
    json_body = api.get("/api/v1/pairings/").json()
    csv_response = api.get("/api/v1/pairings/", {"format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode("utf-8-sig").startswith("id,")
    assert api.get("/api/v1/pairings/").json() == json_body
    geojson = api.get("/api/v1/pairings/", HTTP_ACCEPT="application/geo+json")
    assert geojson["Content-Type"].startswith("application/geo+json") and len(geojson.json()["features"]) == 4


def test_signed_in_readers_are_never_served_from_the_cache(api, pairing, curator):
    api.get("/api/v1/pairings/")  # cached for anonymous readers
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(curator)}")
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/pairings/").status_code == 200
        assert any("twinning_pairing" in q["sql"] for q in queries.captured_queries)  # computed, every time


@override_settings(
    REST_FRAMEWORK={**__import__("django.conf").conf.settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "5/minute"}}
)
def test_throttles_still_count_cached_reads(api, pairing):
    assert api.get("/api/v1/pairings/").status_code == 200
    assert api.get("/api/v1/pairings/").status_code == 200
    assert api.get("/api/v1/pairings/").status_code == 429


def test_errors_are_not_cached(api, pairing):
    assert api.get("/api/v1/pairings/", {"status": "nonsense"}).status_code == 400
    assert api.get("/api/v1/pairings/", {"status": "nonsense"}).status_code == 400
    assert api.get("/api/v1/pairings/999999/").status_code == 404


def test_large_answers_are_not_kept(api, pairing, monkeypatch):
    from core.api import cache as response_cache

    monkeypatch.setattr(response_cache, "RESPONSE_CACHE_MAX_BYTES", 100)
    api.get("/api/v1/pairings/")
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/pairings/").status_code == 200
    assert any("twinning_pairing" in q["sql"] for q in queries.captured_queries)  # computed again


def test_anonymous_answers_may_be_kept_by_a_cdn_briefly_and_signed_in_ones_stay_private(api, pairing, curator):
    anonymous = api.get("/api/v1/pairings/")
    assert "public" in anonymous["Cache-Control"] and "max-age=60" in anonymous["Cache-Control"]
    assert "stale-while-revalidate=300" in anonymous["Cache-Control"]
    assert {"Authorization", "Cookie", "Accept"} <= {v.strip() for v in anonymous["Vary"].split(",")}
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(curator)}")
    signed_in = api.get(f"/api/v1/pairings/{pairing.pk}/")
    assert "private" in signed_in["Cache-Control"] and "public" not in signed_in["Cache-Control"]
