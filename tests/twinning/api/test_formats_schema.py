"""CSV with fixed headers on every list; the OpenAPI schema generates, validates and documents every
filter; the docs page renders from packaged assets only."""

import csv
import io

import pytest
from django.core.management import call_command

from sources.api.serializers import SOURCE_CSV_COLUMNS
from twinning.api.serializers import AGREEMENT_CSV_COLUMNS, PAIRING_CSV_COLUMNS, PLACE_CSV_COLUMNS

PAIRING_HEADER = (
    "id,slug,url,relationship,status,status_since,status_since_date,status_since_precision,status_since_circa,as_of,"
    "established,established_date,established_precision,established_circa,ended,ended_date,ended_precision,ended_circa,"
    "place_a_id,place_a_slug,place_a_name,place_a_local_name,place_a_country,place_a_region,place_a_kind,"
    "place_a_latitude,place_a_longitude,place_b_id,place_b_slug,place_b_name,place_b_local_name,place_b_country,"
    "place_b_region,place_b_kind,place_b_latitude,place_b_longitude,status_event_id,status_event_type,"
    "status_event_date,status_event_date_date,status_event_date_precision,status_event_date_circa,status_event_actor,"
    "status_event_body,status_event_mover,status_event_mover_party,status_event_seconder,status_event_seconder_party,"
    "status_event_votes_for,status_event_votes_against,status_event_abstentions,status_event_unanimous,"
    "status_event_source_urls,latest_event_id,latest_event_type,latest_event_date,latest_event_date_date,"
    "latest_event_date_precision,latest_event_date_circa,source_count,confidence,updated_at"
)
EVENT_HEADER = (
    "id,pairing_id,pairing_slug,place_a,place_a_country,place_b,place_b_country,event_type,date,date_date,"
    "date_precision,date_circa,status_after,actor,body,summary,mover,mover_party,seconder,seconder_party,votes_for,"
    "votes_against,abstentions,unanimous,casting_vote,confidence,source_ids,source_urls,updated_at"
)


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())  # spreadsheets then read 太原 correctly
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_pairing_csv_header_is_fixed_and_rows_are_flat(api, world):
    rows = read_csv(api.get("/api/v1/pairings/", {"format": "csv", "place": "newcastle-upon-tyne"}))
    assert ",".join(rows[0]) == PAIRING_HEADER == ",".join(PAIRING_CSV_COLUMNS)
    row = dict(zip(rows[0], rows[1]))
    assert row["status"] == "severed"
    assert (row["status_since"], row["status_since_date"], row["status_since_precision"]) == ("2 November 2022", "2022-11-02", "day")
    assert row["established"] == "1985" and row["established_circa"] == "false"
    assert row["place_b_local_name"] == "太原"
    assert (row["status_event_type"], row["status_event_unanimous"], row["status_event_mover"]) == (
        "decision_sever", "true", "Cllr Wendy Taylor")
    assert row["status_event_source_urls"].startswith("https://news.example.org/")
    assert row["latest_event_type"] == "decision_sever"
    # same columns through the Accept header, and also when nothing matches
    empty = read_csv(api.get("/api/v1/pairings/", {"status": "dormant"}, HTTP_ACCEPT="text/csv"))
    assert empty == [PAIRING_HEADER.split(",")]


def test_event_csv_header_is_fixed(api, world):
    rows = read_csv(api.get("/api/v1/events/", {"format": "csv", "type": "decision_sever", "pairing": "bath-jiangxi"}))
    assert ",".join(rows[0]) == EVENT_HEADER
    row = dict(zip(rows[0], rows[1]))
    assert (row["date"], row["date_precision"], row["votes_for"], row["votes_against"]) == ("November 2022", "month", "40", "10")


@pytest.mark.parametrize(
    "resource, columns",
    [("places", PLACE_CSV_COLUMNS), ("agreements", AGREEMENT_CSV_COLUMNS), ("sources", SOURCE_CSV_COLUMNS)],
)
def test_other_csv_headers(api, world, resource, columns):
    assert read_csv(api.get(f"/api/v1/{resource}/", {"format": "csv"}))[0] == list(columns)


@pytest.mark.parametrize("resource", ["campaigns", "organisations", "petitions"])
def test_campaign_csv_headers(api, world, resource):
    header = read_csv(api.get(f"/api/v1/{resource}/", HTTP_ACCEPT="text/csv"))[0]
    assert header[:2] == ["id", "slug" if resource != "petitions" else "title"] and header[-1] == "updated_at"


def test_csv_neutralises_spreadsheet_formulas(api, world, curator):
    from twinning import services

    services.event_update(world.paris_rome.events.last(), summary="=HYPERLINK(\"http://evil\")", reason="test")
    rows = read_csv(api.get("/api/v1/events/", {"format": "csv", "pairing": "paris-rome", "type": "visit"}))
    assert dict(zip(rows[0], rows[1]))["summary"] == "'=HYPERLINK(\"http://evil\")"


def test_schema_generates_and_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "PartialDate:" in text


@pytest.mark.django_db
def test_schema_documents_every_filter_with_a_description_and_an_example(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    pairings = {p["name"]: p for p in schema["paths"]["/api/v1/pairings/"]["get"]["parameters"]}
    expected = {
        "status", "relationship", "country", "countries", "place", "region", "established_after", "established_before",
        "status_changed_after", "status_changed_before", "event_type", "campaign", "q", "updated_since", "as_of",
        "ordering", "format", "page", "page_size", "paginate", "cursor",
    }
    assert set(pairings) == expected
    for name, parameter in pairings.items():
        if name != "cursor":
            assert parameter.get("description") and "example" in parameter, name
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] not in ("cursor", "format", "reason"):
                    assert parameter.get("description"), (path, method, parameter["name"])
    partial = schema["components"]["schemas"]["PartialDate"]
    assert set(partial["properties"]) == {"date", "precision", "circa", "display"}
    assert "Getting started" in schema["info"]["description"]
    assert "countries=GB,CN&status=severed" in schema["info"]["description"]


@pytest.mark.django_db
def test_docs_render_from_packaged_assets_without_a_cdn(api):
    html = api.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower() and "jsdelivr" not in html.lower()
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


@pytest.mark.django_db
def test_every_documented_example_is_an_allowed_value(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    checked = 0
    for path, item in schema["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if "example" not in parameter:
                    continue
                spec = parameter["schema"]
                enum = spec.get("enum") or spec.get("items", {}).get("enum")
                if enum:
                    examples = parameter["example"] if isinstance(parameter["example"], list) else [parameter["example"]]
                    assert set(examples) <= set(enum), (path, parameter["name"], examples)
                    checked += 1
    assert checked > 20
