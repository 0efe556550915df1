"""The public search: the header's and the pairing list's `q`, suggestions as you type, "did you
mean" and "not in the register" (issue 11, item 1)."""

import pytest

from tests.twinning.factories import PlaceFactory, make_pairing
from twinning import services
from twinning.constants import PlaceNameKind

LIST = "/pairings/"
SUGGEST = "/search/suggest/"


@pytest.fixture
def register(db):
    nottingham = PlaceFactory(name="Nottingham", slug="nottingham")
    ningbo = PlaceFactory(name="Ningbo", slug="ningbo", local_name="宁波", country="CN", region="Zhejiang")
    minsk = PlaceFactory(name="Minsk", slug="minsk", country="BY", region="")
    banes = PlaceFactory(name="Bath and North East Somerset", slug="bath-and-north-east-somerset")
    services.place_name_add(place=ningbo, name="Ningpo", kind=PlaceNameKind.HISTORICAL, reason="test")
    services.place_name_add(place=nottingham, name="諾丁漢", kind=PlaceNameKind.TRANSLATION, reason="test")
    services.place_name_add(place=banes, name="BANES", reason="test")
    make_pairing(place_a=nottingham, place_b=ningbo)
    make_pairing(place_a=nottingham, place_b=minsk)
    make_pairing(place_a=banes, place_b=PlaceFactory(name="Jingdezhen", country="CN"))


def rows(response) -> list[str]:
    return [f"{p.place_a.name} – {p.place_b.name}" for p in response.context["page"].object_list]


@pytest.mark.parametrize("q", ["Nottingham Ningbo", "Nottingham – Ningbo", "nottinghm ningpo", "諾丁漢 寧波"])
def test_the_search_finds_the_pairing_first_and_links_it(client, register, q):
    response = client.get(LIST, {"q": q})
    assert response.status_code == 200
    assert rows(response) == ["Nottingham – Ningbo"]
    assert 'href="/pairings/nottingham-ningbo/"' in response.content.decode()


def test_a_typo_offers_did_you_mean(client, register):
    html = client.get(LIST, {"q": "nottinghm ningpo"}).content.decode()
    assert "Did you mean" in html and 'href="/pairings/?q=Nottingham%20Ningbo">Nottingham Ningbo</a>' in html
    assert "Did you mean" not in client.get(LIST, {"q": "Nottingham Ningbo"}).content.decode()


def test_an_other_name_shows_the_place_it_belongs_to(client, register):
    html = client.get(LIST, {"q": "BANES"}).content.decode()
    assert 'href="/places/bath-and-north-east-somerset/">Bath and North East Somerset</a>' in html
    assert "also “BANES”" in html


def test_nothing_found_says_so_and_links_to_suggest_it(client, register):
    response = client.get(LIST, {"q": "Xyzzyville"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "“Xyzzyville” is not in the register" in html
    assert 'href="/correction/?kind=new_pairing"' in html  # the public correction form


def test_the_header_search_form_works_without_javascript(client, register):
    html = client.get("/pairings/nottingham-ningbo/").content.decode()
    assert 'role="search"' in html and 'action="/pairings/"' in html and 'name="q"' in html
    assert 'data-suggest="/search/suggest/"' in html
    assert '<script src="/static/js/suggest.js" defer></script>' in html


@pytest.mark.parametrize("q", ["a\x00b", "x" * 101])
def test_a_query_that_cannot_be_searched_is_a_400_with_a_message(client, register, q):
    response = client.get(LIST, {"q": q})
    assert response.status_code == 400
    assert ("NUL character" if "\x00" in q else "at most 100 characters") in response.content.decode()
    assert client.get(SUGGEST, {"q": q}).status_code == 400


@pytest.mark.parametrize("q", ["\u200b\u200d", "🙂", "Ｎｏｔｔｉｎｇｈａｍ", "ǸÖ̃", "%_\\", "' OR 1=1 --", "(", "[[", "*"])
def test_odd_text_is_searched_not_a_server_error(client, register, q):
    assert client.get(LIST, {"q": q}).status_code == 200
    assert client.get(SUGGEST, {"q": q}).status_code == 200


def test_suggestions_give_the_pairing_and_places_as_links(client, register, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        data = client.get(SUGGEST, {"q": "nottinghm ningpo"}).json()
    assert data["pairings"][0] == {"title": "Nottingham – Ningbo", "detail": "Active", "url": "/pairings/nottingham-ningbo/"}
    assert data["search_url"] == "/pairings/?q=nottinghm+ningpo"
    places = client.get(SUGGEST, {"q": "Ningpo"}).json()["places"]
    assert places[0]["title"] == "Ningbo" and places[0]["url"] == "/places/ningbo/" and "Ningpo" in places[0]["detail"]
    assert client.get(SUGGEST, {"q": "Xyzzyville"}).json()["pairings"] == []


def test_the_search_page_costs_a_bounded_number_of_queries(client, db, django_assert_max_num_queries):
    hub = PlaceFactory(name="Hubton", slug="hubton")
    for n in range(30):
        make_pairing(place_a=hub, place_b=PlaceFactory(name=f"Partner {n}", country="CN"))
    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"q": "hubtn partner"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 30
    assert len(rows(response)) == 25
