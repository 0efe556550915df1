"""/api/v1/pairings/export/: every matching pairing in one streamed CSV or GeoJSON download, the same
rows and columns as the list's pages, read a chunk at a time."""

import csv
import io
import json

import pytest

from tests.twinning.factories import PlaceFactory, make_pairing
from twinning.api.serializers import PAIRING_CSV_COLUMNS
from twinning.api.views import PairingViewSet

URL = "/api/v1/pairings/export/"


def streamed(response) -> bytes:
    assert response.streaming, "the export is streamed, not built in memory"
    return b"".join(response.streaming_content)


def csv_of(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_csv_has_every_row_the_pages_have(api, world):
    response = api.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="pairings.csv"' in response["Content-Disposition"]
    rows = csv_of(streamed(response))
    assert rows[0] == list(PAIRING_CSV_COLUMNS)
    paged = list(csv.reader(io.StringIO(api.get("/api/v1/pairings/", {"format": "csv"}).content.decode("utf-8-sig"))))
    assert sorted(rows[1:]) == sorted(paged[1:])
    assert len(rows) == 7
    assert [int(r[0]) for r in rows[1:]] == sorted(int(r[0]) for r in rows[1:])  # id order


def test_export_takes_the_list_filters_and_as_of(api, world):
    rows = csv_of(streamed(api.get(URL, {"status": "severed", "country": "CN"})))
    assert {r[1] for r in rows[1:]} == {"newcastle-upon-tyne-taiyuan", "bath-jiangxi"}
    status = rows[0].index("status")
    on_date = csv_of(streamed(api.get(URL, {"as_of": "2021-06-01", "place": "rescindton"})))
    assert [r[status] for r in on_date[1:]] == ["severed"]  # severed then, active again after the rescission


def test_export_follows_ordering_when_given(api, world):
    rows = csv_of(streamed(api.get(URL, {"ordering": "-established"})))
    established = rows[0].index("established_date")
    assert [r[established][:4] for r in rows[1:]] == ["2009", "2005", "2004", "1990", "1985", "1956"]


def test_export_refuses_unknown_and_paging_parameters(api, world):
    for params in ({"stauts": "severed"}, {"page": "2"}):
        response = api.get(URL, params)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/csv")


def test_export_geojson_is_the_lists_features(api, world):
    response = api.get(URL, {"format": "geojson"})
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(streamed(response))
    paged = api.get("/api/v1/pairings/", {"format": "geojson"}).json()
    assert body["type"] == "FeatureCollection"
    assert sorted(body["features"], key=lambda f: f["id"]) == sorted(paged["features"], key=lambda f: f["id"])
    [line] = [f for f in body["features"] if f["properties"]["slug"] == "newcastle-upon-tyne-taiyuan"]
    assert line["geometry"]["coordinates"] == [[-1.61396, 54.97328], [112.56028, 37.86944]]


def test_export_neutralises_formulas(api, world):
    make_pairing(place_a=PlaceFactory(name="=HYPERLINK(\"http://x\")", slug="formula"), place_b=world.rome)
    rows = csv_of(streamed(api.get(URL, {"place": "formula"})))
    assert rows[1][rows[0].index("place_a_name")] == "'=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("chunk", [1, 4, 2000])
def test_export_reads_in_chunks_without_gaps_or_repeats(api, world, monkeypatch, chunk, django_assert_max_num_queries):
    for _ in range(7):
        make_pairing()
    monkeypatch.setattr(PairingViewSet, "EXPORT_CHUNK", chunk)
    response = api.get(URL)
    chunks = -(-13 // chunk)
    with django_assert_max_num_queries(3 + 2 * chunks):  # the cursor's fetches, then two per chunk for the events
        rows = csv_of(streamed(response))
    ids = [r[0] for r in rows[1:]]
    assert len(ids) == 13 == len(set(ids))


def test_a_refused_geojson_export_matches_the_error_shape_the_schema_documents(api, world):
    """Found by scripts/fuzz-api (ST108): the 400 of `format=geojson` is the errors by parameter, and
    the schema documented it as a FeatureCollection."""
    import jsonschema

    response = api.get(URL, {"format": "geojson", "country": "n"})
    assert response.status_code == 400 and response["Content-Type"].startswith("application/geo+json")
    body = json.loads(response.content)
    assert "country" in body
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    documented = schema["paths"][URL]["get"]["responses"]["400"]["content"]["application/geo+json"]["schema"]
    jsonschema.validate(body, documented)
