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
    with django_assert_max_num_queries(5):  # one query whatever the chunks (and the transaction's settings)
        rows = csv_of(streamed(response))
    ids = [r[0] for r in rows[1:]]
    assert len(ids) == 13 == len(set(ids))


# --- The lean export path gives the serializer path's bytes ---------------------------------------


@pytest.fixture
def varied(world):
    """The world plus the awkward cases: formula-like names and sources, Chinese local names, a place
    without coordinates, negative coordinates, partial and circa dates, a decision with votes whose
    sources are cited with and without URLs, one citing several."""
    from decimal import Decimal

    from tests.sources.factories import SourceFactory
    from tests.twinning.factories import record

    formula = PlaceFactory(name='=HYPERLINK("http://x")', slug="formula", local_name="太原", region="-Region", latitude=None,
                           longitude=None)
    minus = PlaceFactory(name="-2+3", slug="minus", local_name="寧波", country="CN", region="@Shanxi",
                         latitude=Decimal("-33.86785"), longitude=Decimal("151.20730"))
    tab = PlaceFactory(name="\tTab town", slug="tab", latitude=Decimal("51.50000"), longitude=Decimal("-0.12000"))
    one = make_pairing(place_a=formula, place_b=minus, established="c. 1987")
    record(one, "review_opened", "2021-03", mover="=cmd|' /C calc'!A0")
    record(one, "decision_sever", "2022-11-02", source=SourceFactory(url="", title="=council minutes"), actor="side_a",
           body="full_council", mover="+Cllr Smith", mover_party="-Party", seconder="@Jones", seconder_party="Greens",
           votes_for=30, votes_against=2, abstentions=1)
    two = make_pairing(place_a=tab, place_b=minus, established="1999-07")
    # cited in an order that is neither the sources' nor their URLs'
    b, c, a = (SourceFactory(url=f"https://{x}.example/") for x in "bca")
    record(two, "decision_retain", "c. 2020", sources=[c, a, b], unanimous=True, votes_for=12)
    make_pairing(place_a=tab, place_b=formula, established="")
    return world


EQUIVALENCE_CASES = [
    {},
    {"as_of": "2021-06-01"},
    {"as_of": "2022-12-01"},
    {"as_of": "1900-01-01"},
    {"status": "severed"},
    {"as_of": "2021-06-01", "country": "CN"},
    {"place": "minus"},
]


def list_csv(api, params, **headers) -> dict[str, list[str]]:
    """The list's CSV rows (the serializer path) by id, and its header."""
    response = api.get("/api/v1/pairings/", {**params, "format": "csv", "page_size": 100}, **headers)
    assert response.status_code == 200, response.content
    rows = csv_of(response.content)
    return rows[0], {row[0]: row for row in rows[1:]}


@pytest.fixture
def api_language(settings):
    """Set the API's language (LANGUAGE_CODE: the pages carry theirs in the URL) for one test. URL
    reversal caches what it computed under the changed default language, so they are cleared before
    and after (later tests would otherwise reverse zh-Hant pages without their /zh-hant/ prefix)."""
    from django.urls import clear_url_caches

    from twinning.api import serializers

    def use(language):
        settings.LANGUAGE_CODE = language
        clear_url_caches()
        serializers._PAIRING_PATHS.clear()

    yield use
    clear_url_caches()
    serializers._PAIRING_PATHS.clear()


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("params", EQUIVALENCE_CASES)
def test_export_csv_is_the_serializer_paths_row_for_row(api, varied, params, language, api_language):
    api_language(language)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    body = streamed(api.get(URL, params, **headers))
    rows = csv_of(body)
    header, paged = list_csv(api, params, **headers)
    assert rows[0] == header == list(PAIRING_CSV_COLUMNS)
    assert len(rows) - 1 == len(paged) and paged
    if language == "zh-hant" and "as_of" not in params:
        assert "年" in body.decode()  # the dates' display text is in the reader's language
    for row in rows[1:]:
        assert row == paged[row[0]], dict(zip(header, row, strict=True))
    # and byte for byte: the list's CSV of the same rows, in the export's (id) order
    listed = api.get("/api/v1/pairings/", {**params, "format": "csv", "page_size": 100}, **headers).content
    lines = listed.decode("utf-8-sig").split("\r\n")
    by_id = {line.split(",", 1)[0]: line for line in lines[1:] if line}
    expected = "\ufeff" + "\r\n".join([lines[0], *(by_id[r[0]] for r in rows[1:])]) + "\r\n"
    assert body.decode("utf-8") == expected


