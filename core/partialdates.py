"""Partial dates: a real date plus its precision (year, month or day) and a circa flag.

The stored date is the first day of the period it names ("March 2023" is stored as 2023-03-01 with
precision "month"), so dates sort and compare in SQL; it is never shown as that day. This module is
the one place that parses and displays partial dates; every app uses it (it lives in `sources`, the
bottom layer, because sources carry published dates too).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    YEAR = "year", _("year")
    MONTH = "month", _("month")
    DAY = "day", _("day")


_PATTERN = re.compile(
    r"^\s*(?P<circa>c(?:a|irca)?\.?\s*)?(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?\s*$",
    re.IGNORECASE | re.ASCII,  # "٢٠٢٢" is not a year here
)


_PRECISIONS = frozenset(Precision.values)  # `Precision.values` builds a new list per call


@dataclass(frozen=True, order=False)
class PartialDate:
    date: dt.date
    precision: str = Precision.DAY
    circa: bool = False

    def __post_init__(self):
        if self.precision not in _PRECISIONS:
            raise ValueError(f"unknown precision {self.precision!r}")
        if self.precision == Precision.YEAR and (self.date.month, self.date.day) != (1, 1):
            raise ValueError("a year-precision date is stored as 1 January")
        if self.precision == Precision.MONTH and self.date.day != 1:
            raise ValueError("a month-precision date is stored as the first of the month")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, optionally prefixed `c.` for circa."""
        match = _PATTERN.match(text or "")
        if not match:
            raise ValidationError(
                _("“%(value)s” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, optionally prefixed “c.”"),
                code="invalid_partial_date",
                params={"value": text},
            )
        year = int(match["y"])
        month = int(match["m"]) if match["m"] else 1
        day = int(match["d"]) if match["d"] else 1
        precision = Precision.DAY if match["d"] else Precision.MONTH if match["m"] else Precision.YEAR
        try:
            date = dt.date(year, month, day)
        except ValueError as exc:
            raise ValidationError(
                _("“%(value)s” is not a real date (%(error)s)"),
                code="invalid_partial_date",
                params={"value": text, "error": str(exc)},
            ) from exc
        return cls(date=date, precision=precision, circa=bool(match["circa"]))

    @property
    def end(self) -> dt.date:
        """The last day of the period this date names."""
        return period_end(self.date, self.precision)

    def iso(self) -> str:
        """The value at its precision: `2005`, `2023-03`, `2022-11-02` (with `c.` when circa)."""
        if self.precision == Precision.YEAR:
            text = f"{self.date.year:04d}"
        elif self.precision == Precision.MONTH:
            text = f"{self.date.year:04d}-{self.date.month:02d}"
        else:
            text = self.date.isoformat()
        return f"c. {text}" if self.circa else text

    def display(self, language: str | None = None) -> str:
        """Human text at its precision, in the active language (or `language`, when the caller has
        already read it): "2005", "March 2023", "2 November 2022"."""
        return _display(self.date, str(self.precision), self.circa, language or get_language())

    def as_dict(self, language: str | None = None) -> dict:
        return {
            "date": self.date.isoformat(),
            "precision": str(self.precision),
            "circa": self.circa,
            "display": self.display(language),
        }

    def __str__(self) -> str:
        return self.display()


@functools.lru_cache(maxsize=32768)
def _display(date: dt.date, precision: str, circa: bool, language: str | None) -> str:
    """PartialDate.display, remembered: Django's date formatting costs more than the rest of a list
    row, and a page (or an export) repeats the same dates. `language` is the active one (the key)."""
    if precision == Precision.YEAR:
        text = formats.date_format(date, pgettext("partial date, year precision", "Y"))
    elif precision == Precision.MONTH:
        text = formats.date_format(date, pgettext("partial date, month precision", "F Y"))
    else:
        text = formats.date_format(date, pgettext("partial date, day precision", "j F Y"))
    if circa:
        return pgettext("circa date", "c. %(date)s") % {"date": text}
    return text
def normalise(date: dt.date, precision: str) -> dt.date:
    """The stored form of a date at a precision (first day of its year or month)."""
    if precision == Precision.YEAR:
        return dt.date(date.year, 1, 1)
    if precision == Precision.MONTH:
        return dt.date(date.year, date.month, 1)
    return date


def period_end(date: dt.date, precision: str) -> dt.date:
    """The last day of the period a stored partial date names (2022-06-01 at month precision: 30 June)."""
    if precision == Precision.YEAR:
        return dt.date(date.year, 12, 31)
    if precision == Precision.MONTH:
        return dt.date(date.year, date.month, calendar.monthrange(date.year, date.month)[1])
    return date


def period_end_sql(field: str, precision_field: str) -> str:
    """`period_end` as an immutable SQL expression on two columns (for a generated column)."""
    return (
        f"CASE {precision_field} WHEN 'year' THEN ({field} + interval '1 year' - interval '1 day')::date "
        f"WHEN 'month' THEN ({field} + interval '1 month' - interval '1 day')::date ELSE {field} END"
    )


def partial_values(prefix: str, value: PartialDate | None, *, circa: bool = True) -> dict:
    """The model fields `<prefix>`, `<prefix>_precision` (and `<prefix>_circa`) for a partial date."""
    values = {
        prefix: value.date if value else None,
        f"{prefix}_precision": value.precision if value else Precision.DAY,
    }
    if circa:
        values[f"{prefix}_circa"] = value.circa if value else False
    return values


def partial_date_of(obj, prefix: str) -> PartialDate | None:
    """Read the three fields `<prefix>`, `<prefix>_precision`, `<prefix>_circa` of a model instance."""
    value = getattr(obj, prefix)
    if value is None:
        return None
    return PartialDate(
        date=value,
        precision=getattr(obj, f"{prefix}_precision") or Precision.DAY,
        circa=bool(getattr(obj, f"{prefix}_circa", False)),
    )


def precision_constraint(prefix: str, name: str) -> models.CheckConstraint:
    """Database check that a stored partial date sits on the first day of its period."""
    field = prefix
    p = f"{prefix}_precision"

    return models.CheckConstraint(
        condition=(
            models.Q(**{f"{field}__isnull": True})
            | models.Q(**{p: Precision.DAY})
            | (models.Q(**{p: Precision.MONTH}) & models.Q(**{f"{field}__day": 1}))
            | (models.Q(**{p: Precision.YEAR}) & models.Q(**{f"{field}__day": 1, f"{field}__month": 1}))
        ),
        name=name,
    )
