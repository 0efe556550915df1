"""Fixtures the API tests share: awkward data, and the API's language."""

import pytest

from tests.twinning.factories import PlaceFactory, make_pairing


@pytest.fixture
def varied(world):
    """The world plus the awkward cases: formula-like names and sources, Chinese local names, a place
    without coordinates, negative coordinates, partial and circa dates, a decision with votes whose
    sources are cited with and without URLs, one citing several."""
    from decimal import Decimal

    from tests.sources.factories import SourceFactory
    from tests.twinning.factories import record

    formula = PlaceFactory(name='=HYPERLINK("http://x")', slug="formula", local_name="太原", region="-Region", latitude=None,
                           longitude=None)
    minus = PlaceFactory(name="-2+3", slug="minus", local_name="寧波", country="CN", region="@Shanxi",
                         latitude=Decimal("-33.86785"), longitude=Decimal("151.20730"))
    tab = PlaceFactory(name="\tTab town", slug="tab", latitude=Decimal("51.50000"), longitude=Decimal("-0.12000"))
    one = make_pairing(place_a=formula, place_b=minus, established="c. 1987")
    record(one, "review_opened", "2021-03", mover="=cmd|' /C calc'!A0")
    record(one, "decision_sever", "2022-11-02", source=SourceFactory(url="", title="=council minutes"), actor="side_a",
           body="full_council", mover="+Cllr Smith", mover_party="-Party", seconder="@Jones", seconder_party="Greens",
           votes_for=30, votes_against=2, abstentions=1)
    two = make_pairing(place_a=tab, place_b=minus, established="1999-07")
    # cited in an order that is neither the sources' nor their URLs'
    b, c, a = (SourceFactory(url=f"https://{x}.example/") for x in "bca")
    record(two, "decision_retain", "c. 2020", sources=[c, a, b], unanimous=True, votes_for=12)
    make_pairing(place_a=tab, place_b=formula, established="")
    return world


@pytest.fixture
def api_language(settings):
    """Set the API's language (LANGUAGE_CODE: the pages carry theirs in the URL) for one test. URL
    reversal caches what it computed under the changed default language, so they are cleared before
    and after (later tests would otherwise reverse zh-Hant pages without their /zh-hant/ prefix)."""
    from django.urls import clear_url_caches

    from twinning.api import serializers

    def use(language):
        settings.LANGUAGE_CODE = language
        clear_url_caches()
        serializers._PATHS.clear()

    yield use
    clear_url_caches()
    serializers._PATHS.clear()
