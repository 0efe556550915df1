"""Dates as spreadsheets write them. The import's own form is YYYY, YYYY-MM or YYYY-MM-DD (optionally
"c."); what Excel and LibreOffice make of dates is read when it can mean one thing only, and refused
otherwise with the exact text to write instead. A day is never invented: "October 2019" is a month.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

from core.partialdates import PartialDate, Precision

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$", re.ASCII)
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})(?:[/.](\d{1,2}))?$", re.ASCII)
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?[\s\-/]+(\d{2}|\d{4})$", re.ASCII)
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$", re.ASCII)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01, counting Excel's phantom 29 February 1900


def _refuse(text: str, why: str, fix: str) -> ValidationError:
    return ValidationError(f"“{text}” {why}: write {fix} (dates are YYYY, YYYY-MM or YYYY-MM-DD).", code="invalid_partial_date")


def _day(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValidationError(f"“{text}” is not a real date ({exc}).", code="invalid_partial_date") from None


def parse_sheet_date(text: str) -> tuple[PartialDate, str]:
    """The partial date `text` means, and a note when it was read from a spreadsheet's own form
    (empty for the import's form). ValidationError, naming the text to write, when it is ambiguous."""
    value = (text or "").strip()
    try:
        return PartialDate.parse(value), ""
    except ValidationError as invalid:
        original = invalid
    circa = ""
    match = re.match(r"^(c(?:a|irca)?\.?\s*)(.+)$", value, re.IGNORECASE | re.ASCII)
    if match and not match[2][:1].isalpha():
        circa, value = "c. ", match[2].strip()
    if _SERIAL.match(value):
        serial = int(float(value))
        date = EXCEL_EPOCH + dt.timedelta(days=serial)
        raise _refuse(text, f"looks like an Excel date serial number ({serial} is {date.isoformat()})",
                      f"{date.isoformat()} if that is the date, and format the column as text")
    if m := _YMD_SLASH.match(value):
        year, month, day = int(m[1]), int(m[2]), m[3]
        partial = f"{year:04d}-{month:02d}" + (f"-{int(day):02d}" if day else "")
        return PartialDate.parse(circa + partial), f"“{text}” read as {circa}{partial}"
    if m := _NUMERIC.match(value):
        first, second, year_text = int(m[1]), int(m[2]), m[3]
        if len(year_text) == 2:
            raise _refuse(text, "has a two-digit year", "the year in full, e.g. 20" + year_text + " or 19" + year_text)
        year = int(year_text)
        if first > 12 and second <= 12:
            date = _day(year, second, first, text)  # day first (13/01/2020)
        elif second > 12 and first <= 12:
            date = _day(year, first, second, text)  # month first (01/13/2020)
        elif first == second:
            date = _day(year, first, second, text)
        else:
            a, b = _day(year, second, first, text), _day(year, first, second, text)
            raise _refuse(text, f"could be {a.day} {a:%B %Y} (day first) or {b.day} {b:%B %Y} (month first)",
                          f"{a.isoformat()} or {b.isoformat()}")
        return PartialDate(date=date, precision=Precision.DAY, circa=bool(circa)), f"“{text}” read as {circa}{date.isoformat()}"
    if m := _MONTH_YEAR.match(value):
        month = _MONTHS.get(m[1].lower())
        if month is not None:
            if len(m[2]) == 2:
                raise _refuse(text, "has a two-digit year", f"20{m[2]}-{month:02d} or 19{m[2]}-{month:02d}")
            partial = f"{int(m[2]):04d}-{month:02d}"
            return PartialDate.parse(circa + partial), f"“{text}” read as {circa}{partial}"
    raise original


def cell_date(value: dt.date, number_format: str = "") -> str:
    """A date cell of a workbook as the import's text, at the precision its display format shows:
    a cell shown as "Oct-19" (format mmm-yy) is the month October 2019, never 1 October."""
    fmt = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", (number_format or "").lower())
    if isinstance(value, dt.datetime):
        value = value.date()
    has_day = "d" in fmt or fmt in ("", "general")
    has_month = "m" in fmt or has_day
    if has_day:
        return value.isoformat()
    if has_month:
        return value.strftime("%Y-%m")
    return f"{value.year:04d}"
