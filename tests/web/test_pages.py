"""Content of each public page: what a reader must see (status, dates at precision, sources)."""

import html as htmllib
import re

import pytest
from django.urls import reverse

from tests.twinning.factories import PlaceFactory, make_pairing
from tests.web.conftest import NEWCASTLE_URL
from twinning.constants import EVENT_DEFINITIONS, STATUS_DEFINITIONS, EventType, Status
from twinning.models import SlugRedirect

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed (tags stripped)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_pairing_page_shows_status_date_decision_and_sources(client, newcastle):
    response = client.get(reverse("pairing-detail", kwargs={"slug": newcastle.slug}))
    assert response.status_code == 200
    text = text_of(response)
    assert "Newcastle upon Tyne – Taiyuan" in text
    assert "太原" in text
    assert re.search(r"Severed since 2 November 2022", text)
    assert str(STATUS_DEFINITIONS[Status.SEVERED]) in text
    # Established at year precision, never padded to a day.
    assert "1985 — Established" in text
    assert "1 January 1985" not in text
    # Decision details.
    assert "Full council" in text and "Cllr Wendy Taylor (Liberal Democrats)" in text and "Unanimous" in text
    # Numbered sources with publisher, title, date, link and archive link.
    html = response.content.decode()
    assert f'href="{NEWCASTLE_URL}"' in html
    assert 'href="https://www.theepochtimes.com/newcastle-severs-ties"' in html
    assert 'href="https://web.archive.org/web/2022/newcastle"' in html
    assert "The Epoch Times" in text and "3 November 2022" in text
    assert "[1]" in text and "[2]" in text
    assert "Last updated" in text
    assert "Suggest a correction" in text and f'href="/pairings/{newcastle.slug}/correction/"' in html


def test_pairing_page_shows_conflicting_sources_agreement_campaign_and_petition(client, nottingham):
    text = text_of(client.get(nottingham.get_absolute_url()))
    assert "Retained since March 2023" in text
    assert "Sources disagree on this date." in text
    assert "BBC: April 2023" in text and "The Epoch Times: March 2023" in text
    assert "This source gives the date as April 2023." in text
    # Review opened at month precision.
    assert "June 2022 — Review opened" in text
    # Agreement with term and renewal date.
    assert "5 years" in text and "Renewal due or expiry 2025" in text
    # The campaign targets Nottingham as a whole; the petition carries its signatures.
    assert "Global De-twin with China" in text and "targets Nottingham (all its ties)" in text
    assert "1,500+ signatures" in text


def test_zh_hant_pairing_page_shows_translated_status_and_date(client, newcastle):
    response = client.get(f"/zh-hant{newcastle.get_absolute_url()}")
    text = text_of(response)
    assert 'lang="zh-Hant"' in response.content.decode()
    assert "已斷絕" in text
    assert "2022年11月2日" in text
    assert "英國" in text and "中國" in text  # country names in the reader's language
    assert "Severed" not in text


def test_language_switch_keeps_the_page(client, newcastle):
    """The switch is a plain link to the same page (and its filters) in the other language."""
    path = newcastle.get_absolute_url()
    page = client.get(f"{path}?x=1").content.decode()
    assert f'href="/zh-hant{path}?x=1" hreflang="zh-Hant" lang="zh-Hant"' in page
    zh = client.get(f"/zh-hant{path}").content.decode()
    assert f'href="{path}" hreflang="en" lang="en"' in zh
    assert "已斷絕" in text_of(client.get(f"/zh-hant{path}"))
    # The old POST switch still answers, and sends the reader to the page in the chosen language.
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": path})
    assert response.status_code == 302 and response["Location"] == f"/zh-hant{path}"


def test_old_pairing_slug_redirects(client, newcastle):
    SlugRedirect.objects.create(kind="pairing", old_slug="newcastle-taiyuan", new_slug=newcastle.slug)
    response = client.get("/pairings/newcastle-taiyuan/")
    assert response.status_code == 301 and response["Location"] == newcastle.get_absolute_url()
    assert client.get("/pairings/no-such-pairing/").status_code == 404


