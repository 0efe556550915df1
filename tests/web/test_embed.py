"""An embeddable status badge (SVG) and card for a pairing: the only routes another site may frame."""

import re

import pytest
from django.urls import reverse

from tests.twinning.factories import make_pairing
from twinning.constants import Status

pytestmark = pytest.mark.django_db


def test_badge_says_status_and_since_with_an_accessible_title(client, newcastle, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("pairing-badge", args=[newcastle.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "<title>Newcastle upon Tyne – Taiyuan: Severed, since 2 November 2022 (Twinwatch)</title>" in svg
    assert 'role="img"' in svg and ">Severed</text>" in svg and ">since 2 November 2022</text>" in svg


def test_badge_in_traditional_chinese_on_request(client, newcastle):
    svg = client.get(reverse("pairing-badge", args=[newcastle.slug]) + "?lang=zh-hant").content.decode()
    assert "2022年11月2日" in svg


def test_a_listed_pairing_badge_never_reads_as_verified(client):
    pairing = make_pairing(established=None)
    pairing.status = Status.LISTED
    pairing.save()
    svg = client.get(reverse("pairing-badge", args=[pairing.slug])).content.decode()
    assert "not yet checked" in svg and "since" not in svg


def test_embed_card_and_badge_may_be_framed_but_no_other_page(client, newcastle):
    for name in ("pairing-embed", "pairing-badge"):
        response = client.get(reverse(name, args=[newcastle.slug]))
        assert "X-Frame-Options" not in response, name
        assert "frame-ancestors *" in response["Content-Security-Policy"], name
    page = client.get(newcastle.get_absolute_url())
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_embed_card_shows_status_and_links_back(client, newcastle, settings, django_assert_max_num_queries):
    settings.SITE_URL = "https://twinwatch.example"
    with django_assert_max_num_queries(3):
        html = client.get(reverse("pairing-embed", args=[newcastle.slug])).content.decode()
    assert "Newcastle upon Tyne – Taiyuan" in html and "Severed" in html and "since 2 November 2022" in html
    # Absolute links name the host the page was served on (web.context_processors).
    assert 'href="http://testserver/pairings/newcastle-upon-tyne-taiyuan/" target="_blank" rel="noopener"' in html
    assert "<script" not in html


def test_pairing_page_shows_the_snippets_to_copy(client, newcastle, settings):
    settings.SITE_URL = "https://twinwatch.example"
    html = client.get(newcastle.get_absolute_url()).content.decode()
    page = "http://testserver/pairings/newcastle-upon-tyne-taiyuan/"
    assert f'&lt;img src="{page}badge.svg"' in html
    assert re.search(rf'&lt;iframe src="{re.escape(page)}embed/" title="[^"]+"', html)
