"""Countries as ISO 3166-1 alpha-2 codes, named through pycountry."""

from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SYNONYMS = {
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "china": "CN",
    "prc": "CN",
    "mainland china": "CN",
    "russia": "RU",
    "usa": "US",
    "us": "US",
    "united states of america": "US",
    "south korea": "KR",
    "taiwan": "TW",
}


# Common English names where pycountry has only the ISO name ("Russian Federation").
_COMMON_NAMES = {
    "RU": "Russia",
    "CD": "Democratic Republic of the Congo",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "PS": "Palestine",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
}


def _common_name(country) -> str:
    return _COMMON_NAMES.get(country.alpha_2) or getattr(country, "common_name", None) or country.name


@cache
def country_choices() -> list[tuple[str, str]]:
    """(code, common name) for every country, by name: "Taiwan", not "Taiwan, Province of China"."""
    return sorted(((c.alpha_2, _common_name(c)) for c in pycountry.countries), key=lambda c: c[1])


def country_name(code: str) -> str:
    """The common English name of a country code ("South Korea" for KR); the code when unknown."""
    country = pycountry.countries.get(alpha_2=(code or "").upper())
    return code if country is None else _common_name(country)


def country_code(text: str) -> str:
    """An ISO alpha-2 code from a code or an English name; ValidationError if it names no country."""
    value = (text or "").strip()
    if not value:
        raise ValidationError(_("A country is required."), code="required")
    if value.lower() in _SYNONYMS:
        return _SYNONYMS[value.lower()]
    if len(value) == 2 and pycountry.countries.get(alpha_2=value.upper()):
        return value.upper()
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        raise ValidationError(
            _("“%(value)s” is not a country: use an ISO 3166-1 alpha-2 code (e.g. GB, CN) or its English name."),
            code="invalid_country",
            params={"value": value},
        ) from None


def validate_country_code(value: str) -> None:
    if not pycountry.countries.get(alpha_2=(value or "").upper()) or value != value.upper():
        raise ValidationError(
            _("“%(value)s” is not an ISO 3166-1 alpha-2 country code."), code="invalid_country", params={"value": value}
        )
