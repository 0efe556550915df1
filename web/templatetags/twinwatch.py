"""Template helpers for the public site: partial dates, status badges, countries in the active
language, and small server-rendered SVG maps and charts (no JavaScript, no external tiles)."""

from __future__ import annotations

import gettext as gettext_module
from functools import cache

import pycountry
from django import template
from django.utils import timezone
from django.utils.html import format_html
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


# --- Language: Traditional characters, English passages, curated translations (issue 11, item 2) ---

def _reading_chinese() -> bool:
    return (get_language() or "en").lower().startswith("zh")


@cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


@register.filter
def trad(text):
    """A Chinese name in Traditional characters on zh-Hant pages (local names are stored as recorded,
    often Simplified: 宁波 → 寧波); unchanged in English, where the name is shown as recorded."""
    if not text or not _reading_chinese():
        return text
    return _s2t().convert(str(text))


@register.filter
def zh_lang(_value=None) -> str:
    """The lang attribute of a Chinese name as the page shows it: zh-Hant once `trad` converted it."""
    return "zh-Hant" if _reading_chinese() else "zh"


@register.filter
def en(text):
    """English text (a place name, an untranslated note) on a page in another language, marked
    lang="en" so screen readers pronounce it as English; plain text on English pages."""
    if text in (None, ""):
        return ""
    if not _reading_chinese():
        return text
    return format_html('<span lang="en">{}</span>', text)


# Regions as recorded in English (the register's working language) and their Traditional Chinese names.
REGIONS_ZH_HANT = {
    "England": "英格蘭", "Scotland": "蘇格蘭", "Wales": "威爾斯", "Northern Ireland": "北愛爾蘭",
    "Anhui": "安徽", "Beijing": "北京", "Chongqing": "重慶", "Fujian": "福建", "Gansu": "甘肅",
    "Guangdong": "廣東", "Guangxi": "廣西", "Guizhou": "貴州", "Hainan": "海南", "Hebei": "河北",
    "Heilongjiang": "黑龍江", "Henan": "河南", "Hong Kong": "香港", "Hubei": "湖北", "Hunan": "湖南",
    "Inner Mongolia": "內蒙古", "Jiangsu": "江蘇", "Jiangxi": "江西", "Jilin": "吉林", "Liaoning": "遼寧",
    "Macau": "澳門", "Ningxia": "寧夏", "Qinghai": "青海", "Shaanxi": "陝西", "Shandong": "山東",
    "Shanghai": "上海", "Shanxi": "山西", "Sichuan": "四川", "Tianjin": "天津", "Tibet": "西藏",
    "Xinjiang": "新疆", "Yunnan": "雲南", "Zhejiang": "浙江", "Taiwan": "臺灣",
}


@register.filter
def region(name):
    """A region's name in the active language; one without a recorded translation stays English, marked so."""
    if not name:
        return ""
    if not _reading_chinese():
        return name
    translated = REGIONS_ZH_HANT.get(str(name).strip())
    return translated if translated else en(name)


class Localized(str):
    """Curated free text in the reader's language; `lang` is "en" when the English original stands in."""

    lang = ""


@register.filter
def localized(obj, field: str):
    """`{% with t=event|localized:"summary" %}<p{% if t.lang %} lang="{{ t.lang }}"{% endif %}>{{ t }}</p>`:
    the field's Traditional Chinese version (`<field>_zh_hant`) on zh-Hant pages, else the English,
    marked lang="en" where the page is not English. Empty when neither is recorded."""
    english = getattr(obj, field, "") or ""
    if _reading_chinese():
        chinese = getattr(obj, f"{field}_zh_hant", "") or ""
        if chinese:
            return Localized(chinese)
        value = Localized(english)
        value.lang = "en" if english else ""
        return value
    return Localized(english)


@register.simple_tag(takes_context=True)
def block_text(context, name: str):
    """The rendered text of one of the page's blocks (its title, its description) for a second use in
    the head, e.g. Open Graph tags; Django's `{% block %}` can appear only once in a template."""
    from html import unescape

    from django.template.loader_tags import BLOCK_CONTEXT_KEY
    from django.utils.html import strip_tags

    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context else None
    if block is None:
        return ""
    with context.push():
        return " ".join(unescape(strip_tags(block.nodelist.render(context))).split())


@register.filter
def local_name(place):
    """A place's local name (in Traditional characters on zh-Hant pages) for a line marked as Chinese;
    a place without one shows its recorded name, marked as English."""
    if place.local_name:
        return trad(place.local_name)
    return format_html('<span lang="en">{}</span>', place.name)