def test_place_page(client, newcastle):
    response = client.get(newcastle.place_b.get_absolute_url())
    text = text_of(response)
    assert "Taiyuan 太原" in text and "Shanxi" in text and "China" in text
    assert "Newcastle upon Tyne – Taiyuan" in text and "Severed" in text and "2 November 2022" in text
    html = response.content.decode()
    assert 'class="line status-severed"' in html  # the small map
    assert reverse("place-feed", kwargs={"slug": "taiyuan"}) in html


def test_campaign_page(client, nottingham):
    response = client.get(reverse("campaign-detail", kwargs={"slug": "global-de-twin-with-china"}))
    text = text_of(response)
    assert "Global De-twin with China" in text and "Launched July 2022" in text
    assert "Nottingham Stands with Hong Kong" in text
    assert "Nottingham" in text and "all its ties" in text and "Retained : 1" in text
    assert "End the Nottingham–Ningbo twinning" in text and "1,500+ signatures" in text
    assert "Campaigns" in text_of(client.get(reverse("campaign-list")))


def test_source_page_lists_every_claim(client, nottingham):
    source = nottingham.events.get(event_type=EventType.DECISION_RETAIN).citations.get(source__publisher="BBC").source
    text = text_of(client.get(source.get_absolute_url()))
    assert "Nottingham keeps Ningbo twinning" in text and "BBC" in text
    assert "Nottingham – Ningbo : Decision to retain, March 2023 (this source gives April 2023)" in text


def test_home_page_numbers_latest_decisions_and_search(client, newcastle, nottingham):
    text = text_of(client.get("/"))
    assert "2 pairings recorded" in text
    assert re.search(r"1 Severed", text) and re.search(r"1 Retained", text)
    assert "2 November 2022 Newcastle upon Tyne – Taiyuan : Decision to sever" in text
    html = client.get("/").content.decode()
    assert 'action="/pairings/"' in html and 'name="q"' in html and 'href="/map/"' in html


@pytest.mark.parametrize(
    "query, expected, excluded",
    [
        ("q=Newcastle", ["Newcastle upon Tyne – Taiyuan"], ["Nottingham – Ningbo"]),
        ("q=%E5%AE%81%E6%B3%A2", ["Nottingham – Ningbo"], ["Newcastle upon Tyne – Taiyuan"]),  # 宁波
        ("q=%E5%AF%A7%E6%B3%A2", ["Nottingham – Ningbo"], ["Newcastle upon Tyne – Taiyuan"]),  # 寧波 finds 宁波
        ("status=severed", ["Newcastle upon Tyne – Taiyuan"], ["Nottingham – Ningbo"]),
        ("status=severed&status=retained", ["Newcastle upon Tyne – Taiyuan", "Nottingham – Ningbo"], []),
        ("country=CN", ["Newcastle upon Tyne – Taiyuan", "Nottingham – Ningbo"], []),
        ("relationship=twin_town", ["Nottingham – Ningbo"], ["Newcastle upon Tyne – Taiyuan"]),
        ("decided=2022", ["Newcastle upon Tyne – Taiyuan"], ["Nottingham – Ningbo"]),
        ("campaign=global-de-twin-with-china", ["Nottingham – Ningbo"], ["Newcastle upon Tyne – Taiyuan"]),
    ],
)
def test_browse_filters(client, newcastle, nottingham, query, expected, excluded):
    response = client.get(f"/pairings/?{query}")
    assert response.status_code == 200
    text = text_of(response)
    for name in expected:
        assert name in text
    for name in excluded:
        assert name not in text


@pytest.fixture
def other_countries(newcastle, nottingham):
    make_pairing(place_a=PlaceFactory(name="Lyon", country="FR"), place_b=PlaceFactory(name="Coventry", country="GB"))
    make_pairing(place_a=PlaceFactory(name="Kyiv", country="UA"), place_b=PlaceFactory(name="Harbin", country="CN"))


