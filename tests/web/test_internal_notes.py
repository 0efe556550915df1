"""Curators' internal notes (a source's `notes`: how the record was made) and internal file paths never
reach a public page, feed, sitemap or API answer. Pairing, place and agreement notes are public
explanations of the record and stay."""

import pytest

from campaigns.models import Campaign
from sources.models import Source
from twinning.models import Pairing, Place

RESOURCES = ["places", "pairings", "events", "agreements", "sources", "campaigns", "organisations", "petitions"]
SITE = ["/", "/pairings/", "/campaigns/", "/map/", "/stats/", "/about/", "/data/", "/feeds/decisions/", "/sitemap.xml"]


def public_urls() -> list[str]:
    urls = list(SITE)
    for pairing in Pairing.objects.all():
        urls += [pairing.get_absolute_url(), f"/api/v1/pairings/{pairing.pk}/"]
    for place in Place.objects.all():
        urls += [place.get_absolute_url(), f"{place.get_absolute_url()}feed/", f"/api/v1/places/{place.slug}/"]
    for campaign in Campaign.objects.all():
        urls += [campaign.get_absolute_url(), f"{campaign.get_absolute_url()}feed/"]
    for source in Source.objects.all():
        urls += [f"/sources/{source.pk}/", f"/api/v1/sources/{source.pk}/"]
    for resource in RESOURCES:
        urls += [f"/api/v1/{resource}/?page_size=100", f"/api/v1/{resource}/?page_size=100&format=csv"]
    return urls + ["/api/v1/pairings/?page_size=100&format=geojson", "/api/v1/stats/"]


@pytest.mark.django_db
class TestDemoPublicPages:
    def test_no_public_page_shows_a_file_path_or_an_internal_note(self, demo_data, client):
        notes = set(Source.objects.exclude(notes="").values_list("notes", flat=True))
        assert notes, "the demo's sources carry curator notes, so this test can see one leak"
        urls = public_urls()
        assert len(urls) > 100
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode()
            assert "seeds/" not in text, url
            assert ".txt" not in text, url
            leaked = [note for note in notes if note in text]
            assert not leaked, (url, leaked)

    def test_public_notes_of_places_and_agreements_still_show(self, demo_data, client):
        bath = Place.objects.get(name="Bath and North East Somerset")
        assert "Coordinates are those of Bath" in client.get(bath.get_absolute_url()).content.decode()
        newcastle = Pairing.objects.get(place_a__name="Newcastle upon Tyne", place_b__name="Taiyuan")
        assert "Terminated by the council" in client.get(newcastle.get_absolute_url()).content.decode()
