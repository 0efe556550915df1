"""Atom feeds parse and carry the decisions; every page stays within a constant number of queries."""

import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from campaigns.models import Campaign, CampaignTarget
from tests.web.conftest import many_pairings

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text
    assert root.find(f"{ATOM}updated") is not None and root.find(f"{ATOM}id") is not None
    return root, root.findall(f"{ATOM}entry")


def test_decisions_feed_is_atom_with_the_decisions(client, newcastle, nottingham):
    root, entries = atom_entries(client, reverse("feed-decisions"))
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles == [
        "Nottingham – Ningbo: Decision to retain (March 2023)",
        "Newcastle upon Tyne – Taiyuan: Decision to sever (2 November 2022)",
    ]
    link = entries[1].find(f"{ATOM}link").get("href")
    assert link.startswith("http://testserver/pairings/newcastle-upon-tyne-taiyuan/#event-")
    assert "Status after this event: Severed." in entries[1].find(f"{ATOM}summary").text
    assert entries[1].find(f"{ATOM}published").text.startswith("2022-11-02")


def test_place_feed_only_has_that_places_decisions(client, newcastle, nottingham):
    _root, entries = atom_entries(client, reverse("place-feed", kwargs={"slug": "taiyuan"}))
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Newcastle upon Tyne – Taiyuan: Decision to sever (2 November 2022)"
    ]
    assert client.get("/places/nowhere/feed/").status_code == 404


def test_campaign_feed_follows_targeted_places_and_pairings(client, newcastle, nottingham):
    _root, entries = atom_entries(client, reverse("campaign-feed", kwargs={"slug": "global-de-twin-with-china"}))
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Nottingham – Ningbo: Decision to retain (March 2023)"]
    campaign = Campaign.objects.get(slug="global-de-twin-with-china")
    CampaignTarget.objects.create(campaign=campaign, pairing=newcastle, outcome="severed")
    _root, entries = atom_entries(client, reverse("campaign-feed", kwargs={"slug": campaign.slug}))
    assert len(entries) == 2


def test_zh_hant_feed_is_translated(client, newcastle):
    with translation.override("zh-hant"):
        url = reverse("feed-decisions")
    assert url == "/zh-hant/feeds/decisions/"  # the language is in the address, not a cookie
    _root, entries = atom_entries(client, url)
    assert entries[0].find(f"{ATOM}title").text == "Newcastle upon Tyne – Taiyuan: 決定斷絕 (2022年11月2日)"


@pytest.fixture
def big(db, nottingham):
    hub, pairings = many_pairings(55)
    campaign = Campaign.objects.get(slug="global-de-twin-with-china")
    for p in pairings[:20]:
        CampaignTarget.objects.create(campaign=campaign, pairing=p, outcome="pending")
    CampaignTarget.objects.create(campaign=campaign, place=hub, outcome="pending")
    return hub, pairings


def test_every_page_stays_within_ten_queries_on_many_rows(client, big, django_assert_max_num_queries, settings, tmp_path):
    settings.EXPORT_DIR = tmp_path
    hub, pairings = big
    source = pairings[0].events.last().citations.first().source
    urls = [
        "/",
        "/pairings/",
        "/pairings/?status=severed&country=CN&sort=-status_since&campaign=global-de-twin-with-china&decided=2016",
        pairings[0].get_absolute_url(),
        hub.get_absolute_url(),
        reverse("campaign-list"),
        reverse("campaign-detail", kwargs={"slug": "global-de-twin-with-china"}),
        source.get_absolute_url(),
        "/map/",
        "/stats/",
        "/about/",
        "/data/",
        "/feeds/decisions/",
        reverse("place-feed", kwargs={"slug": hub.slug}),
        reverse("campaign-feed", kwargs={"slug": "global-de-twin-with-china"}),
        "/sitemap.xml",
        "/robots.txt",
    ]
    call_command("export_dataset", str(settings.EXPORT_DIR), stdout=StringIO())  # /data/ serves a current export
    for url in urls:
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert response.status_code == 200, url
    # The hub's page really lists all 55 pairings and the map draws them.
    html = client.get(hub.get_absolute_url()).content.decode()
    assert html.count('class="pairing-line"') == 55
    assert client.get("/map/").content.decode().count('class="pairing-line"') == 56


def test_feed_summaries_are_plain_text_never_html(client, newcastle):
    """Issue 12 item 9: a summary holding markup reaches feed readers as text, escaped."""
    from twinning.constants import DECISION_TYPES
    from twinning.models import Event

    Event.objects.filter(pairing=newcastle, event_type__in=DECISION_TYPES).update(summary='<img src=x onerror="alert(1)"> severed\x01 <b>now</b>')
    for url in (reverse("feed-decisions"), reverse("place-feed", kwargs={"slug": "taiyuan"})):
        response = client.get(url)
        assert response.status_code == 200
        assert b"<img" not in response.content and b"&lt;img src=x" in response.content
        _root, entries = atom_entries(client, url)
        summaries = [e.find(f"{ATOM}summary") for e in entries]
        assert summaries and all(s.get("type") == "text" for s in summaries)
        assert any(s.text.startswith('<img src=x onerror="alert(1)"> severed <b>now</b>') for s in summaries)


def test_a_pairing_page_reads_agreements_campaigns_and_petitions_only_when_it_has_some(client, django_assert_max_num_queries):
    """The pairing's row says whether it has agreements, campaign targets (on it or one of its places)
    and petitions: a pairing with none costs five queries; one with them shows them."""
    from tests.campaigns.factories import make_campaign, make_petition
    from tests.twinning.factories import make_pairing
    from twinning import services

    bare = make_pairing()
    with django_assert_max_num_queries(5):  # the register's version, the pairing, events, their sources, its own sources
        assert client.get(bare.get_absolute_url()).status_code == 200
    rich = make_pairing()
    services.agreement_record(pairing=rich, kind="charter", title="A charter of friendship")
    campaign = make_campaign(name="Watch the place")
    CampaignTarget.objects.create(campaign=campaign, place=rich.place_b)
    make_petition(title="Reconsider every tie", target_place=rich.place_a)
    html = client.get(rich.get_absolute_url()).content.decode()
    assert "A charter of friendship" in html and "Watch the place" in html and "Reconsider every tie" in html