@pytest.mark.parametrize("params", [{}, {"as_of": "2021-06-01"}])
def test_the_database_writes_the_lines_and_python_writes_the_same_when_it_cannot(api, varied, params, monkeypatch):
    """The CSV lines come from PostgreSQL (core.sqlcsv); where it cannot write them exactly, Python
    writes the same bytes cell by cell."""
    from core.sqlcsv import Unsupported
    from twinning.api.serializers import PairingExport

    def unused(self, row):
        raise AssertionError("the cells were built in Python")

    with monkeypatch.context() as patch:
        patch.setattr(PairingExport, "csv_cells", unused)
        by_database = streamed(api.get(URL, params))

    def cannot(self, sql):
        raise Unsupported("for this test")

    monkeypatch.setattr(PairingExport, "csv_sql", cannot)
    assert streamed(api.get(URL, params)) == by_database
    from twinning.models import Pairing

    assert by_database.count(b"\r\n") == 1 + Pairing.objects.count() > 5  # the header, then every pairing


def test_an_export_outside_utc_gives_the_lists_times(api, varied, settings):
    """Timestamps are written in the site's time zone: the database writes UTC only, so another zone is
    written in Python, with the list's text."""
    settings.TIME_ZONE = "Asia/Taipei"
    rows = csv_of(streamed(api.get(URL)))
    header, paged = list_csv(api, {})
    assert rows[1:] and all(row == paged[row[0]] for row in rows[1:])
    assert rows[1][header.index("updated_at")].endswith("+08:00")


def test_export_csv_neutralises_every_text_cell(api, varied):
    rows = csv_of(streamed(api.get(URL, {"place": "minus"})))
    header = rows[0]
    by_slug = {r[header.index("slug")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    [one] = [r for r in by_slug.values() if r["place_a_slug"] == "formula"]
    assert one["place_a_name"] == "'=HYPERLINK(\"http://x\")"
    assert one["place_a_local_name"] == "太原"
    assert one["place_a_latitude"] == one["place_a_longitude"] == ""
    assert one["place_b_name"] == "'-2+3" and one["place_b_region"] == "'@Shanxi"
    assert one["place_b_latitude"] == "-33.86785" and one["place_b_longitude"] == "151.2073"
    assert one["established"] == "c. 1987" and one["established_circa"] == "true"
    assert one["status"] == "severed" and one["ended_date"] == "2022-11-02"
    assert one["status_event_mover"] == "'+Cllr Smith" and one["status_event_seconder"] == "'@Jones"
    assert one["status_event_votes_for"] == "30" and one["status_event_unanimous"] == "false"
    assert one["status_event_source_urls"] == "'=council minutes"


@pytest.mark.parametrize("params", [{}, {"as_of": "2021-06-01"}, {"status": "retained"}])
def test_export_geojson_is_the_serializer_paths_features(api, varied, params, api_language):
    api_language("zh-hant")
    headers = {"HTTP_ACCEPT_LANGUAGE": "zh-hant"}
    body = json.loads(streamed(api.get(URL, {**params, "format": "geojson"}, **headers)))
    paged = api.get("/api/v1/pairings/", {**params, "format": "geojson", "page_size": 100}, **headers).json()
    assert body["features"] == sorted(paged["features"], key=lambda f: f["id"])
    assert body["features"]


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


@pytest.mark.parametrize("params", [{"q": "0"}, {"q": "zzzzqqqq"}, {"q": "zzzzqqqq", "as_of": "2020-01-01"}])
def test_an_export_matching_nothing_is_the_header_alone(api, world, params):
    """A filter that can match nothing (a search finding no place) streams the header, not a broken
    stream (schemathesis found `?q=0` cut off mid-response)."""
    response = api.get("/api/v1/pairings/export/", params)
    assert response.status_code == 200
    rows = csv_of(b"".join(response.streaming_content))
    assert rows == [list(PAIRING_CSV_COLUMNS)]
    geojson = api.get("/api/v1/pairings/export/", {**params, "format": "geojson"})
    assert json.loads(b"".join(geojson.streaming_content))["features"] == []
