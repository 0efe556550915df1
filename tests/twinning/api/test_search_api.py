"""The API's `q` on places and pairings: the same search as the public pages (twinning.search)."""

import pytest

from tests.api_helpers import results
from tests.twinning.factories import PlaceFactory, make_pairing
from twinning import services


@pytest.fixture
def register(db):
    nottingham = PlaceFactory(name="Nottingham", slug="nottingham")
    ningbo = PlaceFactory(name="Ningbo", slug="ningbo", local_name="宁波", country="CN")
    shire = PlaceFactory(name="Nottinghamshire", slug="nottinghamshire")
    services.place_name_add(place=ningbo, name="Ningpo", kind="historical", reason="test")
    services.place_name_add(place=nottingham, name="諾丁漢", kind="translation", reason="test")
    make_pairing(place_a=shire, place_b=ningbo)
    make_pairing(place_a=nottingham, place_b=ningbo)
    make_pairing(place_a=nottingham, place_b=PlaceFactory(name="Minsk", slug="minsk", country="BY"))


@pytest.mark.parametrize("q", ["nottinghm ningpo", "Ningbo – Nottingham", "Nottingham-Ningbo", "諾丁漢 寧波"])
def test_pairings_q_puts_the_best_match_first(api, register, q):
    rows = results(api.get("/api/v1/pairings/", {"q": q}))
    assert rows[0]["slug"] == "nottingham-ningbo"
    assert "nottingham-minsk" not in {r["slug"] for r in rows}


def test_an_explicit_ordering_wins_over_the_ranking(api, register):
    rows = results(api.get("/api/v1/pairings/", {"q": "Ningbo", "ordering": "-id"}))
    assert [r["slug"] for r in rows] == ["nottingham-ningbo", "nottinghamshire-ningbo"]


def test_places_q_finds_by_other_name_and_typo_exact_first(api, register):
    assert [r["slug"] for r in results(api.get("/api/v1/places/", {"q": "Ningpo"}))] == ["ningbo"]
    assert [r["slug"] for r in results(api.get("/api/v1/places/", {"q": "nottingham"}))] == ["nottingham", "nottinghamshire"]


@pytest.mark.parametrize("url", ["/api/v1/pairings/", "/api/v1/places/"])
def test_a_q_too_long_is_a_400_naming_q(api, register, url):
    response = api.get(url, {"q": "x" * 101})
    assert response.status_code == 400
    assert "q" in response.json()


def test_the_schema_documents_the_search(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    for path in ("/api/v1/pairings/", "/api/v1/places/"):
        q = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}["q"]
        assert "typos" in q["description"] and "other name" in q["description"]
