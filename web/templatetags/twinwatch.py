"""Template helpers for the public site: partial dates, status badges, countries in the active
language, and small server-rendered SVG maps and charts (no JavaScript, no external tiles)."""

from __future__ import annotations

import gettext as gettext_module
from functools import cache

import pycountry
from django import template
from django.utils import timezone
from django.utils.translation import get_language

from core.partialdates import PartialDate, partial_date_of
from twinning import world
from twinning.constants import STATUS_DEFINITIONS, Status
from twinning.countries import country_name

register = template.Library()


@register.filter
def pdate(obj, prefix: str = ""):
    """A partial date at its precision in the active language.

    `{{ event|pdate:"date" }}` reads the three fields `date`, `date_precision`, `date_circa` of a model;
    `{{ partial_date|pdate }}` displays a PartialDate."""
    if obj is None:
        return ""
    if isinstance(obj, PartialDate):
        return obj.display()
    value = partial_date_of(obj, prefix) if prefix else None
    return value.display() if value else ""


@register.filter
def fulldate(value):
    """A date or datetime as a day, formatted like partial dates ("23 November 2026", "2026年11月23日")."""
    if not value:
        return ""
    if hasattr(value, "date") and callable(value.date):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return PartialDate(date=value).display()


@register.filter
def piso(obj, prefix: str):
    """The machine-readable value (`2022-11-02`, `2023-03`, `2005`) for a <time datetime> attribute."""
    value = partial_date_of(obj, prefix)
    return value.iso().removeprefix("c. ") if value else ""


@register.filter
def status_label(code: str) -> str:
    try:
        return Status(code).label
    except ValueError:
        return code


@register.filter
def status_text(pairing) -> str:
    """The pairing's status in words; a "listed" one names its Wikidata snapshot and says it is unchecked."""
    return world.status_label(pairing.status, pairing.status_since)


@register.filter
def status_definition(code: str) -> str:
    try:
        return STATUS_DEFINITIONS[Status(code)]
    except (ValueError, KeyError):
        return ""


@cache
def _country_translation(language: str):
    # pycountry names Chinese locales by region: Traditional Chinese as used in Hong Kong, then Taiwan.
    locales = {"zh-hant": ["zh_HK", "zh_TW"], "zh-hans": ["zh_CN"]}.get(language, [language])
    try:
        return gettext_module.translation("iso3166-1", pycountry.LOCALES_DIR, languages=locales)
    except OSError:
        return None


@register.filter
def country(code: str) -> str:
    """A country's name in the active language (pycountry's ISO 3166 translations)."""
    name = country_name(code)
    language = (get_language() or "en").lower()
    if language.startswith("en"):
        return name
    translation = _country_translation(language)
    if translation is None:
        return name
    entry = pycountry.countries.get(alpha_2=(code or "").upper())
    if entry is None:
        return name
    for candidate in (getattr(entry, "common_name", None), entry.name):
        if candidate:
            translated = translation.gettext(candidate)
            if translated != candidate:
                return translated
    return name


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None or '' removes them)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def other_place(pairing, place):
    """The partner of `place` in `pairing`."""
    return pairing.place_b if pairing.place_a_id == place.pk else pairing.place_a


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
