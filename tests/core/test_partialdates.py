import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.partialdates import PartialDate, Precision


@pytest.mark.parametrize(
    "text, date, precision, circa, display",
    [
        ("2005", dt.date(2005, 1, 1), Precision.YEAR, False, "2005"),
        ("2023-03", dt.date(2023, 3, 1), Precision.MONTH, False, "March 2023"),
        ("2022-11-02", dt.date(2022, 11, 2), Precision.DAY, False, "2 November 2022"),
        ("c. 1985", dt.date(1985, 1, 1), Precision.YEAR, True, "c. 1985"),
        ("c.2009-10", dt.date(2009, 10, 1), Precision.MONTH, True, "c. October 2009"),
    ],
)
def test_parse_and_display_at_precision(text, date, precision, circa, display):
    value = PartialDate.parse(text)
    assert (value.date, value.precision, value.circa) == (date, precision, circa)
    with translation.override("en"):
        assert value.display() == display


@pytest.mark.parametrize("text", ["", "March 2023", "2023-13", "2023-02-30", "23-03-01", "2023/03/01"])
def test_bad_dates_are_rejected_with_the_value_named(text):
    with pytest.raises(ValidationError) as err:
        PartialDate.parse(text)
    assert "date" in err.value.messages[0]


def test_never_padded_into_a_fake_day():
    value = PartialDate.parse("2023-03")
    assert value.iso() == "2023-03"
    assert value.as_dict()["display"] == "March 2023"
    assert value.end == dt.date(2023, 3, 31)
    with pytest.raises(ValueError):
        PartialDate(dt.date(2023, 3, 15), Precision.MONTH)


def test_year_end():
    assert PartialDate.parse("2024").end == dt.date(2024, 12, 31)
