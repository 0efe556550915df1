"""The pairings resource: each filter keeps the right rows and drops the others; `as_of`; detail."""

import re

import pytest

from tests.api_helpers import results, slugs
from tests.twinning.factories import record
from twinning.constants import EventType

URL = "/api/v1/pairings/"
ALL = {"newcastle-upon-tyne-taiyuan", "bath-jiangxi", "nottingham-ningbo", "nottingham-krasnodar", "rescindton-xian", "paris-rome"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ALL),
        ("status=severed", {"newcastle-upon-tyne-taiyuan", "bath-jiangxi", "nottingham-krasnodar"}),
        ("status=severed&status=retained", {"newcastle-upon-tyne-taiyuan", "bath-jiangxi", "nottingham-krasnodar", "nottingham-ningbo"}),
        ("relationship=friendship", {"bath-jiangxi"}),
        ("relationship=twin_town&relationship=friendship", {"bath-jiangxi", "nottingham-ningbo", "nottingham-krasnodar", "paris-rome"}),
        ("country=RU", {"nottingham-krasnodar"}),
        ("country=gb", {"newcastle-upon-tyne-taiyuan", "bath-jiangxi", "nottingham-ningbo", "nottingham-krasnodar", "rescindton-xian"}),
        ("countries=GB,CN", {"newcastle-upon-tyne-taiyuan", "bath-jiangxi", "nottingham-ningbo", "rescindton-xian"}),
        ("countries=CN,GB&status=severed", {"newcastle-upon-tyne-taiyuan", "bath-jiangxi"}),
        ("countries=FR,IT", {"paris-rome"}),
        ("countries=GB,GB", set()),
        ("place=nottingham", {"nottingham-ningbo", "nottingham-krasnodar"}),
        ("region=shanxi", {"newcastle-upon-tyne-taiyuan"}),
        ("region=England&country=RU", {"nottingham-krasnodar"}),
        ("established_after=2004", {"bath-jiangxi", "nottingham-ningbo", "rescindton-xian"}),
        ("established_before=1985", {"newcastle-upon-tyne-taiyuan", "paris-rome"}),
        ("established_after=1985&established_before=1990-12", {"newcastle-upon-tyne-taiyuan", "nottingham-krasnodar"}),
        ("status_changed_after=2022-11", {"newcastle-upon-tyne-taiyuan", "bath-jiangxi", "nottingham-ningbo"}),
        ("status_changed_before=2021", {"paris-rome"}),
        ("status_changed_after=2022&status_changed_before=2022-06", {"nottingham-krasnodar", "rescindton-xian"}),
        ("event_type=decision_rescinded", {"rescindton-xian"}),
        ("event_type=visit&event_type=review_opened", {"paris-rome", "nottingham-ningbo"}),
        ("q=太原", {"newcastle-upon-tyne-taiyuan"}),
        ("q=nott", {"nottingham-ningbo", "nottingham-krasnodar"}),
        ("q=xi", {"rescindton-xian", "bath-jiangxi"}),
    ],
)
def test_filter_keeps_exactly_the_matching_pairings(api, world, query, expected):
    assert slugs(api.get(f"{URL}?{query}")) == expected


def test_updated_since_keeps_only_recent_changes(api, world):
    from django.utils import timezone

    cutoff = timezone.now()
    record(world.paris_rome, EventType.STATEMENT, "2024-01", sourced=False)
    assert slugs(api.get(URL, {"updated_since": cutoff.isoformat()})) == {"paris-rome"}
    assert slugs(api.get(URL, {"updated_since": "2000-01-01"})) == ALL


def test_campaign_filter_counts_pairing_and_place_targets(api, world):
    from campaigns.models import Campaign, CampaignTarget

    campaign = Campaign.objects.create(name="De-twin", slug="de-twin")
    CampaignTarget.objects.create(campaign=campaign, pairing=world.newcastle_taiyuan)
    CampaignTarget.objects.create(campaign=campaign, place=world.nottingham)
    Campaign.objects.create(name="Other", slug="other")
    expected = {"newcastle-upon-tyne-taiyuan", "nottingham-ningbo", "nottingham-krasnodar"}
    assert slugs(api.get(URL, {"campaign": "de-twin"})) == expected
    assert slugs(api.get(URL, {"campaign": str(campaign.pk)})) == expected
    assert slugs(api.get(URL, {"campaign": "other"})) == set()


