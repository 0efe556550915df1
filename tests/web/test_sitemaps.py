"""sitemap.xml is an index of sections; each section page lists its records in both languages with
their alternates, exactly as Django's i18n GenericSitemap did, at a bounded cost."""

import re

import pytest
from django.contrib.sitemaps import GenericSitemap
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import Http404
from django.test import RequestFactory

from tests.twinning.factories import make_pairing
from twinning.models import Pairing
from web.sitemaps import I18nSitemap, ModelSitemap


def sitemap_urls(client) -> list[str]:
    """Every <loc> of every section the index names."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    locs = []
    for section in re.findall(r"<loc>http://testserver(/[^<]+)</loc>", index.content.decode()):
        response = client.get(section.replace("&amp;", "&"))
        assert response.status_code == 200, section
        locs += re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    return locs


@pytest.fixture
def five(db):
    return [make_pairing() for _ in range(5)]


def test_index_pages_sections_with_their_latest_change(client, five, monkeypatch):
    monkeypatch.setattr(ModelSitemap, "limit", 2)
    Pairing.objects.filter(pk=five[3].pk).update(updated_at="2030-01-02T03:04:05Z")
    xml = client.get("/sitemap.xml").content.decode()
    entries = dict(re.findall(r"<loc>http://testserver/sitemap-pairings\.xml(\?p=\d)?</loc>\s*<lastmod>([^<]+)</lastmod>", xml))
    assert set(entries) == {"", "?p=2", "?p=3"}
    assert entries["?p=2"].startswith("2030-01-02")  # the page holding the changed pairing
    assert not entries[""].startswith("2030") and not entries["?p=3"].startswith("2030")
    assert "<loc>http://testserver/sitemap-static.xml</loc>" in xml
    assert "sitemap-places.xml" in xml and "sitemap-sources.xml" in xml and "sitemap-campaigns.xml" in xml

    page = client.get("/sitemap-pairings.xml", {"p": 2}).content.decode()
    assert page.count("<url>") == 4  # two pairings, each in both languages
    assert client.get("/sitemap-pairings.xml", {"p": 4}).status_code == 404


def test_every_pairing_and_place_is_listed_once_per_language(client, five, monkeypatch):
    monkeypatch.setattr(ModelSitemap, "limit", 2)
    locs = sitemap_urls(client)
    for pairing in five:
        for prefix in ("", "/zh-hant"):
            assert locs.count(f"http://testserver{prefix}/pairings/{pairing.slug}/") == 1
            assert locs.count(f"http://testserver{prefix}/places/{pairing.place_a.slug}/") == 1


class OldPairings(I18nSitemap, GenericSitemap):
    """What the pairing section was before: Django's i18n GenericSitemap."""


def test_a_section_is_what_djangos_generic_sitemap_gave(client, five, django_assert_max_num_queries):
    request = RequestFactory().get("/sitemap-pairings.xml")
    old = django_sitemap(
        request, {"pairings": OldPairings({"queryset": Pairing.objects.order_by("pk"), "date_field": "updated_at"}, priority=0.8)},
        section="pairings",
    )
    old.render()
    with django_assert_max_num_queries(3):
        new = client.get("/sitemap-pairings.xml")
    assert new.content == old.content
    assert new["Last-Modified"] == old["Last-Modified"]
    assert 'hreflang="x-default"' in new.content.decode() and 'hreflang="zh-hant"' in new.content.decode()


def test_sitemaps_come_from_the_page_cache_until_the_register_changes(client, five, django_assert_max_num_queries):
    first_index = client.get("/sitemap.xml")
    first_section = client.get("/sitemap-pairings.xml")
    with django_assert_max_num_queries(1):  # the register's version
        assert client.get("/sitemap.xml").content == first_index.content
    with django_assert_max_num_queries(1):
        assert client.get("/sitemap-pairings.xml").content == first_section.content
    assert first_section.get("ETag") and first_section["X-Robots-Tag"]
    newest = make_pairing()
    assert f"/pairings/{newest.slug}/" in client.get("/sitemap-pairings.xml").content.decode()


@pytest.mark.parametrize("time_zone", ["UTC", "Asia/Taipei"])
def test_section_pages_are_the_bytes_djangos_sitemap_view_wrote(client, five, monkeypatch, settings, time_zone):
    """Section pages are written as text (ModelSitemap.section_xml), not through the template: the same
    bytes and Last-Modified as Django's sitemap view over the same sitemaps, on every page of every
    section, lastmod the day in the site's time zone; the same 404s."""
    from django.urls import clear_url_caches
    from django.utils import timezone

    from web.urls import SITEMAPS

    settings.TIME_ZONE = time_zone
    clear_url_caches()
    monkeypatch.setattr(ModelSitemap, "limit", 2)
    Pairing.objects.filter(pk=five[2].pk).update(updated_at="2030-01-02T20:00:00Z")  # 3 January in Taipei
    pages = 0
    for section in ("pairings", "places", "sources", "campaigns", "static"):
        for page in range(1, 6):
            try:
                with timezone.override(time_zone):
                    old = django_sitemap(RequestFactory().get(f"/sitemap-{section}.xml", {"p": page}), SITEMAPS, section=section)
            except Http404:
                old = None
            new = client.get(f"/sitemap-{section}.xml", {"p": page})
            if old is None:
                assert new.status_code == 404, (section, page)
                break
            old.render()
            assert new.status_code == 200
            assert new.content == old.content, (section, page)
            assert new.get("Last-Modified") == old.get("Last-Modified")
            assert new["Content-Type"] == old["Content-Type"] and new["X-Robots-Tag"] == old["X-Robots-Tag"]
            pages += 1
    assert pages >= 8
    day = "2030-01-03" if time_zone == "Asia/Taipei" else "2030-01-02"
    page = client.get("/sitemap-pairings.xml", {"p": 2}).content.decode()
    assert (
        f"<url><loc>http://testserver/pairings/{five[2].slug}/</loc><lastmod>{day}</lastmod><priority>0.8</priority>"
        f'<xhtml:link rel="alternate" hreflang="en" href="http://testserver/pairings/{five[2].slug}/"/>'
        f'<xhtml:link rel="alternate" hreflang="zh-hant" href="http://testserver/zh-hant/pairings/{five[2].slug}/"/>'
        f'<xhtml:link rel="alternate" hreflang="x-default" href="http://testserver/pairings/{five[2].slug}/"/></url>'
    ) in page
    for bad in ("0", "-1", "abc", "2.0", "99"):
        assert client.get("/sitemap-pairings.xml", {"p": bad}).status_code == 404, bad
    assert client.get("/sitemap-nothing.xml").status_code == 404