@pytest.mark.parametrize(
    "query, expected",
    [
        ("country=GB&with_country=CN", {"Newcastle upon Tyne – Taiyuan", "Nottingham – Ningbo"}),
        ("country=cn&with_country=gb", {"Newcastle upon Tyne – Taiyuan", "Nottingham – Ningbo"}),
        # the API's parameter, in a link or URL made for the API, narrows the page the same way
        ("countries=GB,CN", {"Newcastle upon Tyne – Taiyuan", "Nottingham – Ningbo"}),
        ("countries=CN,UA", {"Kyiv – Harbin"}),
        ("with_country=FR", {"Lyon – Coventry"}),  # alone: that country on either side
        ("country=GB", {"Newcastle upon Tyne – Taiyuan", "Nottingham – Ningbo", "Lyon – Coventry"}),
    ],
)
def test_browse_between_two_countries(client, other_countries, query, expected):
    response = client.get(f"/pairings/?{query}")
    assert response.status_code == 200
    text = text_of(response)
    every = {"Newcastle upon Tyne – Taiyuan", "Nottingham – Ningbo", "Lyon – Coventry", "Kyiv – Harbin"}
    assert {name for name in every if name in text} == expected
    assert f"{len(expected)} pairing" in text


@pytest.mark.parametrize(
    "query, said",
    [
        ("countries=GB,CN", "Filtered by: Country (either side): United Kingdom · Paired with a place in: China"),
        ("status=severed&status=retained&sort=established", "Filtered by: Status: Severed, Retained · Clear filters"),
        ("q=Nottingham", "Filtered by: Place name: Nottingham"),
    ],
)
def test_the_list_says_what_it_is_filtered_by_beside_its_count(client, other_countries, query, said):
    """On a phone the form is below the list: the count says what it counts, so a shared link does too."""
    text = text_of(client.get(f"/pairings/?{query}"))
    assert said in text


def test_an_unfiltered_list_says_no_filter(client, other_countries):
    assert "Filtered by" not in text_of(client.get("/pairings/?sort=established"))


@pytest.mark.parametrize("query", ["countries=GB,XX", "countries=GB", "country=GB&with_country=XX"])
def test_browse_between_countries_refuses_an_unknown_country_by_name(client, other_countries, query):
    response = client.get(f"/pairings/?{query}")
    assert response.status_code == 400
    text = text_of(response)
    assert "Some filters are not valid" in text and "Paired with a place in" in text
    assert "Lyon – Coventry" not in text


@pytest.mark.parametrize(
    "query, field",
    [("status=bogus", "Status"), ("decided=twenty", "Decided in year"), ("country=XX", "Country (either side)"),
     ("sort=random", "Sort by")],
)
def test_browse_bad_filter_is_a_400_naming_the_field(client, newcastle, query, field):
    response = client.get(f"/pairings/?{query}")
    assert response.status_code == 400
    text = text_of(response)
    assert "Some filters are not valid" in text and field in text
    assert "Newcastle upon Tyne – Taiyuan" not in text


def test_browse_sorts_and_paginates_with_shareable_urls(client):
    hub = PlaceFactory(name="Aberdeen", slug="aberdeen")
    for i in range(30):
        make_pairing(place_a=hub, place_b=PlaceFactory(name=f"Partner {i:02d}", slug=f"partner-{i:02d}", country="CN"),
                     established=str(1970 + i))
    first = text_of(client.get("/pairings/?sort=established"))
    assert "30 pairings" in first and "page 1 of 2" in first
    assert first.index("Partner 00") < first.index("Partner 01")
    newest = text_of(client.get("/pairings/?sort=-established"))
    assert newest.index("Partner 29") < newest.index("Partner 28")
    second = client.get("/pairings/?sort=established&page=2")
    assert "Partner 29" in text_of(second) and "Partner 00" not in text_of(second)
    assert 'href="?sort=established&amp;page=1"' in second.content.decode()


