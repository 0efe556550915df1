"""The language lives in the URL (/zh-hant/…), with hreflang alternates; Chinese names in Traditional
characters on zh-Hant pages; English passages marked lang="en"; curated text translatable field by field."""

import re

from django.test import Client

from tests.web.test_pages import text_of
from twinning import services
from twinning.models import Event


def test_a_shared_zh_hant_link_opens_in_traditional_chinese(client, nottingham):
    response = client.get("/zh-hant/pairings/nottingham-ningbo/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="zh-Hant">' in html
    text = text_of(response)
    assert "寧波" in text and "宁波" not in text  # stored Simplified, shown Traditional
    assert "浙江" in text and "Zhejiang" not in text  # the region in the reader's language
    assert "已保留" in text
    # English place names on a Chinese page are marked as English for screen readers.
    assert '<span lang="en">Nottingham</span>' in html
    assert 'class="local-names" lang="zh-Hant"' in html


def test_english_stays_unprefixed_whatever_the_cookie(nottingham):
    """A link opens in the language of its address: an old language cookie does not turn it Chinese."""
    client = Client()
    client.cookies["django_language"] = "zh-hant"
    response = client.get("/pairings/nottingham-ningbo/")
    text = text_of(response)
    assert '<html lang="en">' in response.content.decode()
    assert "Retained" in text and "宁波" in text  # English pages show the local name as recorded


def test_every_public_page_names_its_alternates_and_canonical(client, nottingham):
    html = client.get("/zh-hant/pairings/nottingham-ningbo/", HTTP_HOST="localhost:8131").content.decode()
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert links == {
        "en": "http://localhost:8131/pairings/nottingham-ningbo/",
        "zh-Hant": "http://localhost:8131/zh-hant/pairings/nottingham-ningbo/",
        "x-default": "http://localhost:8131/pairings/nottingham-ningbo/",
    }
    # Absolute links come from the request (the port the site is served on), not a fixed setting.
    assert '<link rel="canonical" href="http://localhost:8131/zh-hant/pairings/nottingham-ningbo/">' in html
    assert '<meta property="og:url" content="http://localhost:8131/zh-hant/pairings/nottingham-ningbo/">' in html
    assert '<meta property="og:title" content="Nottingham – Ningbo: 已保留">' in html
    assert 'rel="icon" href="/static/favicon.svg"' in html
    for path in ("/", "/pairings/", "/about/", "/data/", "/stats/", "/map/", "/campaigns/", "/places/ningbo/"):
        page = client.get(path).content.decode()
        assert f'hreflang="zh-Hant" href="http://testserver/zh-hant{path}"' in page, path
        assert f'<link rel="canonical" href="http://testserver{path}">' in page, path


def test_admin_and_api_are_not_prefixed(client, db):
    assert client.get("/zh-hant/api/v1/").status_code == 404
    assert client.get("/zh-hant/admin/").status_code == 404
    assert client.get("/api/v1/").status_code == 200


def test_sitemap_lists_both_languages_with_alternates(client, nottingham):
    xml = client.get("/sitemap-pairings.xml").content.decode()  # a section of the index at /sitemap.xml
    assert "<loc>http://testserver/zh-hant/pairings/nottingham-ningbo/</loc>" in xml
    assert "<loc>http://testserver/pairings/nottingham-ningbo/</loc>" in xml
    assert 'hreflang="x-default" href="http://testserver/pairings/nottingham-ningbo/"' in xml


def test_curated_text_shows_its_translation_or_the_english_marked_as_such(client, newcastle):
    event = Event.objects.get(pairing=newcastle, event_type="decision_sever")
    english = newcastle.get_absolute_url()
    path = f"/zh-hant{english}"
    html = client.get(path).content.decode()
    assert '<p lang="en">Full council voted unanimously to terminate the sister-city agreement.</p>' in html

    services.event_update(event, summary_zh_hant="全體議會一致投票終止姊妹城市協議。", user=None, reason="translation")
    html = client.get(path).content.decode()
    assert "<p>全體議會一致投票終止姊妹城市協議。</p>" in html
    assert "terminate the sister-city agreement" not in html
    # The English page keeps the English.
    assert "terminate the sister-city agreement" in client.get(english).content.decode()
