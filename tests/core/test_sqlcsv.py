"""CSV cells written by PostgreSQL (core.sqlcsv) are what Python writes for the same values:
csv.writer's quoting, csv_cell's formula neutralisation, repr() of floats, isoformat() of UTC
timestamps and PartialDate.display in each language."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection, transaction
from django.utils import translation

from core import sqlcsv
from core.api.renderers import csv_cell
from core.partialdates import PartialDate


def one(expression: str, *params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sqlcsv.session_sql())
        cursor.execute(f"SELECT {expression}", params)
        return cursor.fetchone()[0]


def python_line(cells) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


TEXTS = ["plain", "", "a, b", 'say "hi"', "two\nlines", "cr\rhere", "=SUM(A1)", "+1", "-2+3", "@x", "\tTab", "\rCR",
         "'quoted", "紐卡素, 太原", "100%", "back\\slash", " lead"]


@pytest.mark.django_db
def test_text_cells_are_csv_writers_formula_safe_cells():
    for text in TEXTS:
        sql = sqlcsv.csv_line([
            sqlcsv.quoted(sqlcsv.neutral("%s::text")), sqlcsv.quoted("%s::text"),
            sqlcsv.quoted_once(sqlcsv.neutral_once("%s::text")), sqlcsv.quoted_once("%s::text"),
        ])
        assert one(sql, *[text] * sql.count("%s")) == python_line([csv_cell(text), text] * 2), repr(text)
        # the same cell tested on the value first, and with literal text around it
        affixes = [("https://x.test/p/", "/"), ("", ""), ("=a", "b"), ("a", ", b"), ("a", '"')]
        sql = sqlcsv.csv_line([
            sqlcsv.text_cell("%s::text"), *(sqlcsv.affixed_cell(before, "%s::text", after) for before, after in affixes),
        ])
        expected = [csv_cell(text), *(csv_cell(before + text + after) for before, after in affixes)]
        assert one(sql, *[text] * sql.count("%s")) == python_line(expected), repr(text)
    assert one(sqlcsv.csv_line([sqlcsv.quoted("NULL::text"), "COALESCE(NULL::text, '')", sqlcsv.text_cell("NULL::text")])) == python_line([None] * 3)


@pytest.mark.django_db
def test_numbers_flags_and_timestamps_are_written_as_python_writes_them():
    for value in [51.0, -0.0, 0.1, 37.86944, -33.86785, 151.2073, 1e-05, 0.00012, 123.456789, 180.0, -179.999999]:
        sql = sqlcsv.float_repr("%s::float8")
        assert one(sql, *[value] * sql.count("%s")) == repr(value), value
    assert one(sqlcsv.float_repr("NULL::float8")) is None
    assert one(sqlcsv.number("%s::int"), 42) == "42"
    assert [one(sqlcsv.boolean(f"{v}::boolean")) for v in ("true", "false", "NULL")] == ["true", "false", None]
    for moment in [dt.datetime(2022, 11, 2, 9, 30, 5, tzinfo=dt.UTC), dt.datetime(2026, 1, 1, 0, 0, 0, 120, tzinfo=dt.UTC)]:
        expected = moment.isoformat().replace("+00:00", "Z")
        sql = sqlcsv.utc_timestamp("%s::timestamptz")
        assert one(sql, *[moment] * sql.count("%s")) == expected
    assert one(sqlcsv.iso_date("%s::date"), dt.date(950, 3, 1)) == dt.date(950, 3, 1).isoformat()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_partial_dates_read_as_they_read_in_the_language(language):
    from core.partialdates import normalise

    dates = [dt.date(2022, 11, 2), dt.date(2023, 3, 9), dt.date(2005, 1, 1), dt.date(987, 12, 31), dt.date(2020, 6, 30)]
    sql = sqlcsv.partial_date_display("%s::date", "%s::text", "%s::boolean", language)
    for day in dates:
        for precision in ("day", "month", "year"):
            date = normalise(day, precision)
            for circa in (False, True):
                with translation.override(language):
                    expected = PartialDate(date, precision, circa).display(language)
                assert _run_display(sql, date, precision, circa) == expected, (date, precision, circa, language)
    assert _run_display(sqlcsv.partial_date_display("%s::date", "%s::text", "%s::boolean", language), None, "day", False) is None


def _run_display(sql: str, date, precision, circa):
    """Fill each `%s::date`, `%s::text`, `%s::boolean` with its value, in order of appearance."""
    import re

    values = {"date": date, "text": precision, "boolean": circa}
    params = [values[kind] for kind in re.findall(r"%s::(date|text|boolean)", sql)]
    return one(sql, *params)


@pytest.mark.django_db
def test_dates_are_checked_for_quotes_and_formulas_only_where_the_language_can_need_it(monkeypatch):
    assert sqlcsv.partial_date_display_safety("en") == (False, False)
    assert sqlcsv.partial_date_display_safety("zh-hant") == (False, False)
    # a language writing "November 2, 2022" needs quotes; one whose circa prefix is "-" needs neutralising
    real = sqlcsv._display_parts

    def american(language):
        formats, circa, months = real(language)
        return {**formats, "day": "F j, Y"}, "-%(date)s", months

    monkeypatch.setattr(sqlcsv, "_display_parts", american)
    assert sqlcsv.partial_date_display_safety("en") == (True, True)
