"""Unknown or bad query parameters answer 400 naming the parameter and what it accepts."""

import pytest

RESOURCES = ["places", "pairings", "events", "agreements", "sources", "campaigns", "organisations", "petitions"]


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES)
def test_unknown_parameter_is_400_naming_it_and_the_allowed_ones(api, resource):
    response = api.get(f"/api/v1/{resource}/", {"stauts": "severed"})
    assert response.status_code == 400
    message = response.json()["stauts"][0]
    assert "Unknown query parameter “stauts”" in message
    assert "updated_since" in message and "page_size" in message


@pytest.mark.django_db
def test_unknown_parameter_on_detail_and_stats(api, world):
    response = api.get(f"/api/v1/pairings/{world.paris_rome.pk}/", {"status": "active"})
    assert response.status_code == 400 and "Allowed here: as_of, format" in response.json()["status"][0]
    response = api.get("/api/v1/stats/", {"year": "2022"})
    assert response.status_code == 400 and "year" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, param, value, expected",
    [
        ("pairings", "status", "cut", "Allowed values for “status”: proposed, active, under_review"),
        ("pairings", "relationship", "twin", "twin_town, sister_city"),
        ("pairings", "country", "XX", "Allowed values for “country”"),
        ("pairings", "countries", "GB", "Give two ISO 3166-1 alpha-2 codes"),
        ("pairings", "countries", "GB,ZZ", "Give two ISO 3166-1 alpha-2 codes"),
        ("pairings", "place", "atlantis", "No place has the slug or id “atlantis”"),
        ("pairings", "established_after", "20-20", "is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
        ("pairings", "status_changed_before", "2022-02-30", "is not a real date"),
        ("pairings", "event_type", "vote", "decision_sever"),
        ("pairings", "as_of", "2022", "YYYY-MM-DD"),
        ("pairings", "as_of", "2022-13-01", "YYYY-MM-DD"),
        ("pairings", "updated_since", "last week", "not an ISO 8601 date or date-time"),
        ("pairings", "ordering", "status", "Allowed values for “ordering”: established"),
        ("pairings", "campaign", "nobody", "No campaign has the slug or id “nobody”"),
        ("pairings", "page", "0", "whole number from 1"),
        ("pairings", "page", "99", "There is only 1 page at this page size; give a page number from 1 to 1."),
        ("pairings", "page_size", "5000", "from 1 to 500"),
        ("pairings", "paginate", "offset", "page, cursor"),
        ("pairings", "cursor", "xyz", "only used with paginate=cursor"),
        ("events", "type", "vote", "Allowed values for “type”"),
        ("events", "has_vote", "maybe", "use true or false"),
        ("events", "pairing", "nope", "No pairing has the slug or id “nope”"),
        ("events", "outcome", "gone", "Allowed values for “outcome”"),
        ("sources", "type", "blog", "Allowed values for “type”: news"),
        ("sources", "cites", "999999", "No pairing has the slug or id “999999”"),
        ("places", "identifier", "wikidata", "scheme:value"),
        ("petitions", "outcome", "won", "Allowed values for “outcome”"),
    ],
)
def test_bad_value_is_400_naming_the_parameter(api, world, url, param, value, expected):
    response = api.get(f"/api/v1/{url}/", {param: value})
    assert response.status_code == 400, response.content
    messages = " ".join(response.json()[param])
    assert expected in messages


@pytest.mark.django_db
def test_bad_cursor_is_400(api, world):
    response = api.get("/api/v1/pairings/", {"paginate": "cursor", "cursor": "not-a-cursor"})
    assert response.status_code == 400 and "Invalid cursor" in response.json()["cursor"][0]


@pytest.mark.django_db
def test_single_valued_parameter_given_twice_is_400(api, world):
    response = api.get("/api/v1/pairings/?country=GB&country=CN")
    assert response.status_code == 400 and "only once" in response.json()["country"][0]


@pytest.mark.django_db
def test_nul_character_is_a_clean_400(api, world):
    response = api.get("/api/v1/pairings/", {"q": "a\x00b"})
    assert response.status_code == 400 and "q" in response.json()


@pytest.mark.django_db
def test_errors_in_csv_are_csv(api, world):
    response = api.get("/api/v1/pairings/", {"format": "csv", "status": "cut"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").splitlines()[0] == "parameter,message"


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES)
def test_options_describes_the_endpoint_as_json_whatever_the_format(api, resource):
    response = api.options(f"/api/v1/{resource}/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["name"]


@pytest.mark.django_db
def test_q_matches_a_local_name_typed_in_the_other_chinese_script(client):
    """漢口 (Traditional) finds Hankou recorded as 汉口 (Simplified)."""
    from tests.twinning.factories import PlaceFactory, make_pairing

    hankou = PlaceFactory(name="Hankou", local_name="汉口", country="CN")
    wanted = make_pairing(place_b=hankou)
    make_pairing()
    response = client.get("/api/v1/pairings/", {"q": "漢口"})
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [wanted.pk]
    places = client.get("/api/v1/places/", {"q": "漢口"}).json()["results"]
    assert [p["name"] for p in places] == ["Hankou"]