@pytest.mark.parametrize(
    "ordering, first",
    [
        ("established", "paris-rome"),
        ("-established", "bath-jiangxi"),
        ("status_since", "paris-rome"),
        ("-status_since", "nottingham-ningbo"),
        ("place", "bath-jiangxi"),
        ("-place", "rescindton-xian"),
    ],
)
def test_ordering(api, world, ordering, first):
    assert results(api.get(URL, {"ordering": ordering}))[0]["slug"] == first


def test_as_of_filters_and_describes_the_status_on_that_date(api, world):
    rows = {r["slug"]: r for r in results(api.get(URL, {"as_of": "2022-01-01"}))}
    assert {s: r["status"] for s, r in rows.items()} == {
        "newcastle-upon-tyne-taiyuan": "active",
        "bath-jiangxi": "active",
        "nottingham-ningbo": "active",
        "nottingham-krasnodar": "active",
        "rescindton-xian": "severed",
        "paris-rome": "active",
    }
    newcastle = rows["newcastle-upon-tyne-taiyuan"]
    assert newcastle["as_of"] == "2022-01-01"
    assert newcastle["status_label"] == "Active"
    assert newcastle["status_since"]["display"] == "1985"
    assert newcastle["ended"] is None
    assert newcastle["latest_event"]["event_type"] == "established"
    assert newcastle["status_event"]["event_type"] == "established"
    rescinded = rows["rescindton-xian"]
    assert rescinded["status_since"]["date"] == "2021-05-20"
    assert rescinded["status_event"]["id"] == world.rescindton_sever.pk
    assert rescinded["ended"]["display"] == "20 May 2021"
    assert slugs(api.get(URL, {"as_of": "2022-01-01", "status": "severed"})) == {"rescindton-xian"}
    assert slugs(api.get(URL, {"as_of": "2022-01-01", "status": "active", "countries": "GB,CN"})) == {
        "newcastle-upon-tyne-taiyuan", "bath-jiangxi", "nottingham-ningbo",
    }


def test_as_of_across_a_rescinded_decision(api, world):
    def status_on(day):
        row = results(api.get(URL, {"as_of": day, "place": "rescindton"}))[0]
        return row["status"], (row["status_since"] or {}).get("date")

    assert status_on("2003-12-31") == ("unknown", None)
    assert status_on("2021-05-19") == ("active", "2004-01-01")
    assert status_on("2021-05-20") == ("severed", "2021-05-20")
    assert status_on("2022-02-13") == ("severed", "2021-05-20")
    # the rescission restores the status before the decision it withdraws
    assert status_on("2022-02-14") == ("active", "2022-02-14")
    current = results(api.get(URL, {"place": "rescindton"}))[0]
    assert (current["status"], current["status_since"]["date"]) == ("active", "2022-02-14")
    assert current["status_event"]["event_type"] == "decision_rescinded"
    assert slugs(api.get(URL, {"as_of": "2021-06-01", "status": "severed", "countries": "GB,CN"})) == {"rescindton-xian"}
    assert slugs(api.get(URL, {"as_of": "2022-06-01", "status": "severed", "countries": "GB,CN"})) == set()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("as_of=2022-01-01&status=severed&country=GB", {"rescindton-xian"}),
        ("as_of=2022-01-01&status=severed&country=cn", {"rescindton-xian"}),
        ("as_of=2022-01-01&status=severed&country=RU", set()),
        ("as_of=2022-01-01&status=active&country=RU", {"nottingham-krasnodar"}),
        ("as_of=2022-01-01&status=active&status=severed&countries=CN,GB",
         {"newcastle-upon-tyne-taiyuan", "bath-jiangxi", "nottingham-ningbo", "rescindton-xian"}),
        ("as_of=2022-01-01&status=active&countries=IT,FR&country=IT", {"paris-rome"}),
        # "unknown" is the absence of an event on the date: those pairings stay in
        ("as_of=1950-01-01&status=unknown&country=RU", {"nottingham-krasnodar"}),
        ("as_of=2022-01-01&status=unknown&status=active&country=RU", {"nottingham-krasnodar"}),
    ],
)
def test_as_of_status_and_country_together(api, world, query, expected):
    """The status on a date in one country: also read from the dated event's own copy of the countries."""
    assert slugs(api.get(f"{URL}?{query}")) == expected