def test_map_page_draws_lines_by_status_and_links_the_api_geojson(client, newcastle, nottingham):
    response = client.get("/map/")
    html = response.content.decode()
    assert html.count('class="pairing-line"') == 2
    assert 'class="line status-severed"' in html and 'class="line status-retained"' in html
    assert f'href="{newcastle.get_absolute_url()}"' in html
    # No copy of every pairing as JSON in the page (16 MB at world scale): the API serves it.
    assert 'id="pairings-geojson"' not in html
    assert 'href="/api/v1/pairings/?format=geojson"' in html
    # The same filter works without JavaScript.
    filtered = client.get("/map/?status=severed&country=CN").content.decode()
    assert 'href="/api/v1/pairings/?format=geojson&amp;status=severed&amp;country=CN"' in filtered
    assert filtered.count('class="pairing-line"') == 1 and "status-retained\"" not in filtered.split('class="pairing-map"')[1].split("</svg>")[0]


def test_stats_page_has_charts_and_the_same_numbers_in_tables(client, newcastle, nottingham):
    response = client.get("/stats/")
    years = {row["label"]: row for row in response.context["years"]["rows"]}
    assert years["2022"]["counts"] == {"decision_sever": 1}
    assert years["2023"]["counts"] == {"decision_retain": 1}
    countries = {row["country"]: row for row in response.context["countries"]["rows"]}
    # Only outcomes and statuses that occur get a colour and a column.
    assert [item["label"] for item in response.context["years"]["legend"]] == ["Decision to retain", "Decision to sever"]
    assert countries["CN"]["counts"] == {"severed": 1, "retained": 1} and countries["GB"]["total"] == 2
    html = response.content.decode()
    assert '<rect class="decision-decision_sever"' in html and '<rect class="status-severed"' in html
    text = text_of(response)
    assert "Decisions per year, by outcome" in text and "Pairings by country and status" in text


def test_about_page_uses_the_code_vocabulary(client):
    text = text_of(client.get("/about/"))
    for status in Status:
        assert str(status.label) in text and str(STATUS_DEFINITIONS[status]) in text
    assert str(EVENT_DEFINITIONS[EventType.DECISION_RESCINDED]) in text
    assert "Sourcing policy" in text


def test_data_page_lists_and_serves_the_export(client, settings, tmp_path, db):
    settings.EXPORT_DIR = tmp_path
    (tmp_path / "pairings-2026-11-23.csv").write_text("id,slug\n1,a\n")
    (tmp_path / "pairings-2026-11-01.csv").write_text("id,slug\n")
    (tmp_path / "events-2026-11-23.csv.part").write_text("half written")
    (tmp_path / "datapackage.json").write_text(
        '{"generated_at": "2026-11-23T12:00:00Z", "licenses": [{"name": "CC-BY-4.0"}],'
        ' "resources": [{"name": "pairings", "path": "pairings-2026-11-23.csv", "rows": 1}]}'
    )
    response = client.get("/data/")
    text = text_of(response)
    assert "Latest export generated at 2026-11-23T12:00:00Z." in text and "CC-BY-4.0" in text
    assert "pairings pairings-2026-11-23.csv 1" in text
    assert "Earlier exports and other files" in text and "pairings-2026-11-01.csv" in text
    assert ".part" not in text
    assert 'href="/api/docs/"' in response.content.decode()
    download = client.get("/data/files/pairings-2026-11-23.csv")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"id,slug\n1,a\n"
    assert client.get("/data/files/../settings.py").status_code == 404
    assert client.get("/data/files/missing.csv").status_code == 404
    assert client.get("/data/files/events-2026-11-23.csv.part").status_code == 404


def test_data_page_without_export_builds_one_on_demand(client, settings, tmp_path, newcastle):
    settings.EXPORT_DIR = tmp_path / "none"
    text = text_of(client.get("/data/"))
    assert "No export has been published yet." not in text
    assert "Latest export generated at" in text and "CC-BY-4.0" in text
    name = next(p.name for p in (tmp_path / "none").glob("pairings-*.csv"))
    assert f"pairings {name} 1" in text  # one pairing, counted in the description
    download = client.get(f"/data/files/{name}")
    assert download.status_code == 200 and "newcastle-upon-tyne-taiyuan" in b"".join(download.streaming_content).decode("utf-8-sig")


