"""The pairing list's JSON rows are written by PostgreSQL (twinning.api.sqlrows): a reader must get the
same bytes as the serializer writes, in both languages, on any date, for text JSON must escape, for
coordinates, partial and circa dates, listed and unknown statuses, votes, rescissions and sources."""

from decimal import Decimal

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.sqlcsv import Unsupported
from tests.sources.factories import SourceFactory
from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning.api import views
from twinning.constants import EventType

URL = "/api/v1/pairings/"
HOSTILE = 'Say "hi" \\ back\x01\x1f\x7f\n\ttab\u2028line\u2029para 😀 /slash'


@pytest.fixture
def hostile(varied):
    """`varied` plus text JSON must escape, coordinates at the edges of how floats are written, a pairing
    only Wikidata lists and one with no status at all."""
    odd = PlaceFactory(name=HOSTILE, slug="odd", local_name="臺北\\", region='"quoted"', latitude=Decimal("0.00001"),
                       longitude=Decimal("-0.00009"))
    whole = PlaceFactory(name="Whole", slug="whole", latitude=Decimal("38.00000"), longitude=Decimal("-180.00000"))
    pairing = make_pairing(place_a=odd, place_b=whole, established="c. 1950-03",
                           source=SourceFactory(title=HOSTILE, publisher="Pub \"Q\"", url="", archive_url="https://a.example/\"x\""))
    record(pairing, EventType.DECISION_SEVER, "c. 2021", summary=HOSTILE, mover="Cllr \u2028", votes_against=0,
           source=SourceFactory(published="2020-02-01", published_precision="month", published_circa=True))
    listed = make_pairing(place_a=whole, place_b=varied.rome, established=None)
    record(listed, EventType.LISTED, "2026-05-01")
    make_pairing(place_a=odd, place_b=varied.paris, established=None)  # nothing has brought a status
    return varied


def python_rows(monkeypatch):
    """Make the list build its rows in Python (the serializer), as it does when the database cannot."""

    class Never:
        def __init__(self, **kwargs):
            raise Unsupported("for this test")

    monkeypatch.setattr(views, "PairingJSON", Never)


def written_by_database(queries) -> bool:
    """Whether the database wrote the rows: their query, or its prepared statement (core.prepared)."""
    return any("WITH b AS MATERIALIZED" in q["sql"] or q["sql"].startswith("EXECUTE tw_") for q in queries.captured_queries)


def get(api, params, *, sql: bool, monkeypatch=None, **headers):
    """The list's answer, and whether the database wrote its rows."""
    with CaptureQueriesContext(connection) as queries:
        response = api.get(URL, params, **headers)
    assert response.status_code == 200, response.content
    written = written_by_database(queries)
    assert written is sql
    return response.content


CASES = [
    {},
    {"as_of": "2021-06-01"},
    {"as_of": "2022-12-01"},
    {"as_of": "1900-01-01"},
    {"status": "listed"},
    {"ordering": "-established", "page_size": 3, "page": 2},
    {"place": "odd"},
]


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("params", CASES)
def test_the_database_writes_the_serializers_bytes(api, hostile, params, language, api_language, monkeypatch):
    api_language(language)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    params = {"page_size": 100, **params}
    by_database = get(api, params, sql=True, **headers)
    python_rows(monkeypatch)
    assert get(api, params, sql=False, **headers) == by_database
    rows = orjson.loads(by_database)["results"]
    assert rows
    if params.get("place") == "odd":
        odd = next(r for r in rows if r["place_a"]["slug"] == "odd")
        assert odd["place_a"]["name"] == HOSTILE
        assert (odd["place_a"]["latitude"], odd["place_a"]["longitude"]) == (0.00001, -0.00009)
        assert b"\\u2028" in by_database and "\u2028".encode() not in by_database  # as DRF escapes it
    if language == "zh-hant" and not params.get("as_of"):
        assert "年" in by_database.decode()


def test_listed_and_unknown_rows_read_as_the_serializer_says(api, hostile, monkeypatch):
    body = orjson.loads(get(api, {"page_size": 100}, sql=True))
    by_slug = {r["slug"]: r for r in body["results"]}
    listed = next(r for r in by_slug.values() if r["status"] == "listed")
    assert listed["status_label"] == "listed by Wikidata (snapshot 1 May 2026), not yet checked"
    unknown = next(r for r in by_slug.values() if r["place_b"]["slug"] == "paris" and r["place_a"]["slug"] == "odd")
    assert unknown["status_event"] is None and unknown["latest_event"] is None and unknown["established"] is None
    whole = next(r for r in by_slug.values() if r["place_b"]["slug"] == "whole")
    assert whole["place_b"]["latitude"] == 38.0 and b'"latitude":38.0' in orjson.dumps(whole)


