"""Issue 12 item 6: no CSV the project writes can carry a spreadsheet formula (OWASP CSV injection),
while numbers, negative ones included, stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.api.renderers import csv_cell
from tests.twinning.factories import PlaceFactory

FORMULAS = ["=1+1", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_starting_like_a_formula_is_neutralised(text):
    assert csv_cell(text) == "'" + text
    assert csv_cell([text]) == "'" + text


@pytest.mark.parametrize("value, cell", [(-3.5, "-3.5"), (-12, "-12"), (Decimal("-0.118"), "-0.118"), (7, "7"), (True, "true")])
def test_numbers_stay_numbers(value, cell):
    assert csv_cell(value) == cell


def test_ordinary_text_is_unchanged():
    assert csv_cell("Newcastle upon Tyne") == "Newcastle upon Tyne"
    assert csv_cell("a-b = c") == "a-b = c"


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_api_csv_neutralises_a_hostile_name_and_keeps_a_negative_longitude(api):
    PlaceFactory(name="-2+3+cmd|' /C calc'!A0", region="@SUM(1)", longitude=Decimal("-1.6178"), latitude=Decimal("54.97"))
    response = api.get("/api/v1/places/", {"format": "csv"})
    assert response.status_code == 200
    [row] = _rows(response.content)
    assert row["name"] == "'-2+3+cmd|' /C calc'!A0"
    assert row["region"] == "'@SUM(1)"
    assert row["longitude"].startswith("-1.6178")


@pytest.mark.django_db
def test_a_parameter_name_reflected_in_a_csv_error_is_neutralised(api):
    response = api.get("/api/v1/places/?format=csv&-2%2B3%2Bcmd=1&%3DHYPERLINK(1)=2")
    assert response.status_code == 400
    rows = _rows(response.content)
    assert {r["parameter"] for r in rows} == {"'-2+3+cmd", "'=HYPERLINK(1)"}
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.django_db
def test_export_dataset_neutralises_formulas(tmp_path):
    PlaceFactory(name="-1+1", governing_body="=cmd", longitude=Decimal("-0.5"), latitude=Decimal("51.5"))
    call_command("export_dataset", str(tmp_path), stdout=io.StringIO())
    [path] = tmp_path.glob("places-*.csv")
    [row] = _rows(path.read_bytes())
    assert (row["name"], row["governing_body"]) == ("'-1+1", "'=cmd")
    assert row["longitude"].startswith("-0.5")