def test_data_page_rebuilds_the_export_after_the_register_changed(client, settings, tmp_path, newcastle, nottingham):
    settings.EXPORT_DIR = tmp_path
    (tmp_path / "datapackage.json").write_text(
        '{"generated_at": "2000-01-01T00:00:00+00:00", "resources": []}'  # older than every record
    )
    text = text_of(client.get("/data/"))
    assert "2000-01-01" not in text.split("Earlier exports")[0]
    name = next(p.name for p in tmp_path.glob("pairings-*.csv"))
    assert f"pairings {name} 2" in text
    # Current now: the next visit serves the same files without building again.
    before = (tmp_path / "datapackage.json").stat().st_mtime_ns
    client.get("/data/")
    assert (tmp_path / "datapackage.json").stat().st_mtime_ns == before


def test_sitemap_and_robots(client, newcastle, nottingham):
    from tests.web.test_sitemaps import sitemap_urls

    sitemap = "\n".join(sitemap_urls(client))  # the index, then each section it names
    assert f"http://testserver{newcastle.get_absolute_url()}" in sitemap
    assert "http://testserver/places/taiyuan/" in sitemap
    assert "http://testserver/campaigns/global-de-twin-with-china/" in sitemap
    assert "http://testserver/sources/" in sitemap
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()
    assert "Disallow: /admin/" in robots.content.decode()


def test_unknown_page_is_a_helpful_404(client, settings):
    settings.DEBUG = False
    response = client.get("/places/atlantis/")
    assert response.status_code == 404
    text = text_of(response)
    assert "Page not found" in text and "Search pairings by place name" in text


def test_who_acted_names_the_council(client, newcastle):
    from twinning.models import Event

    Event.objects.filter(pairing=newcastle, event_type=EventType.DECISION_SEVER).update(actor="side_a")
    assert "Who acted Newcastle City Council" in text_of(client.get(newcastle.get_absolute_url()))


@pytest.mark.parametrize(
    "url",
    [
        "/pairings/?page=abc", "/pairings/?page=999", "/pairings/?q=" + "x" * 300, "/pairings/?decided=99999",
        "/pairings/?country=%00", "/pairings/?campaign=nope", "/pairings/?status=", "/map/?status=nope&country=1",
        "/data/files/%00", "/data/files/..%2F..%2Fetc%2Fpasswd", "/sources/999999/", "/campaigns/nope/feed/",
    ],
)
def test_odd_input_never_makes_a_server_error(client, newcastle, url):
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)
    if response.status_code == 400:
        text = response.content.decode() if response["Content-Type"].startswith("text/plain") else text_of(response)
        assert "Some filters are not valid" in text or "contains a NUL character" in text


def test_a_place_with_hundreds_of_pairings_is_paged_checked_ones_first(client, django_assert_max_num_queries):
    from tests.twinning.factories import PlaceFactory, make_pairing
    from twinning.models import Pairing

    hub = PlaceFactory(name="Hubton", latitude="51.5", longitude="-0.12")
    partners = [PlaceFactory(name=f"Partner {i:03d}", country="CN", region="Shanxi") for i in range(104)]
    for partner in partners[:103]:
        Pairing.objects.create(place_a=hub, place_b=partner, relationship="sister_city", slug=f"hubton-{partner.slug}", status="listed")
    make_pairing(place_a=hub, place_b=partners[103], established="1990")  # derived through the services: Active

    with django_assert_max_num_queries(10):
        first = client.get(hub.get_absolute_url()).content.decode()
    assert "page 1 of 2" in first and 'rel="next" href="?page=2"' in first
    # The one pairing a curator checked comes first, before those only listed.
    assert first.index("Partner 103") < first.index("Partner 000")
    second = client.get(hub.get_absolute_url() + "?page=2").content.decode()
    assert "page 2 of 2" in second and "Partner 102" in second and "Partner 103" not in second
    assert "Partner 050" not in second
    assert f'href="/map/?place={hub.slug}"' in first