def test_a_cursor_crawl_is_the_same_page_for_page(api, hostile, monkeypatch):
    def crawl(sql):
        pages, url, params = [], URL, {"paginate": "cursor", "page_size": 3}
        while url:
            with CaptureQueriesContext(connection) as queries:
                response = api.get(url, params)
            assert written_by_database(queries) is sql
            pages.append(response.content)
            url, params = orjson.loads(response.content)["next"], None
        return pages

    by_database = crawl(True)
    python_rows(monkeypatch)
    assert crawl(False) == by_database
    assert len(by_database) > 3


def test_indented_json_reads_the_database_rows_back(api, hostile, monkeypatch):
    """`; indent=2` goes through DRF's own encoder, which reads the database's rows as values."""
    headers = {"HTTP_ACCEPT": "application/json; indent=2"}
    by_database = get(api, {"page_size": 100}, sql=True, **headers)
    assert by_database.startswith(b'{\n  "count"')
    python_rows(monkeypatch)
    assert get(api, {"page_size": 100}, sql=False, **headers) == by_database


def test_outside_utc_the_rows_are_built_in_python(api, hostile, settings):
    """Timestamps are written in the site's time zone: the database writes UTC only."""
    settings.TIME_ZONE = "Asia/Taipei"
    body = orjson.loads(get(api, {}, sql=False))
    assert body["results"][0]["updated_at"].endswith("+08:00")


def test_other_formats_are_built_in_python(api, hostile):
    for params in ({"format": "csv"}, {"format": "geojson"}, {"format": "api"}):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(URL, params)
        assert response.status_code == 200
        assert not written_by_database(queries)


def test_a_page_costs_the_same_queries_whatever_its_size(api, hostile, django_assert_max_num_queries):
    for _ in range(5):
        make_pairing()
    for size in (1, 100):
        with django_assert_max_num_queries(6):
            assert api.get(URL, {"page_size": size}).status_code == 200
        with django_assert_max_num_queries(6):
            assert api.get(URL, {"page_size": size, "as_of": "2021-06-01", "paginate": "cursor"}).status_code == 200
        with django_assert_max_num_queries(6):
            assert api.get(URL, {"page_size": size, "format": "csv", "page": 2 if size == 1 else 1}).status_code == 200


def test_the_rows_query_is_prepared_once_for_every_date(api, hostile):
    """`as_of` is a parameter of the rows' query, not part of its text: one statement, planned once per
    connection, serves every date (and a connection's statements stay few)."""
    names = set()
    for as_of in ("1990-01-01", "2021-06-01", "2030-12-31", "2021-06-01"):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(URL, {"as_of": as_of})
        assert orjson.loads(response.content)["results"][0]["as_of"] == as_of
        names |= {q["sql"].split()[1].split("(")[0] for q in queries.captured_queries if "tw_" in q["sql"]}
    assert len(names) == 1


CSV_CASES = [*CASES, {"paginate": "cursor", "page_size": 2}, {"q": "Whole"}]


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("params", CSV_CASES)
def test_a_csv_page_is_the_export_lines_of_its_rows_byte_for_byte(api, hostile, params, language, api_language, monkeypatch):
    """A CSV page's lines are the export's (written by the database) for the page's rows, in the page's
    order: the same bytes as the cells the list writes in Python."""
    api_language(language)
    params = {"page_size": 100, **params, "format": "csv"}
    headers = {"HTTP_ACCEPT_LANGUAGE": language}

    def page():
        with CaptureQueriesContext(connection) as queries:
            response = api.get(URL, params, **headers)
        assert response.status_code == 200, response.content
        # The lines' query, as text the first time a connection runs it, then as its prepared statement.
        return response.content, any("concat_ws" in q["sql"] or "EXECUTE tw_" in q["sql"] for q in queries.captured_queries)

    by_database, written = page()
    assert written
    monkeypatch.setattr(views.PairingExport, "csv_sql", lambda self, sql: (_ for _ in ()).throw(Unsupported("test")))
    by_python, written = page()
    assert not written
    assert by_database == by_python
    assert by_database.count(b"\r\n") > 1  # a header and rows
    if params.get("place") == "odd":
        assert HOSTILE.replace('"', '""').encode() in by_database