def test_as_of_status_and_country_follow_a_corrected_country(api, world):
    world.krasnodar.country = "UA"
    world.krasnodar.save()
    query = {"as_of": "2022-01-01", "status": "active"}
    assert slugs(api.get(URL, {**query, "country": "UA"})) == {"nottingham-krasnodar"}
    assert slugs(api.get(URL, {**query, "country": "RU"})) == set()
    # One row a page, so the count of GB's four is asked of the database (from the dated events' copies)
    body = api.get(URL, {**query, "country": "GB", "page_size": 1}).json()
    assert (body["count"], body["count_is_exact"]) == (4, True)
    assert {e["id"] for e in results(api.get("/api/v1/events/", {"country": "UA"}))} == set(
        world.nottingham_krasnodar.events.values_list("pk", flat=True)
    )


def test_as_of_before_any_event_is_unknown(api, world):
    assert slugs(api.get(URL, {"as_of": "1950-01-01", "status": "unknown"})) == ALL


def test_status_event_is_the_decision_even_when_a_statement_follows(api, world):
    record(world.newcastle_taiyuan, EventType.STATEMENT, "2022-11-20", sourced=False)
    row = results(api.get(URL, {"place": "newcastle-upon-tyne"}))[0]
    assert row["latest_event"]["event_type"] == "statement"
    assert row["status_event"]["id"] == world.newcastle_sever.pk
    assert row["status_event"]["sources"]
    detail = api.get(f"{URL}{world.newcastle_taiyuan.pk}/").json()
    assert detail["status_event"]["id"] == world.newcastle_sever.pk and detail["latest_event"]["event_type"] == "statement"


def test_list_representation(api, world):
    row = next(r for r in results(api.get(URL, {"place": "newcastle-upon-tyne"})))
    assert row["id"] == world.newcastle_taiyuan.pk
    assert row["url"].endswith("/pairings/newcastle-upon-tyne-taiyuan/")
    assert (row["status"], row["status_label"]) == ("severed", "Severed")
    assert row["status_since"] == {"date": "2022-11-02", "precision": "day", "circa": False, "display": "2 November 2022"}
    assert row["established"] == {"date": "1985-01-01", "precision": "year", "circa": False, "display": "1985"}
    assert row["ended"]["date"] == "2022-11-02"
    assert row["place_a"] == {
        "id": world.newcastle.pk, "slug": "newcastle-upon-tyne", "name": "Newcastle upon Tyne", "local_name": "",
        "country": "GB", "region": "England", "kind": "city", "latitude": 54.97328, "longitude": -1.61396,
    }
    assert row["place_b"]["local_name"] == "太原"
    decision = row["status_event"]
    assert decision == row["latest_event"]
    assert decision["event_type"] == "decision_sever"
    assert decision["unanimous"] is True and decision["body"] == "full_council"
    assert decision["mover"] == "Cllr Wendy Taylor"
    assert len(decision["sources"]) == 1 and decision["sources"][0]["source"]["url"].startswith("https://")
    assert row["source_count"] == 2


def test_detail_by_id_or_slug_has_timeline_agreements_campaigns_petitions(api, world):
    from campaigns.models import Campaign, CampaignTarget, Petition
    from twinning import services

    services.agreement_record(pairing=world.newcastle_taiyuan, kind="sister_city", title="Sister city agreement")
    campaign = Campaign.objects.create(name="Newcastle Stands With Hong Kong", slug="nswhk")
    CampaignTarget.objects.create(campaign=campaign, pairing=world.newcastle_taiyuan, outcome="severed")
    Petition.objects.create(title="End the link", campaign=campaign, target_council="Newcastle City Council",
                            pairing=world.newcastle_taiyuan)
    by_slug = api.get(f"{URL}newcastle-upon-tyne-taiyuan/").json()
    by_id = api.get(f"{URL}{world.newcastle_taiyuan.pk}/").json()
    assert by_slug == by_id
    assert [e["event_type"] for e in by_id["timeline"]] == ["established", "decision_sever"]
    assert [e["status_after"] for e in by_id["timeline"]] == ["active", "severed"]
    assert by_id["timeline"][1]["sources"][0]["source"]["publisher"] == "Example News"
    assert by_id["agreements"][0]["title"] == "Sister city agreement"
    assert by_id["campaigns"] == [
        {"campaign": {"id": campaign.pk, "slug": "nswhk", "name": "Newcastle Stands With Hong Kong"},
         "targets": "pairing", "place": None, "outcome": "severed", "note": ""}
    ]
    assert by_id["petitions"][0]["title"] == "End the link"
    old = api.get(f"{URL}newcastle-upon-tyne-taiyuan/", {"as_of": "2022-01-01"}).json()
    assert old["status"] == "active" and len(old["timeline"]) == 2


def test_detail_unknown_is_404(api, world):
    assert api.get(f"{URL}no-such-pairing/").status_code == 404
    assert api.get(f"{URL}999999/").status_code == 404


def test_geojson_draws_a_line_between_places_with_coordinates(api, world):
    response = api.get(URL, {"format": "geojson", "place": "newcastle-upon-tyne"})
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["count"] == 1
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "LineString", "coordinates": [[-1.61396, 54.97328], [112.56028, 37.86944]]}
    assert feature["properties"]["status"] == "severed"
    other = api.get(URL, {"place": "paris"}, HTTP_ACCEPT="application/geo+json").json()
    assert other["features"][0]["geometry"] is None


def test_visit_only_pairing_has_no_since_through_page_detail_list_and_as_of_today(api, client, world):
    """A pairing whose only event is an unsourced visit has no status-bearing event: its status is
    unknown from no date, on the pairing page and through the API's detail, list and `as_of`."""
    import datetime as dt

    from tests.twinning.factories import PlaceFactory, make_pairing

    pairing = make_pairing(place_a=PlaceFactory(name="Visitham", slug="visitham"),
                           place_b=PlaceFactory(name="Guestford", slug="guestford"), established=None)
    record(pairing, EventType.VISIT, "2010-05-01", sourced=False)
    wanted = ("unknown", None, None)

    def answer(row):
        return row["status"], row["status_since"], row["status_event"]

    assert answer(api.get(f"{URL}{pairing.pk}/").json()) == wanted
    assert answer(results(api.get(URL, {"place": "visitham"}))[0]) == wanted
    today = dt.date.today().isoformat()
    assert answer(results(api.get(URL, {"place": "visitham", "as_of": today}))[0]) == wanted
    assert slugs(api.get(URL, {"as_of": today, "status_changed_after": "2010"})) & {pairing.slug} == set()
    page = client.get(pairing.get_absolute_url()).content.decode()
    status_box = page.split('class="status-line"')[1].split("</p>")[0]
    assert "status-unknown" in status_box and "since" not in status_box


def test_map_page_draws_the_pairings_the_api_geojson_serves(api, client, world):
    page = client.get("/map/", {"status": "severed", "country": "cn"})
    served = api.get(URL, {"format": "geojson", "status": "severed", "country": "CN", "page_size": 100}).json()
    listed_below = re.findall(r'<li><a href="/pairings/([\w-]+)/">', page.content.decode())
    assert sorted(listed_below) == sorted(f["properties"]["slug"] for f in served["features"]) == [
        "bath-jiangxi", "newcastle-upon-tyne-taiyuan"
    ]
    newcastle = next(f for f in served["features"] if f["id"] == world.newcastle_taiyuan.pk)["properties"]
    assert newcastle["status_event_id"] == world.newcastle_sever.pk and newcastle["status_since_date"] == "2022-11-02"
